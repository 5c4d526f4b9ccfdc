// Removable drives on Linux, read from the kernel's own tables: /sys/block (which disks are
// removable, or hang off a USB bus: many USB SSDs report removable=0, and their partitions), the mount
// table (/proc/mounts: where and how each is mounted), /dev/disk/by-label and by-id (label, stable
// name) and the USB device's serial in /sys. Two questions are asked of them, with one reading:
// which removable drives are mounted (the app's drive list, `ferry media`), and what a folder sits
// on (the ledger's media record, so an auditor can tell which stick carried a transfer).
// The roots are parameters so tests can point them at a fake tree. Reads are synchronous: the files
// are a few bytes each, and the ledger asks while it records.
import { readdirSync, readFileSync, readlinkSync, realpathSync, statfsSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import type { Drive } from '../../../shared/dto.ts';
import { driveWarnings, maxFileBytes } from './filesystems.ts';
import type { MediaInfo } from './media-info.ts';

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

/** udev writes a link name's spaces and other unsafe bytes as \xNN. */
const unescapeUdev = (text: string) =>
  text.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

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

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function list(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

interface BlockDevice {
  /** The disk the device is, or is a partition of. */
  disk: string;
  removable: boolean;
}

/** Every block device (disks and their partitions: a stick may carry no partition table). */
function blockDevices(sys: string): Map<string, BlockDevice> {
  const byName = new Map<string, BlockDevice>();
  for (const disk of list(join(sys, 'block'))) {
    const dir = join(sys, 'block', disk);
    let real = dir;
    try {
      real = realpathSync(dir);
    } catch {
      // a plain folder (no sysfs link): judged by its removable flag alone
    }
    const device = { disk, removable: read(join(dir, 'removable')) === '1' || real.includes('/usb') };
    byName.set(disk, device);
    for (const entry of list(dir)) {
      if (read(join(dir, entry, 'partition')) !== undefined) byName.set(entry, device);
    }
  }
  return byName;
}

/** Device name → the names of its links in /dev/disk/<folder> (by-label, by-id). */
function linkNames(dev: string, folder: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const dir = join(dev, 'disk', folder);
  for (const name of list(dir)) {
    let target: string;
    try {
      target = readlinkSync(join(dir, name));
    } catch {
      continue;
    }
    out.set(basename(target), [...(out.get(basename(target)) ?? []), name]);
  }
  return out;
}

/** The USB serial number: the first `serial` file walking up from the disk's device in /sys. */
function serialOf(sys: string, disk: string): string | undefined {
  let dir: string | undefined;
  try {
    dir = realpathSync(join(sys, 'block', disk, 'device'));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 8 && dir !== dirname(dir); i++, dir = dirname(dir)) {
    const serial = read(join(dir, 'serial'));
    if (serial) return serial;
  }
  return undefined;
}

/** The kernel's name of a mounted device: /dev/sdb1 → sdb1, /dev/mapper/x → dm-0. */
function deviceName(roots: LinuxRoots, device: string): string {
  try {
    return basename(realpathSync(join(roots.dev, device.slice('/dev/'.length))));
  } catch {
    return basename(device);
  }
}

function mounts(roots: LinuxRoots): MountEntry[] {
  return parseMounts(read(join(roots.proc, 'mounts')) ?? '');
}

export async function listLinuxDrives(roots: LinuxRoots = systemRoots): Promise<Drive[]> {
  const devices = blockDevices(roots.sys);
  if (![...devices.values()].some((d) => d.removable)) return [];
  const labels = linkNames(roots.dev, 'by-label');
  const drives: Drive[] = [];
  const seen = new Set<string>();
  for (const m of mounts(roots)) {
    if (!m.device.startsWith('/dev/')) continue;
    const id = deviceName(roots, m.device);
    const device = devices.get(id);
    // A drive mounted twice (bind mounts) is listed once, at its first mount point.
    if (!device?.removable || seen.has(id)) continue;
    seen.add(id);
    let sizeBytes = 0;
    let freeBytes = 0;
    try {
      const s = statfsSync(m.mountPoint);
      sizeBytes = s.blocks * s.bsize;
      freeBytes = s.bavail * s.bsize;
    } catch {
      continue; // unmounted meanwhile
    }
    const label = labels.get(id)?.[0];
    const serial = serialOf(roots.sys, device.disk);
    drives.push({
      id,
      device: m.device,
      mountPoint: m.mountPoint,
      label: label ? unescapeUdev(label) : id,
      filesystem: m.filesystem,
      sizeBytes,
      freeBytes,
      maxFileBytes: maxFileBytes(m.filesystem),
      ...(serial ? { serial } : {}),
      warnings: driveWarnings({
        filesystem: m.filesystem,
        freeBytes,
        sizeBytes,
        readOnly: m.options.includes('ro'),
      }),
    });
  }
  return drives;
}

function within(path: string, mount: string): boolean {
  return mount === '/' || path === mount || path.startsWith(mount.endsWith(sep) ? mount : mount + sep);
}

/** Fills in what holds `path` (a real path): mount point, file system, and for removable media the rest. */
export function describeLinuxMedia(path: string, info: MediaInfo, roots: LinuxRoots = systemRoots): void {
  let best: MountEntry | undefined;
  for (const m of mounts(roots)) {
    // The longest match wins; a later line for the same mount point is mounted over the earlier one.
    if (within(path, m.mountPoint) && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  if (!best) return;
  info.mountPoint = best.mountPoint;
  info.fileSystem = best.filesystem;
  if (!best.device.startsWith('/dev/')) return;
  const name = deviceName(roots, best.device);
  info.device = `/dev/${name}`;
  const device = blockDevices(roots.sys).get(name);
  if (!device) return;
  info.removable = device.removable;
  const label = linkNames(roots.dev, 'by-label').get(name)?.[0];
  if (label) info.label = unescapeUdev(label);
  const ids = linkNames(roots.dev, 'by-id').get(name) ?? [];
  const id = ids.find((n) => n.startsWith('usb-')) ?? ids[0];
  if (id) info.deviceId = id;
  if (device.removable) {
    const serial =
      serialOf(roots.sys, device.disk) ?? read(join(roots.sys, 'block', device.disk, 'device', 'serial'));
    if (serial) info.serial = serial;
  }
}
