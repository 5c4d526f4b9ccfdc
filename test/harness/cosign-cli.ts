// The real cosign (built by scripts/setup.sh, pinned) as a peer: it signs images in a harness registry
// with a key pair it generated, and checks what Ferry pushed. Two of them: v2 (.tools/bin/cosign)
// writes the tag scheme (`sha256-<hex>.sig`), v3 (.tools/cosign-v3/cosign) Sigstore bundles as OCI
// referrers, its default. Always offline: keys only, no transparency log or signing config, and a HOME
// of its own so no Sigstore TUF cache is touched.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export type CosignVersion = 'v2' | 'v3';
const COSIGN: Record<CosignVersion, string> = {
  v2: resolve(import.meta.dirname, '../../.tools/bin/cosign'),
  v3: resolve(import.meta.dirname, '../../.tools/cosign-v3/cosign'),
};

export interface CosignPeer {
  /** Where cosign.key and cosign.pub are. */
  dir: string;
  publicKeyFile: string;
  /** `cosign sign --key` of `image` (a `host/repo@sha256:…` reference); no tlog upload. */
  sign(image: string): Promise<void>;
  /** `cosign verify --key` of `image`: resolves to its stdout, rejects when cosign refuses. */
  verify(image: string): Promise<string>;
}

/** The cosign binary, or an Error saying how to get it. */
export function requireCosign(version: CosignVersion = 'v2'): string {
  const bin = COSIGN[version];
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    throw new Error(`cosign not found at ${bin}: run scripts/setup.sh (it builds the pinned cosign)`);
  }
}

/** `cosign sign` and `cosign verify` flags that keep each version offline, keys only. */
const OFFLINE = {
  v2: { sign: ['--tlog-upload=false'], verify: ['--insecure-ignore-tlog'] },
  // v3 signs into a Sigstore bundle by default; without a signing config it asks no service.
  v3: {
    sign: ['--use-signing-config=false', '--tlog-upload=false'],
    verify: ['--insecure-ignore-tlog=true'],
  },
} as const;

/** Generates a cosign key pair in `dir` (password-protected, as cosign requires) and wraps the CLI. */
export async function cosignPeer(dir: string, version: CosignVersion = 'v2'): Promise<CosignPeer> {
  const bin = requireCosign(version);
  const env = { PATH: process.env.PATH ?? '', HOME: dir, COSIGN_PASSWORD: 'ferry-test-password' };
  const cosign = (args: string[]) => run(bin, args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
  await cosign(['generate-key-pair']);
  const http = ['--allow-http-registry', '--allow-insecure-registry'];
  return {
    dir,
    publicKeyFile: join(dir, 'cosign.pub'),
    async sign(image) {
      await cosign(['sign', '--key', 'cosign.key', ...OFFLINE[version].sign, '--yes', ...http, image]);
    },
    async verify(image) {
      const { stdout } = await cosign([
        'verify',
        '--key',
        'cosign.pub',
        ...OFFLINE[version].verify,
        ...http,
        image,
      ]);
      return stdout;
    },
  };
}
