// Removable drives on macOS: external volumes are mounted under /Volumes; `mount` says which device
// and filesystem each one is (msdos = FAT), statfs gives size and free space. The volume name is the
// folder name under /Volumes.
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import type { Drive } from '../../../shared/dto.ts';
import { driveWarnings, maxFileBytes } from './filesystems.ts';

export interface MacMount {
  device: string;
  mountPoint: string;
  filesystem: string;
  options: string[];
}

/** Lines like `/dev/disk4s1 on /Volumes/FERRY 01 (msdos, local, nodev, nosuid, noowners)`. */
export function parseMacMounts(text: string): MacMount[] {
  const out: MacMount[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\/dev\/\S+) on (\/Volumes\/.+) \(([^,)]+)(?:, ([^)]*))?\)$/.exec(line.trim());
    if (!m) continue;
    out.push({
      device: m[1]!,
      mountPoint: m[2]!,
      filesystem: m[3]!,
      options: (m[4] ?? '').split(',').map((o) => o.trim()),
    });
  }
  return out;
}

export async function listMacDrives(): Promise<Drive[]> {
  const { stdout } = await promisify(execFile)('/sbin/mount', [], { timeout: 5000 });
  const drives: Drive[] = [];
  for (const m of parseMacMounts(stdout)) {
    // The system volume's data half and disk images opened from downloads are not sticks.
    if (!m.options.includes('local') || (m.options.includes('read-only') && m.filesystem === 'hfs')) continue;
    const s = await statfs(m.mountPoint).catch(() => undefined);
    if (!s) continue;
    const freeBytes = s.bavail * s.bsize;
    drives.push({
      id: basename(m.device),
      device: m.device,
      mountPoint: m.mountPoint,
      label: basename(m.mountPoint),
      filesystem: m.filesystem,
      sizeBytes: s.blocks * s.bsize,
      freeBytes,
      maxFileBytes: maxFileBytes(m.filesystem),
      warnings: driveWarnings({
        filesystem: m.filesystem,
        freeBytes,
        sizeBytes: s.blocks * s.bsize,
        readOnly: m.options.includes('read-only'),
      }),
    });
  }
  return drives;
}
