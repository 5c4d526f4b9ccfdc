// Removable drives on Windows: PowerShell's Get-Volume lists volumes with their drive type, label,
// filesystem, size and free space; the removable ones with a drive letter are sticks and SD cards.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Drive } from '../../../shared/dto.ts';
import { driveWarnings, maxFileBytes } from './filesystems.ts';

const SCRIPT =
  "Get-Volume | Where-Object { $_.DriveType -eq 'Removable' -and $_.DriveLetter } | " +
  'Select-Object DriveLetter,FileSystemLabel,FileSystem,Size,SizeRemaining | ConvertTo-Json -Compress';

interface VolumeJson {
  DriveLetter?: string;
  FileSystemLabel?: string;
  FileSystem?: string;
  Size?: number;
  SizeRemaining?: number;
}

/** ConvertTo-Json prints one object for one volume, a list for several, nothing for none. */
export function parseWindowsVolumes(text: string): Drive[] {
  if (!text.trim()) return [];
  const parsed = JSON.parse(text) as VolumeJson | VolumeJson[];
  const volumes = Array.isArray(parsed) ? parsed : [parsed];
  return volumes
    .filter((v) => typeof v.DriveLetter === 'string' && v.DriveLetter.length === 1)
    .map((v) => {
      const letter = v.DriveLetter!;
      const filesystem = (v.FileSystem ?? '').toLowerCase() || 'unknown';
      const freeBytes = v.SizeRemaining ?? 0;
      return {
        id: `${letter}:`,
        device: `${letter}:`,
        mountPoint: `${letter}:\\`,
        label: v.FileSystemLabel || `${letter}:`,
        filesystem,
        sizeBytes: v.Size ?? 0,
        freeBytes,
        maxFileBytes: maxFileBytes(filesystem),
        warnings: driveWarnings({ filesystem, freeBytes, sizeBytes: v.Size ?? 0 }),
      };
    });
}

export async function listWindowsDrives(): Promise<Drive[]> {
  const { stdout } = await promisify(execFile)(
    'powershell.exe',
    ['-NoProfile', '-NonInteractive', '-Command', SCRIPT],
    { timeout: 15_000, windowsHide: true },
  );
  return parseWindowsVolumes(stdout);
}
