// TLS settings for registry connections. Trust = Node's default roots (bundled + NODE_EXTRA_CA_CERTS) + the operating system's
// store (what d8 and docker, both Go programs, trust) + SSL_CERT_FILE + every certificate file in
// SSL_CERT_DIR (colon-separated, as OpenSSL and Go read it) + --ca-file. One SecureContext is built
// per transport: passing hundreds of PEMs as `ca` would re-parse them on every connection. It is
// built at the first TLS connection, not at start: reading and parsing the system store takes ~60 ms
// that a plain-HTTP registry never needs. The extra files are read at once, so a bad --ca-file is
// reported before anything is fetched.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, getCACertificates, type SecureContext } from 'node:tls';
import { UsageError } from '../errors.ts';

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a text (a bundle may hold many; anything else is ignored). */
export function pemCertificates(text: string): string[] {
  return text.match(pemBlock) ?? [];
}

function readCaFile(file: string, origin: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read the CA file ${file} (${origin}): ${code}`, { cause: err });
  }
  const certs = pemCertificates(text);
  if (certs.length === 0) {
    throw new UsageError(
      `the CA file ${file} (${origin}) holds no PEM certificate ('-----BEGIN CERTIFICATE-----')`,
    );
  }
  return certs;
}

/** Certificates from every readable file directly in the directories (hash symlinks included). */
function readCaDirs(dirs: string, origin: string): string[] {
  const out: string[] = [];
  for (const dir of dirs.split(':')) {
    if (dir === '') continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // as Go and OpenSSL: a missing directory adds nothing
      throw new UsageError(`cannot read the CA directory ${dir} (${origin})`, { cause: err });
    }
    for (const name of names.sort()) {
      const file = join(dir, name);
      try {
        if (!statSync(file).isFile()) continue;
        out.push(...pemCertificates(readFileSync(file, 'utf8')));
      } catch {
        // a dangling link or unreadable file: OpenSSL skips those too
      }
    }
  }
  return out;
}

/** Extra trusted certificates: SSL_CERT_FILE, SSL_CERT_DIR, then the given files. */
export function extraCaCertificates(caFiles: string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const certFile = env.SSL_CERT_FILE;
  if (certFile !== undefined && certFile !== '') out.push(...readCaFile(certFile, 'SSL_CERT_FILE'));
  const certDir = env.SSL_CERT_DIR;
  if (certDir !== undefined && certDir !== '') out.push(...readCaDirs(certDir, 'SSL_CERT_DIR'));
  for (const file of caFiles) out.push(...readCaFile(file, '--ca-file'));
  return out;
}

function systemCertificates(): string[] {
  try {
    return getCACertificates('system');
  } catch {
    return []; // no readable system store: Node's bundled roots still apply
  }
}

export interface TlsTrust {
  rejectUnauthorized: boolean;
  /** Every trusted root in one context, built on the first call. */
  secureContext(): SecureContext;
}

export function tlsTrust(
  options: { tlsSkipVerify?: boolean; caFiles?: string[] },
  env: NodeJS.ProcessEnv = process.env,
): TlsTrust {
  const extra = extraCaCertificates(options.caFiles, env);
  let context: SecureContext | undefined;
  return {
    rejectUnauthorized: options.tlsSkipVerify !== true,
    secureContext: () =>
      (context ??= createSecureContext({
        ca: [...new Set([...getCACertificates('default'), ...systemCertificates(), ...extra])],
      })),
  };
}
