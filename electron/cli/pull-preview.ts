// `ferry pull --dry-run`: what would travel, one line a distinct image (with every target it goes to), and the bytes in all (every blob
// counted once). Images that do not resolve are named and set the exit code, as the pull would fail.
import { formatBytes } from '../../shared/format.ts';
import type { PullPreview } from '../engine/api/pull.ts';
import type { CommandIO } from './command.ts';
import { exitCodeFor, ExitCodes } from './exit-codes.ts';

export function printPreview(
  io: CommandIO,
  preview: PullPreview,
  options: { json: boolean; bundleDir: string },
): number {
  const [failed] = preview.failed;
  const code = failed ? exitCodeFor(failed.error.code) : ExitCodes.ok;
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ type: 'preview', ...preview })}\n`);
    return code;
  }
  const lines = [
    `dry run: ${preview.images.length} image(s), ${preview.blobCount} blob(s), ${formatBytes(preview.totalBytes)} would travel into ${options.bundleDir}; nothing was written`,
    ...preview.images.map(
      (i) =>
        `  ${i.source}  ${i.digest}  ${formatBytes(i.bytes)}${i.platforms.length ? `  ${i.platforms.join(', ')}` : ''}  → ${i.targets.join(', ')}`,
    ),
    ...preview.failed.map((f) => `  ✗ ${f.source}: ${f.error.message}`),
  ];
  const d8 = preview.deckhouse;
  if (d8) {
    if (d8.channels.length)
      lines.push(`Deckhouse channels: ${d8.channels.map((c) => `${c.channel} ${c.version}`).join(', ')}`);
    if (d8.modules.length)
      lines.push(
        `Deckhouse modules: ${d8.modules.map((m) => `${m.name} (${m.versions.join(', ')})`).join(', ')}`,
      );
    if (d8.securityDatabases.length) lines.push(`Security databases: ${d8.securityDatabases.join(', ')}`);
  }
  if (preview.totalBytes > 0)
    lines.push(`sticks it takes: ferry media plan ${preview.totalBytes} --to <mount>`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return code;
}
