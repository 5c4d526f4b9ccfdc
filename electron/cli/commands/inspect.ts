// `ferry inspect`: the transfer manifest, for a person.
import {
  checkManifestSignature,
  d8PushProblems,
  describeSignature,
  openBundle,
} from '../../engine/api/bundles.ts';
import { UsageError } from '../../engine/api/errors.ts';
import { platformLabel } from '../../engine/api/distribution.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { Command } from '../command.ts';
import { countBlobs, countImages } from '../../../shared/counts.ts';

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'ferry inspect <bundle-dir>... [--json]   (several folders: one per stick)',
  options: {
    json: { type: 'boolean', help: 'print the transfer manifest as JSON' },
  },
  async run(args, io) {
    const dirs = args.positionals;
    if (dirs.length === 0) throw new UsageError('give the bundle folder: ferry inspect <bundle-dir>...');
    // A bundle d8 mirror pull wrote has no transfer manifest: one is read from its archives.
    const bundle = await openBundle(dirs);
    await bundle.close();
    const m = bundle.manifest;
    // With several sticks, say which one each file is on (or that it is on none).
    const stickOf = (file: string) =>
      bundle.files.dirs.length > 1 ? `  ${bundle.files.folderOf(file) ?? 'MISSING'}` : '';
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
      return 0;
    }
    const signature = await checkManifestSignature(bundle.manifestDir);
    const lines = [
      `Transfer ${m.transferId}`,
      `  created ${m.createdAt} by ${m.tool.name} ${m.tool.version} (format ${m.formatVersion})`,
      `  station key ${m.station?.fingerprint ?? '(not named: an older Ferry, or a d8 bundle)'}; ${describeSignature(signature)}`,
      `  ${countImages(m.images)} image(s), ${countBlobs(m.blobs)} blob(s), ${formatBytes(m.totals.blobBytes)}; ${m.totals.files} file(s), ${formatBytes(m.totals.archiveBytes)}`,
      ...(m.carriedFerry
        ? [
            `  carries Ferry ${m.carriedFerry.platforms[0]!.version} for ${m.carriedFerry.platforms.map((p) => platformLabel(p.platform)).join(', ')}: ${m.carriedFerry.platforms.map((p) => `${p.folder}/`).join(', ')}`,
          ]
        : []),
      '',
      'Images:',
      ...m.images.flatMap((i) => [
        `  ${i.source}`,
        `    digest    ${i.digest}`,
        `    type      ${i.mediaType}${i.platforms.length ? ` (${i.platforms.join(', ')})` : ''}`,
        `    target    ${i.target.repository}${i.target.tag ? `:${i.target.tag}` : `@${i.digest}`}`,
        ...(i.artifacts.length
          ? [`    artifacts ${i.artifacts.map((a) => a.tag ?? `${a.kind} ${a.digest}`).join(', ')}`]
          : []),
      ]),
      // Only Ferry's own bundles can be something d8 cannot push; a d8 bundle is d8's.
      ...(m.formatVersion > 0 && d8PushProblems(m).length
        ? [
            '',
            "d8 mirror push cannot push this bundle (use 'ferry push'):",
            ...d8PushProblems(m).map((p) => `  ${p}`),
          ]
        : []),
      ...(m.skipped?.length
        ? ['', 'Skipped (where d8 skips and warns):', ...m.skipped.map((s) => `  ${s.item}: ${s.reason}`)]
        : []),
      '',
      'Files:',
      ...m.archives.flatMap((a) =>
        a.parts.map(
          (p) =>
            `  ${p.file.padEnd(32)} ${String(p.size).padStart(14)}  sha256:${p.sha256}${stickOf(p.file)}`,
        ),
      ),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
