// `ferry media`: the sticks a transfer travels on. `plan` answers, before or after a pull, how many
// sticks it takes and which chunk size the stick's filesystem allows; `copy` puts a pulled bundle
// onto the sticks plugged in (each filled as far as its free space goes), reading every file back.
// The same plan and copy the desktop app's Done step runs.
import { stat } from 'node:fs/promises';
import { formatBytes } from '../../../shared/format.ts';
import { UsageError } from '../../engine/api/errors.ts';
import { parseSize } from '../../engine/api/input.ts';
import {
  copyOntoSticks,
  describeVolume,
  estimateMedia,
  planBundleSticks,
  type Volume,
} from '../../engine/api/media.ts';
import type { Command, CommandIO, ParsedArgs } from '../command.ts';
import { progressRenderer } from '../progress.ts';

const usage =
  'ferry media plan <bundle-dir | SIZE> (--to MOUNT | --stick-size SIZE) [--chunk-size SIZE] [--json]\n' +
  '       ferry media copy <bundle-dir> <mount> [<mount> ...] [--json]';

const isFolder = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** The stick to plan for: a mounted one (its free space and filesystem), or a bare size. */
async function stickOf(args: ParsedArgs): Promise<{ bytes: number; volume?: Volume }> {
  const to = args.values.to as string | undefined;
  const size = args.values['stick-size'] as string | undefined;
  if (to !== undefined && size !== undefined) throw new UsageError('give --to or --stick-size, not both');
  if (to !== undefined) {
    const volume = await describeVolume(to);
    return { bytes: volume.freeBytes, volume };
  }
  if (size !== undefined) return { bytes: parseSize(size, '--stick-size') };
  throw new UsageError('how large is a stick? give --to <mount> (a stick plugged in) or --stick-size SIZE');
}

const describeStick = (stick: { bytes: number; volume?: Volume }) =>
  `sticks of ${formatBytes(stick.bytes)}${stick.volume ? ` (${stick.volume.filesystem} at ${stick.volume.mountPoint})` : ''}`;

async function plan(args: ParsedArgs, io: CommandIO, what: string): Promise<number> {
  const stick = await stickOf(args);
  const json = args.values.json === true;
  if (await isFolder(what)) {
    if (args.values['chunk-size'] !== undefined)
      throw new UsageError('--chunk-size is for a size: a pulled bundle has its chunks already');
    const { transferId, plan: sticks } = await planBundleSticks(what, stick.bytes);
    const limit = stick.volume?.maxFileBytes ?? null;
    const tooLarge = sticks.sticks.flatMap((s) => s.files).filter((f) => limit !== null && f.size > limit);
    if (json) {
      io.stdout.write(
        `${JSON.stringify({ transferId, ...sticks, tooLarge: tooLarge.map((f) => f.file) })}\n`,
      );
    } else {
      const files = sticks.sticks.reduce((n, s) => n + s.files.length, 0);
      const lines = [
        `transfer ${transferId}: ${files} file(s), ${formatBytes(sticks.totalBytes)} onto ${describeStick(stick)}: ${sticks.sticks.length} stick(s)`,
        ...sticks.sticks.flatMap((s) => [
          `  stick ${s.index}: ${s.files.length} file(s), ${formatBytes(s.bytes)}`,
          ...s.files.map((f) => `    ${f.file.padEnd(32)} ${formatBytes(f.size).padStart(10)}`),
        ]),
        ...tooLarge.map(
          (f) =>
            `! ${f.file} is too large for ${stick.volume?.filesystem ?? 'the filesystem'}: pull again with a chunk size under 4 GiB`,
        ),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return tooLarge.length ? 2 : 0;
  }
  const totalBytes = parseSize(what, 'the bundle size');
  const chunk = args.values['chunk-size'] as string | undefined;
  const estimate = estimateMedia({
    totalBytes,
    chunkSize: chunk === undefined ? 0 : parseSize(chunk, '--chunk-size'),
    stickBytes: stick.bytes,
    maxFileBytes: stick.volume?.maxFileBytes ?? null,
  });
  if (json) {
    io.stdout.write(`${JSON.stringify({ totalBytes, stickBytes: stick.bytes, ...estimate })}\n`);
    return 0;
  }
  const pieces =
    estimate.chunkSize > 0
      ? `${estimate.chunks} chunk(s) of ${formatBytes(estimate.chunkSize)}`
      : 'one file per archive';
  const lines = [
    `${formatBytes(totalBytes)} onto ${describeStick(stick)}: ${estimate.sticks} stick(s), ${pieces}`,
    ...(estimate.chunkSize > 0
      ? [`  pull with: ferry pull <bundle-dir> --chunk-size ${estimate.chunkSize / 2 ** 20}MiB …`]
      : []),
    ...estimate.warnings.map((w) => `! ${w}`),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function copy(args: ParsedArgs, io: CommandIO, bundleDir: string, mounts: string[]): Promise<number> {
  if (mounts.length === 0)
    throw new UsageError('where to? ferry media copy <bundle-dir> <mount> [<mount> ...]');
  const json = args.values.json === true;
  const progress = progressRenderer(io, json);
  const result = await copyOntoSticks(bundleDir, mounts, { signal: io.signal, onEvent: progress });
  progress.done();
  if (json) {
    io.stdout.write(`${JSON.stringify({ type: 'result', ...result })}\n`);
    return 0;
  }
  for (const s of result.sticks) {
    io.stdout.write(
      `✓ stick ${s.stick} → ${s.destination}: ${s.files} file(s), ${formatBytes(s.bytes)} copied and read back\n`,
    );
  }
  const unused = mounts.slice(result.sticks.length);
  io.stdout.write(
    `copied transfer ${result.transferId} onto ${result.sticks.length} stick(s)${unused.length ? ` (${unused.join(', ')} not needed)` : ''}; eject each safely before unplugging it\n`,
  );
  return 0;
}

export const mediaCommand: Command = {
  name: 'media',
  usage,
  options: {
    to: {
      type: 'string',
      arg: 'MOUNT',
      help: 'plan: the stick plugged in at MOUNT (its free space and filesystem)',
    },
    'stick-size': {
      type: 'string',
      arg: 'SIZE',
      help: 'plan: the room on one stick, without one plugged in (16GB, 7.5GiB)',
    },
    'chunk-size': {
      type: 'string',
      arg: 'SIZE',
      help: 'plan for a size: the chunk size you mean to pull with (default: what fits)',
    },
    json: { type: 'boolean', help: 'print the plan, or progress and the result, as JSON' },
  },
  async run(args, io) {
    const [action, first, ...rest] = args.positionals;
    if (action === 'plan') {
      if (!first || rest.length)
        throw new UsageError(
          'give one bundle folder or size: ferry media plan <bundle-dir | SIZE> --to <mount>',
        );
      return plan(args, io, first);
    }
    if (action === 'copy') {
      if (!first) throw new UsageError('missing <bundle-dir>: ferry media copy <bundle-dir> <mount> ...');
      for (const flag of ['to', 'stick-size', 'chunk-size'])
        if (args.values[flag] !== undefined)
          throw new UsageError(`--${flag} is for 'ferry media plan'; copy takes the mounts as arguments`);
      return copy(args, io, first, rest);
    }
    throw new UsageError(
      `${action === undefined ? 'missing' : `unknown action '${action}':`} ferry media plan … or ferry media copy …`,
    );
  },
};
