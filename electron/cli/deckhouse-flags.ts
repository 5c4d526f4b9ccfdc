// `d8 mirror pull`'s flags on `ferry pull`: `--source` without --image/--images-file selects the
// Deckhouse mode (as do d8's own selection flags given alone, with d8's default source).
import { type DeckhouseSelection, UsageError } from '../engine/api.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';

export const DEFAULT_DECKHOUSE_SOURCE = 'registry.deckhouse.ru/deckhouse/ee';

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
};

/** Flags that only mean something in the Deckhouse mode. */
const deckhouseOnly = Object.keys(deckhousePullFlags).filter((f) => f !== 'gost-digest' && f !== 'source');

/** The Deckhouse selection the flags ask for, or undefined in the generic (--image) mode. */
export function deckhouseSelectionFrom(args: ParsedArgs, hasImages: boolean): DeckhouseSelection | undefined {
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
  if (v.source === undefined && given.length === 0 && v.license === undefined) return undefined;
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
  };
  if (v['deckhouse-tag'] !== undefined) selection.deckhouseTag = v['deckhouse-tag'] as string;
  if (v['since-version'] !== undefined) selection.sinceVersion = v['since-version'] as string;
  if (v['modules-path-suffix'] !== undefined)
    selection.modulesPathSuffix = v['modules-path-suffix'] as string;
  return selection;
}
