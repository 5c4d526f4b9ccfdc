// Ejecting a stick, as the file manager does: on Linux udisks unmounts the partition (flushing the
// write cache) and powers the disk off; on macOS `diskutil eject`; on Windows the shell's Eject verb.
// Once the unmount succeeded the stick is safe to pull out, so a refused power-off is not an error.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Drive } from '../../../shared/dto.ts';
import { IoError } from '../errors.ts';

export type CommandRunner = (command: string, args: string[]) => Promise<void>;

interface EjectStep {
  command: string;
  args: string[];
  /** Needed for the stick to be safe to pull out (the unmount); otherwise a courtesy (power-off). */
  required: boolean;
}

/** The disk a partition lies on: /dev/sdb1 → /dev/sdb, /dev/nvme0n1p2 → /dev/nvme0n1. */
export function diskOf(device: string): string {
  return /\d+p\d+$/.test(device) ? device.replace(/p\d+$/, '') : device.replace(/\d+$/, '');
}

export function ejectSteps(drive: Pick<Drive, 'device' | 'mountPoint'>, platform: string): EjectStep[] {
  switch (platform) {
    case 'linux':
      return [
        {
          command: 'udisksctl',
          args: ['unmount', '--no-user-interaction', '-b', drive.device],
          required: true,
        },
        {
          command: 'udisksctl',
          args: ['power-off', '--no-user-interaction', '-b', diskOf(drive.device)],
          required: false,
        },
      ];
    case 'darwin':
      return [{ command: 'diskutil', args: ['eject', drive.mountPoint], required: true }];
    case 'win32': {
      const letter = drive.mountPoint.slice(0, 2).replace(/'/g, '');
      return [
        {
          command: 'powershell.exe',
          args: [
            '-NoProfile',
            '-NonInteractive',
            '-Command',
            `(New-Object -ComObject Shell.Application).Namespace(17).ParseName('${letter}').InvokeVerb('Eject')`,
          ],
          required: true,
        },
      ];
    }
    default:
      return [];
  }
}

const runCommand: CommandRunner = async (command, args) => {
  await promisify(execFile)(command, args, { timeout: 30_000 });
};

export async function ejectDrive(
  drive: Pick<Drive, 'device' | 'mountPoint' | 'label'>,
  options: { platform?: string; run?: CommandRunner } = {},
): Promise<void> {
  const steps = ejectSteps(drive, options.platform ?? process.platform);
  const run = options.run ?? runCommand;
  if (steps.length === 0) {
    throw new IoError(`cannot eject ${drive.label} on this system: eject it from the file manager`);
  }
  for (const step of steps) {
    try {
      await run(step.command, step.args);
    } catch (err) {
      if (!step.required) continue;
      const why = (err as { stderr?: unknown }).stderr;
      throw new IoError(
        `cannot eject ${drive.label}${typeof why === 'string' && why.trim() ? ` (${why.trim().split('\n')[0]})` : ''}: close any window or program using it and try again, or eject it from the file manager`,
        { cause: err, details: { mountPoint: drive.mountPoint } },
      );
    }
  }
}
