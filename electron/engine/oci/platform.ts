// Platforms ('linux/arm64/v8') for the optional multi-arch filter. Spellings are normalised the way
// containerd does (aarch64 → arm64, x86_64 → amd64, armhf → arm/v7, '8' → 'v8'), so a filter the
// user types matches what publishers write in their indexes.
import { UsageError } from '../errors.ts';
import type { Platform } from './types.ts';

interface ArchSpelling {
  architecture: string;
  variant?: string;
}

const archAliases: Readonly<Record<string, ArchSpelling>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  i386: { architecture: '386' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

const osAliases: Readonly<Record<string, string>> = { macos: 'darwin' };

/** The variant an architecture has when an index leaves it out. */
const defaultVariants: Readonly<Record<string, string>> = { arm64: 'v8', arm: 'v7' };

function normaliseVariant(architecture: string, variant: string | undefined): string | undefined {
  if (variant === undefined || variant === '') return undefined;
  let v = variant.toLowerCase();
  if (/^[0-9]/.test(v)) v = `v${v}`;
  if (architecture === 'arm64' && v === 'v8.0') return 'v8';
  if (architecture === 'arm64' && v === 'v9.0') return 'v9';
  if (architecture === 'amd64' && v === 'v1') return undefined; // v1 is the baseline: no variant
  return v;
}

function normalise(p: Platform, fillDefaultVariant: boolean): Platform {
  const os = p.os.toLowerCase();
  const arch = p.architecture.toLowerCase();
  const alias = archAliases[arch];
  const architecture = alias?.architecture ?? arch;
  const variant =
    normaliseVariant(architecture, p.variant ?? alias?.variant) ??
    (fillDefaultVariant ? defaultVariants[architecture] : undefined);
  const out: Platform = { ...p, os: osAliases[os] ?? os, architecture };
  if (variant === undefined) delete out.variant;
  else out.variant = variant;
  return out;
}

/** Canonical form of a platform as found in an index: arm64 without variant is arm64/v8, amd64 has none. */
export function normalizePlatform(p: Platform): Platform {
  return normalise(p, true);
}

const platformPart = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Parses 'os/arch[/variant]' as typed on a command line (case-insensitive). Aliases are
 * normalised but no default variant is added: 'linux/arm64' means any arm64 variant.
 */
export function parsePlatform(input: string): Platform {
  const parts = input.trim().toLowerCase().split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || os === undefined || architecture === undefined) {
    throw new UsageError(
      `invalid platform '${input}': expected os/arch or os/arch/variant, e.g. linux/arm64`,
    );
  }
  for (const part of parts) {
    if (!platformPart.test(part)) {
      throw new UsageError(
        `invalid platform '${input}': '${part}' is not a valid os, architecture or variant, e.g. linux/amd64`,
      );
    }
  }
  return normalise(variant === undefined ? { os, architecture } : { os, architecture, variant }, false);
}

/** Parses a comma-separated list such as 'linux/amd64,linux/arm64'. */
export function parsePlatformList(input: string): Platform[] {
  return input
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => parsePlatform(part));
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/**
 * Whether an index entry's platform is one of the wanted ones. An empty filter wants everything;
 * an entry without a platform matches only the empty filter. A wanted platform without a variant
 * matches every variant (linux/arm64 matches linux/arm64/v8); with one, variants are compared after
 * normalisation (linux/arm64/v8 matches an entry that says just linux/arm64).
 */
export function platformMatches(p: Platform | undefined, wanted: Platform[]): boolean {
  if (wanted.length === 0) return true;
  if (p === undefined) return false;
  const have = normalise(p, true);
  return wanted.some((w) => {
    const want = normalise(w, false);
    if (want.os !== have.os || want.architecture !== have.architecture) return false;
    return want.variant === undefined || want.variant === have.variant;
  });
}
