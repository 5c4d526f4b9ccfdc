// `ferry history`: every pull, verify and push recorded on this station, newest first.
import { UsageError } from '../../engine/api/errors.ts';
import { history, type OperationSummary, parseSince } from '../../engine/api/ledger.ts';
import { countImages } from '../../../shared/counts.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { Command } from '../command.ts';
import { stationFor } from '../station.ts';

const DIRECTIONS = ['pull', 'verify', 'push'] as const;
const IMAGES_SHOWN = 5;

function line(op: OperationSummary): string {
  const when = op.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  // Counted from the recorded images by the one rule (shared/counts.ts), as the app's History does.
  const images = countImages(op.images.map((i) => ({ source: i.reference, digest: i.digest })));
  const what = op.totals ? `${images} image(s), ${formatBytes(op.totals.blobBytes)}` : `${images} image(s)`;
  const where = op.target
    ? ` → ${op.target.registry}${op.target.path ? `/${op.target.path}` : ''}`
    : op.sources?.length
      ? ` ← ${op.sources.join(', ')}`
      : '';
  const sig = op.signature?.fingerprint
    ? `  ${op.signature.status === 'signed' ? 'signed' : op.signature.status} ${op.signature.fingerprint}`
    : op.signature
      ? `  ${op.signature.status}`
      : '';
  const push = op.pushed !== undefined ? ` (${op.pushed} pushed, ${op.refused} refused)` : '';
  const saved = op.incremental ? ` (incremental: ${formatBytes(op.incremental.omittedBytes)} left out)` : '';
  const resumed = op.resumed?.length ? ` (finished ${op.resumed.length} interrupted run(s) of it)` : '';
  return `${when}  ${op.direction.padEnd(6)}  ${op.status.padEnd(10)}  ${op.transferId || '(no transfer)'}  ${what}${push}${saved}${resumed}${where}  ${op.operator}@${op.host}${sig}${op.error ? `\n    error: ${op.error.message}` : ''}`;
}

export const historyCommand: Command = {
  name: 'history',
  usage: 'ferry history [--json] [--since DATE] [--image REF] [--digest D] [--direction D] [--limit N]',
  options: {
    json: { type: 'boolean', help: 'print the operations with their images and digests as JSON' },
    since: {
      type: 'string',
      arg: 'DATE',
      help: 'only operations started since DATE (2026-11-01, 2026-11-01T14:00, 7d, 12h)',
    },
    image: {
      type: 'string',
      arg: 'REF',
      help: 'only operations that carried an image matching REF (e.g. vendor/app or vendor/app:1.0)',
    },
    digest: {
      type: 'string',
      arg: 'DIGEST',
      help: 'only operations that carried this image, blob, signature or chunk digest',
    },
    direction: { type: 'string', arg: 'D', help: 'only pull, verify or push' },
    limit: { type: 'string', arg: 'N', help: 'at most N operations' },
  },
  async run(args, io) {
    if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const v = args.values;
    const direction = v.direction as string | undefined;
    if (direction !== undefined && !(DIRECTIONS as readonly string[]).includes(direction))
      throw new UsageError(`--direction '${direction}' must be pull, verify or push`);
    const limit = v.limit === undefined ? undefined : Number(v.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
      throw new UsageError(`--limit '${v.limit as string}' must be a whole number ≥ 1`);
    const ops = history(stationFor(args, io).ledger, {
      ...(v.since ? { since: parseSince(v.since as string) } : {}),
      ...(v.image ? { image: v.image as string } : {}),
      ...(v.digest ? { digest: v.digest as string } : {}),
      ...(direction ? { direction: direction as (typeof DIRECTIONS)[number] } : {}),
      ...(limit ? { limit } : {}),
    });
    if (v.json) {
      io.stdout.write(`${JSON.stringify(ops, null, 2)}\n`);
      return 0;
    }
    if (ops.length === 0) {
      io.stdout.write('no operations recorded match\n');
      return 0;
    }
    for (const op of ops) {
      io.stdout.write(`${line(op)}\n`);
      const images = op.images.slice(0, IMAGES_SHOWN);
      for (const i of images)
        io.stdout.write(
          `    ${i.reference}  ${i.digest}${i.status ? `  ${i.status}` : ''}${i.signature ? `  ${i.signature.accepted ? '✓' : '✗'} ${i.signature.text}` : ''}\n`,
        );
      if (op.images.length > images.length)
        io.stdout.write(
          `    … and ${op.images.length - images.length} more (ferry report ${op.transferId})\n`,
        );
    }
    return 0;
  },
};
