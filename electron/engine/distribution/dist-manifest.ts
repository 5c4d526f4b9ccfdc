// A self-contained Ferry distribution (docs/distribution.md) describes itself in `ferry-dist.json`
// at its top: version, platform, and every other file with its size and SHA-256. `npm run dist`
// writes it (scripts/build-dist.ts); a pull that carries Ferry reads it to know which files to copy
// and to check each one as it copies. Platforms are `<os>-<arch>` ids (linux-x64, win-arm64, ...);
// on the command line people write them the OCI way (linux/amd64), and both forms are accepted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  array,
  boolean,
  integer,
  object,
  oneOf,
  optional,
  string,
  ValidationError,
} from '../../../shared/validate.ts';
import { BundleInvalidError } from '../errors.ts';

export const DIST_MANIFEST = 'ferry-dist.json';

export const DIST_OSES = ['linux', 'darwin', 'win'] as const;
export const DIST_ARCHES = ['x64', 'arm64'] as const;
export type DistOs = (typeof DIST_OSES)[number];
export type DistArch = (typeof DIST_ARCHES)[number];

/** A path inside a distribution: '/'-separated plain names, none empty or starting with '.'. */
export const DIST_PATH = /^(?!\.)[A-Za-z0-9_+-][A-Za-z0-9._+-]*(\/(?!\.)[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*$/;
const VERSION = /^[0-9A-Za-z.+~-]{1,64}$/;

export interface DistFile {
  path: string;
  size: number;
  sha256: string;
  /** The launcher and the Node binary: they must keep their executable bit. */
  executable?: boolean;
}

export interface DistManifest {
  name: 'ferry';
  version: string;
  /** `<os>-<arch>`, e.g. linux-x64. */
  platform: string;
  os: DistOs;
  arch: DistArch;
  /** The Node.js version inside. */
  node: string;
  /** The launcher, relative to the folder. */
  launcher: 'ferry' | 'ferry.cmd';
  /** Every file of the folder but this one. */
  files: DistFile[];
}

const shape = object({
  name: oneOf(['ferry'] as const),
  version: string({ pattern: VERSION }),
  platform: string({ pattern: /^(linux|darwin|win)-(x64|arm64)$/ }),
  os: oneOf(DIST_OSES),
  arch: oneOf(DIST_ARCHES),
  node: string({ max: 64 }),
  launcher: oneOf(['ferry', 'ferry.cmd'] as const),
  files: array(
    object({
      path: string({ max: 512, pattern: DIST_PATH }),
      size: integer(),
      sha256: string({ pattern: /^[a-f0-9]{64}$/ }),
      executable: optional(boolean),
    }),
    { min: 1, max: 10_000 },
  ),
});

/** The distribution folder's name: `ferry-<version>-<platform>`, as in its archive. */
export function distFolderName(version: string, platform: string): string {
  return `ferry-${version}-${platform}`;
}

export function parseDistManifest(text: string, where: string): DistManifest {
  let m: DistManifest;
  try {
    m = shape(JSON.parse(text), DIST_MANIFEST);
  } catch (err) {
    const why = err instanceof ValidationError || err instanceof SyntaxError ? err.message : String(err);
    throw new BundleInvalidError(`${where} is not a Ferry distribution description (${why})`, { cause: err });
  }
  if (m.platform !== `${m.os}-${m.arch}`)
    throw new BundleInvalidError(`${where}: platform ${m.platform} is not ${m.os}-${m.arch}`);
  if (new Set(m.files.map((f) => f.path)).size !== m.files.length)
    throw new BundleInvalidError(`${where} lists a file twice`);
  if (!m.files.some((f) => f.path === m.launcher))
    throw new BundleInvalidError(`${where} does not list its launcher ${m.launcher}`);
  return m;
}

/** The distribution in `dir` (its ferry-dist.json), or undefined when `dir` holds none. */
export async function readDistManifest(dir: string): Promise<DistManifest | undefined> {
  const file = join(dir, DIST_MANIFEST);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
  return text === undefined ? undefined : parseDistManifest(text, file);
}

const OS_NAMES: Record<string, DistOs> = {
  linux: 'linux',
  darwin: 'darwin',
  macos: 'darwin',
  win: 'win',
  windows: 'win',
};
const ARCH_NAMES: Record<string, DistArch> = {
  amd64: 'x64',
  x64: 'x64',
  x86_64: 'x64',
  arm64: 'arm64',
  aarch64: 'arm64',
};

/** `linux/amd64`, `linux-x64`, `windows/amd64`, `darwin/arm64`, … → the platform id; undefined if unknown. */
export function parseDistPlatform(text: string): string | undefined {
  const m = /^([a-z]+)[/-]([a-z0-9_]+)$/.exec(text.trim().toLowerCase());
  const os = m ? OS_NAMES[m[1]!] : undefined;
  const arch = m ? ARCH_NAMES[m[2]!] : undefined;
  return os && arch ? `${os}-${arch}` : undefined;
}

/** The platform id as people write it on the command line: linux-x64 → linux/amd64. */
export function platformLabel(id: string): string {
  const [os, arch] = id.split('-');
  return `${os === 'win' ? 'windows' : os}/${arch === 'x64' ? 'amd64' : arch}`;
}

/** The platform this process runs on. */
export function hostDistPlatform(): string {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  return `${os}-${process.arch}`;
}
