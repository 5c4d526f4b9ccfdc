// `d8 mirror push`'s extras on `ferry push`: the modules path suffix, and the ModuleSource that points
// a cluster at the pushed modules (printed without credentials; written whole by --module-source).
// The resource itself is the engine's (pushOutputs).
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { archiveOfFile } from '../engine/api/bundles.ts';
import { UsageError } from '../engine/api/errors.ts';
import { writeFileAtomic } from '../engine/api/files.ts';
import { bundleDeckhouseReleases, type PushOutputs } from '../engine/api/push.ts';
import type { CommandIO, OptionSpec, ParsedArgs } from './command.ts';
import type { NoEffectFlags } from './deckhouse-flags.ts';

/** `d8 mirror push` flags that change nothing in Ferry (see deckhouse-flags.ts noEffectNotes). */
export const pushNoEffectFlags: NoEffectFlags = {
  'tmp-dir': {
    type: 'string',
    arg: 'DIR',
    help: 'd8 compatibility: where d8 unpacks the bundle',
    noEffect: 'Ferry reads blobs straight out of the archives and needs no temporary space',
  },
};

export const deckhousePushFlags: Record<string, OptionSpec> = {
  ...pushNoEffectFlags,
  file: {
    type: 'string',
    multiple: true,
    arg: 'ARCHIVE',
    help: 'd8 compatibility: push only this archive (x.tar, or one of its x.tar.NNNN.chunk files: all its chunks are read); repeatable, and then the bundle folder may be left out',
  },
  'modules-path-suffix': {
    type: 'string',
    arg: 'PATH',
    help: 'Deckhouse bundles: put modules under <path>/PATH (default /modules)',
  },
  'deckhouse-releases': {
    type: 'string',
    arg: 'FILE',
    help: "Deckhouse bundles: write deckhousereleases.yaml (d8's DeckhouseReleases, from the bundle's release-channel images) to FILE",
  },
  'module-source': {
    type: 'string',
    arg: 'FILE',
    help: 'Deckhouse bundles: write a ModuleSource (and the pull Secret) for the pushed modules to FILE',
  },
};

/** `--deckhouse-releases FILE`: the DeckhouseReleases of the bundle's platform versions, written whole. */
export async function writeDeckhouseReleases(
  args: ParsedArgs,
  io: CommandIO,
  bundleDirs: string[],
): Promise<void> {
  const file = args.values['deckhouse-releases'] as string | undefined;
  if (file === undefined || args.values['dry-run']) return;
  const releases = await bundleDeckhouseReleases(bundleDirs, io.signal);
  for (const problem of releases.problems) io.stderr.write(`deckhousereleases.yaml: left out ${problem}\n`);
  if (!releases.versions.length) {
    throw new UsageError(
      `--deckhouse-releases ${file}: the bundle carries no platform release (release-channel:vX.Y.Z); nothing to write`,
    );
  }
  await writeFileAtomic(file, releases.yaml);
  if (!args.values.json)
    io.stdout.write(
      `wrote ${releases.versions.length} DeckhouseRelease(s) to ${file}: kubectl apply -f ${file}\n`,
    );
}

/** After a push: print the ModuleSource for a Deckhouse bundle's modules, and write it when asked. */
export async function reportModuleSource(
  args: ParsedArgs,
  io: CommandIO,
  outputs: PushOutputs,
): Promise<void> {
  const file = args.values['module-source'] as string | undefined;
  const source = outputs.moduleSource;
  if (!source) return;
  if (file !== undefined) await writeFileAtomic(file, source.file, 0o600);
  if (args.values.json) return;
  io.stdout.write(
    `\nModuleSource for ${source.names.length} module(s) at ${source.repo}${file ? ` (written to ${file})` : ''}:\n${source.preview(file)}`,
  );
}

/** What `d8 mirror push [bundle] <registry> [--file F ...]` names: bundle folders, and archives in them. */
export interface PushInputs {
  bundleDirs: string[];
  /** Only these archives (`x.tar`), or every archive when undefined. */
  archives?: string[];
}

/**
 * d8 takes a folder, one `.tar` or one chunk (its chunk set) before the registry, and `--file` for
 * more; a chunk means its whole archive (d8's canonicalPackagePath). As in d8 the set pushed is the
 * union, so a folder with files inside it is the whole folder; files from elsewhere beside a folder
 * are refused (Ferry narrows a push to archives, not per folder).
 */
export async function pushInputs(positionals: string[], files: string[]): Promise<PushInputs> {
  const dirs: string[] = [];
  const folders: string[] = [];
  const archives: string[] = [];
  for (const given of [...positionals, ...files]) {
    const info = await stat(given).catch(() => undefined);
    if (info?.isDirectory()) {
      if (files.includes(given))
        throw new UsageError(`--file ${given} is a folder: give a .tar or a .chunk file`);
      dirs.push(given);
      folders.push(resolve(given));
      continue;
    }
    const archive = archiveOfFile(basename(given));
    if (!archive || given.endsWith('.gostsum')) {
      throw new UsageError(
        info
          ? `${given} is neither a bundle folder nor a .tar or .tar.NNNN.chunk archive`
          : `${given} does not exist: give the bundle folder, or a .tar / .chunk file in it`,
      );
    }
    if (!info)
      throw new UsageError(`${given} does not exist: give the bundle folder, or a .tar / .chunk file in it`);
    dirs.push(dirname(given));
    archives.push(archive);
  }
  if (folders.length && archives.length) {
    const outside = [...positionals, ...files].find(
      (f) => !folders.includes(resolve(f)) && !folders.includes(resolve(dirname(f))),
    );
    if (outside !== undefined)
      throw new UsageError(
        `${outside} is not in the bundle folder given: push the folder, or only files (--file), not both`,
      );
    return { bundleDirs: [...new Set(dirs.filter((d) => folders.includes(resolve(d))))] };
  }
  return { bundleDirs: [...new Set(dirs)], ...(archives.length ? { archives: [...new Set(archives)] } : {}) };
}
