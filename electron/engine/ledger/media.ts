// What the bundle folder sits on, for the record: the mount point and file system, and for removable
// media (USB sticks, SD cards) the device, its label and serial number, so an auditor can tell which
// stick carried a transfer. Linux reads /proc and /sys; elsewhere only the folder is recorded. Best
// effort: a missing answer is left out, never an error.
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

export interface MediaInfo {
  bundleDir: string;
  mountPoint?: string;
  fileSystem?: string;
  device?: string;
  removable?: boolean;
  label?: string;
  serial?: string;
  /** The stable name under /dev/disk/by-id (bus, vendor, model, serial). */
  deviceId?: string;
}

/** /proc/self/mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function within(path: string, mount: string): boolean {
  return mount === '/' || path === mount || path.startsWith(mount.endsWith(sep) ? mount : mount + sep);
}

/** Names in /dev/disk/<folder> whose link resolves to `device`. */
function linksTo(folder: string, device: string): string[] {
  try {
    return readdirSync(`/dev/disk/${folder}`).filter((name) => {
      try {
        return resolve(`/dev/disk/${folder}`, readlinkSync(`/dev/disk/${folder}/${name}`)) === device;
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** The USB serial number, found walking up from the disk's device node in /sys. */
function usbSerial(sysDisk: string): string | undefined {
  let dir: string;
  try {
    dir = realpathSync(join(sysDisk, 'device'));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 8 && dir !== '/'; i++, dir = dirname(dir)) {
    const serial = read(join(dir, 'serial'));
    if (serial) return serial;
  }
  return undefined;
}

function linuxMedia(dir: string, info: MediaInfo): void {
  const mountinfo = read('/proc/self/mountinfo');
  if (!mountinfo) return;
  let best: { mount: string; fs: string; source: string } | undefined;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ');
    const tail = right?.split(' ');
    if (!fields || fields.length < 5 || !tail || tail.length < 2) continue;
    const mount = unescapeMount(fields[4]!);
    if (!within(dir, mount)) continue;
    // The longest match wins; a later line for the same mount point is mounted over the earlier one.
    if (!best || mount.length >= best.mount.length)
      best = { mount, fs: tail[0]!, source: unescapeMount(tail[1]!) };
  }
  if (!best) return;
  info.mountPoint = best.mount;
  info.fileSystem = best.fs;
  if (!best.source.startsWith('/dev/')) return;
  let device: string;
  try {
    device = realpathSync(best.source);
  } catch {
    return;
  }
  info.device = device;
  const name = basename(device);
  let sysBlock: string;
  try {
    sysBlock = realpathSync(`/sys/class/block/${name}`);
  } catch {
    return;
  }
  // A partition's folder sits inside its disk's folder; a whole-disk file system is the disk itself.
  const sysDisk = read(join(sysBlock, 'partition')) ? dirname(sysBlock) : sysBlock;
  const removable = read(join(sysDisk, 'removable'));
  info.removable = removable === '1' || sysBlock.includes('/usb');
  const label = linksTo('by-label', device)[0];
  // udev writes a label's spaces and other unsafe bytes as \xNN.
  if (label)
    info.label = label.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const ids = linksTo('by-id', device);
  const id = ids.find((n) => n.startsWith('usb-')) ?? ids[0];
  if (id) info.deviceId = id;
  if (info.removable) {
    const serial = usbSerial(sysDisk) ?? read(join(sysDisk, 'device', 'serial'));
    if (serial) info.serial = serial;
  }
}

/** Describes the media holding `dir`; never throws. */
export function describeMedia(dir: string): MediaInfo {
  let path: string;
  try {
    path = realpathSync(dir);
  } catch {
    path = resolve(dir);
  }
  const info: MediaInfo = { bundleDir: path };
  if (process.platform === 'linux') {
    try {
      linuxMedia(path, info);
    } catch {
      // best effort: whatever was found so far is recorded
    }
  }
  return info;
}
