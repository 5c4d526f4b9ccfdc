// Removable drives on Linux: block devices whose /sys/block/<disk>/removable is 1 (or that hang off a
// USB bus: many USB SSDs report 0), their partitions, the mount table (/proc/mounts) for where and
// how they are mounted, statfs for size and free space, and /dev/disk/by-label for the label.
// The roots are parameters so tests can point them at a fake tree.
import { readdir, readFile, readlink, realpath, statfs } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Drive } from '../../../shared/dto.ts';
import { driveWarnings, maxFileBytes } from './filesystems.ts';

export interface LinuxRoots {
  sys: string;
  proc: string;
  dev: string;
}

export const systemRoots: LinuxRoots = { sys: '/sys', proc: '/proc', dev: '/dev' };

export interface MountEntry {
  device: string;
  mountPoint: string;
  filesystem: string;
  options: string[];
}

/** The mount table escapes space, tab, newline and backslash as \ooo. */
const unescapeOctal = (text: string) =>
  text.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, mountPoint, filesystem, options] = line.trim().split(/\s+/);
    if (!device || !mountPoint || !filesystem) continue;
    out.push({
      device: unescapeOctal(device),
      mountPoint: unescapeOctal(mountPoint),
      filesystem,
      options: (options ?? '').split(','),
    });
  }
  return out;
}

async function read(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function list(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

/** Disk name → its partition names (and itself: a stick may be formatted without a partition table). */
async function removableDevices(sys: string): Promise<Map<string, string>> {
  const byDevice = new Map<string, string>();
  for (const disk of await list(join(sys, 'block'))) {
    const dir = join(sys, 'block', disk);
    const flag = await read(join(dir, 'removable'));
    const real = await realpath(dir).catch(() => dir);
    if (flag !== '1' && !real.includes('/usb')) continue;
    byDevice.set(disk, disk);
    for (const entry of await list(dir)) {
      if ((await read(join(dir, entry, 'partition'))) !== undefined) byDevice.set(entry, disk);
    }
  }
  return byDevice;
}

/** Device name → label, from /dev/disk/by-label (udev writes unsafe bytes as \xNN). */
async function labels(dev: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const folder = join(dev, 'disk', 'by-label');
  for (const name of await list(folder)) {
    const target = await readlink(join(folder, name)).catch(() => undefined);
    if (!target) continue;
    out.set(
      basename(target),
      name.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    );
  }
  return out;
}

/** The USB serial number: the first `serial` file walking up from the disk's device in /sys. */
async function serialOf(sys: string, disk: string): Promise<string | undefined> {
  let dir = await realpath(join(sys, 'block', disk, 'device')).catch(() => undefined);
  for (let i = 0; dir && i < 8 && dir !== dirname(dir); i++, dir = dirname(dir)) {
    const serial = await read(join(dir, 'serial'));
    if (serial) return serial;
  }
  return undefined;
}

export async function listLinuxDrives(roots: LinuxRoots = systemRoots): Promise<Drive[]> {
  const devices = await removableDevices(roots.sys);
  if (devices.size === 0) return [];
  const mounts = parseMounts((await read(join(roots.proc, 'mounts'))) ?? '');
  const labelOf = await labels(roots.dev);
  const drives: Drive[] = [];
  const seen = new Set<string>();
  for (const m of mounts) {
    const id = basename(m.device);
    const disk = m.device.startsWith('/dev/') ? devices.get(id) : undefined;
    // A drive mounted twice (bind mounts) is listed once, at its first mount point.
    if (!disk || seen.has(id)) continue;
    seen.add(id);
    let sizeBytes = 0;
    let freeBytes = 0;
    try {
      const s = await statfs(m.mountPoint);
      sizeBytes = s.blocks * s.bsize;
      freeBytes = s.bavail * s.bsize;
    } catch {
      continue; // unmounted meanwhile
    }
    const serial = await serialOf(roots.sys, disk);
    const readOnly = m.options.includes('ro');
    drives.push({
      id,
      device: m.device,
      mountPoint: m.mountPoint,
      label: labelOf.get(id) ?? id,
      filesystem: m.filesystem,
      sizeBytes,
      freeBytes,
      maxFileBytes: maxFileBytes(m.filesystem),
      ...(serial ? { serial } : {}),
      warnings: driveWarnings({ filesystem: m.filesystem, freeBytes, readOnly }),
    });
  }
  return drives;
}
