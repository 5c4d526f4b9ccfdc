// The real cosign (built by scripts/setup.sh into .tools/bin, pinned) as a peer: it signs images in a
// harness registry with a key pair it generated, and checks what Ferry pushed. Always offline: keys
// only, no transparency log upload, and a HOME of its own so no Sigstore TUF cache is touched.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COSIGN = resolve(import.meta.dirname, '../../.tools/bin/cosign');

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
export function requireCosign(): string {
  try {
    accessSync(COSIGN, constants.X_OK);
    return COSIGN;
  } catch {
    throw new Error(`cosign not found at ${COSIGN}: run scripts/setup.sh (it builds the pinned cosign)`);
  }
}

/** Generates a cosign key pair in `dir` (password-protected, as cosign requires) and wraps the CLI. */
export async function cosignPeer(dir: string): Promise<CosignPeer> {
  const bin = requireCosign();
  const env = { PATH: process.env.PATH ?? '', HOME: dir, COSIGN_PASSWORD: 'ferry-test-password' };
  const cosign = (args: string[]) => run(bin, args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
  await cosign(['generate-key-pair']);
  const http = ['--allow-http-registry', '--allow-insecure-registry'];
  return {
    dir,
    publicKeyFile: join(dir, 'cosign.pub'),
    async sign(image) {
      await cosign(['sign', '--key', 'cosign.key', '--tlog-upload=false', '--yes', ...http, image]);
    },
    async verify(image) {
      const { stdout } = await cosign([
        'verify',
        '--key',
        'cosign.pub',
        '--insecure-ignore-tlog',
        ...http,
        image,
      ]);
      return stdout;
    },
  };
}
