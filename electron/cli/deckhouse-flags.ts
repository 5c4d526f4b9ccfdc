// `d8 mirror pull`'s flags on `ferry pull`: `--source` without --image/--images-file selects the
// Deckhouse mode (as do d8's own selection flags given alone, with d8's default source).
import { UsageError } from '../engine/api/errors.ts';
import type { DeckhouseSelection } from '../engine/api/input.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';

export const DEFAULT_DECKHOUSE_SOURCE = 'registry.deckhouse.ru/deckhouse/ee';

/**
 * Flags of `d8 mirror pull` (deckhouse-cli @ 4c2e288) that change nothing in Ferry today, with the
 * reason: accepted so a d8 command line runs unchanged, and named in one line when given.
 */
export type NoEffectFlags = Record<string, OptionSpec & { noEffect: string }>;

const notCarried = (what: string) => `Ferry does not carry ${what} yet`;

const pullNoEffectFlags: NoEffectFlags = {
  'include-plugin': {
    type: 'string',
    multiple: true,
    arg: 'NAME[@CONSTRAINT]',
    help: 'Deckhouse (d8 compatibility): also this d8 CLI plugin',
    noEffect: notCarried('d8 CLI plugins (plugin-<n>.tar)'),
  },
  'proxy-registry': {
    type: 'boolean',
    help: 'Deckhouse (d8 compatibility): the source cannot list tags',
    noEffect: 'Ferry lists the tags of the source; a source that cannot list them fails the plan',
  },
  'verbose-summary': {
    type: 'boolean',
    help: 'Deckhouse (d8 compatibility): a longer summary',
    noEffect: 'Ferry always logs the plan in full',
  },
};

export const deckhousePullFlags: Record<string, OptionSpec> = {
  source: {
    type: 'string',
    arg: 'REGISTRY/PATH/EDITION',
    help: `Deckhouse mode: the distribution to pull (d8's default ${DEFAULT_DECKHOUSE_SOURCE})`,
  },
  'deckhouse-tag': {
    type: 'string',
    arg: 'TAG',
    help: 'Deckhouse: only this build, published to every release channel',
  },
  'since-version': {
    type: 'string',
    arg: 'X.Y[.Z]',
    help: 'Deckhouse: also carry releases from this version up to rock-solid',
  },
  'ignore-suspend': { type: 'boolean', help: 'Deckhouse: pull even when a release channel is suspended' },
  'include-module': {
    type: 'string',
    short: 'i',
    multiple: true,
    arg: 'NAME[@CONSTRAINT]',
    help: 'Deckhouse: only these modules (name, name@^1.3.0, name@~1.3.0, name@">=1.1 <1.3", name@=v1.3.0[+channel])',
  },
  'exclude-module': {
    type: 'string',
    short: 'e',
    multiple: true,
    arg: 'NAME',
    help: 'Deckhouse: all modules but these',
  },
  'modules-path-suffix': {
    type: 'string',
    arg: 'PATH',
    help: 'Deckhouse: where modules live under the source (default /modules)',
  },
  'no-platform': { type: 'boolean', help: 'Deckhouse: leave the platform behind' },
  'no-security-db': { type: 'boolean', help: 'Deckhouse: leave the security databases behind' },
  'no-modules': { type: 'boolean', help: 'Deckhouse: leave the modules behind' },
  'only-extra-images': { type: 'boolean', help: 'Deckhouse: of the modules, carry only their extra images' },
  'gost-digest': {
    type: 'boolean',
    help: 'write a .gostsum (GOST R 34.11-2012 Streebog-256) beside every .tar and .chunk',
  },
  'include-platform': {
    type: 'string',
    arg: 'CONSTRAINT',
    help: 'Deckhouse: the platform releases in this semver range (the --include-module dialect; =vX.Y.Z is --deckhouse-tag vX.Y.Z)',
  },
  'no-installer': {
    type: 'boolean',
    help: 'Deckhouse: leave the installer (<registry>/<path>/installer, installer.tar) behind',
  },
  'installer-tag': {
    type: 'string',
    arg: 'TAG',
    help: 'Deckhouse: the installer build to carry (default latest)',
  },
  'no-packages': {
    type: 'boolean',
    help: 'Deckhouse: leave the packages behind (their release images still travel in package-versions.tar, as with d8)',
  },
  'include-package': {
    type: 'string',
    multiple: true,
    arg: 'NAME[@CONSTRAINT]',
    help: 'Deckhouse: only these packages (the --include-module syntax)',
  },
  'exclude-package': {
    type: 'string',
    multiple: true,
    arg: 'NAME',
    help: 'Deckhouse: all packages but these',
  },
  'skip-vex-images': {
    type: 'boolean',
    help: "Deckhouse: skip d8's VEX attestations of images referenced by tag (<tag>.att); --no-signatures leaves every signature, attestation and SBOM behind",
  },
  'no-extra': {
    type: 'string',
    multiple: true,
    arg: 'WHAT',
    help: 'Deckhouse: leave behind what Ferry carries beyond d8 (lts-version, range-anchors, both-installer-lists, channel-tags, or all); the plan names each',
  },
  strict: {
    type: 'boolean',
    help: 'Deckhouse: stop where d8 skips and warns (a module without channels, an odd extra_images.json entry)',
  },
  ...pullNoEffectFlags,
};

/** One line per given d8 flag that changes nothing in Ferry, naming the flag and why. */
export function noEffectNotes(args: ParsedArgs, flags: NoEffectFlags = pullNoEffectFlags): string[] {
  return Object.entries(flags)
    .filter(([name]) => args.values[name] !== undefined)
    .map(([name, spec]) => `--${name} has no effect in Ferry: ${spec.noEffect}`);
}

/** Flags that only mean something in the Deckhouse mode. */
const deckhouseOnly = Object.keys(deckhousePullFlags).filter((f) => f !== 'gost-digest' && f !== 'source');

/** The Deckhouse selection the flags ask for, or undefined in the generic (--image) mode. */
export function deckhouseSelectionFrom(
  args: ParsedArgs,
  hasImages: boolean,
  env: NodeJS.ProcessEnv = {},
): DeckhouseSelection | undefined {
  const v = args.values;
  const given = deckhouseOnly.filter((f) => v[f] !== undefined);
  if (hasImages) {
    if (v.source !== undefined || given.length > 0) {
      throw new UsageError(
        `--${v.source !== undefined ? 'source' : given[0]} is for Deckhouse distributions; --image/--images-file pull a list of images: use one mode`,
      );
    }
    return undefined;
  }
  // The license selects the Deckhouse mode from the environment too, as d8's --license defaults to it.
  const license = v.license ?? (env.D8_MIRROR_LICENSE_TOKEN || undefined);
  if (v.source === undefined && given.length === 0 && license === undefined) return undefined;
  const list = (name: string) => (v[name] as string[] | undefined) ?? [];
  const selection: DeckhouseSelection = {
    source: (v.source as string | undefined) ?? DEFAULT_DECKHOUSE_SOURCE,
    includeModules: list('include-module'),
    excludeModules: list('exclude-module'),
    ignoreSuspend: v['ignore-suspend'] === true,
    noPlatform: v['no-platform'] === true,
    noSecurityDb: v['no-security-db'] === true,
    noModules: v['no-modules'] === true,
    onlyExtraImages: v['only-extra-images'] === true,
    strict: v.strict === true,
    noInstaller: v['no-installer'] === true,
    noPackages: v['no-packages'] === true,
    includePackages: list('include-package'),
    excludePackages: list('exclude-package'),
    skipVexImages: v['skip-vex-images'] === true,
    noExtras: list('no-extra'),
  };
  if (v['installer-tag'] !== undefined) selection.installerTag = v['installer-tag'] as string;
  if (v['deckhouse-tag'] !== undefined) selection.deckhouseTag = v['deckhouse-tag'] as string;
  if (v['include-platform'] !== undefined) {
    const platform = platformPin(v);
    if ('pin' in platform) selection.deckhouseTag = platform.pin;
    else selection.includePlatform = platform.range;
  }
  if (v['since-version'] !== undefined) selection.sinceVersion = v['since-version'] as string;
  if (v['modules-path-suffix'] !== undefined)
    selection.modulesPathSuffix = v['modules-path-suffix'] as string;
  return selection;
}

/**
 * `--include-platform =vX.Y.Z[+channel]`: d8 takes an exact pin down its --deckhouse-tag path
 * (platform.go: "Exact-tag constraints take the synthesized-TargetTag path"), and so does Ferry:
 * the pin comes back as 'vX.Y.Z'. Anything else is a range, as written.
 */
function platformPin(v: ParsedArgs['values']): { pin: string } | { range: string } {
  const text = (v['include-platform'] as string).trim();
  if (v['deckhouse-tag'] !== undefined || v['since-version'] !== undefined) {
    throw new UsageError(
      `--include-platform cannot be combined with ${v['deckhouse-tag'] !== undefined ? '--deckhouse-tag' : '--since-version'}: pick one`,
    );
  }
  const pin = /^=\s*v?(\d+\.\d+\.\d+)(?:\+[a-z-]+)?$/.exec(text);
  // A range goes to the planner as d8's constrained discovery (plan-platform.ts).
  return pin ? { pin: `v${pin[1]}` } : { range: text };
}
