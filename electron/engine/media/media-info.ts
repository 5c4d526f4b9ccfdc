// What the bundle folder sits on, for the record: the mount point and file system, and for removable
// media (USB sticks, SD cards) the device, its label and serial number, so an auditor can tell which
// stick carried a transfer. Linux reads /proc and /sys (linux-drives.ts); elsewhere only the folder is
// recorded. Best effort: a missing answer is left out, never an error.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeLinuxMedia, systemRoots, type LinuxRoots } from './linux-drives.ts';

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

/** Describes the media holding `dir`; never throws. */
export function describeMedia(dir: string, linuxRoots: LinuxRoots = systemRoots): MediaInfo {
  let path: string;
  try {
    path = realpathSync(dir);
  } catch {
    path = resolve(dir);
  }
  const info: MediaInfo = { bundleDir: path };
  if (process.platform === 'linux') {
    try {
      describeLinuxMedia(path, info, linuxRoots);
    } catch {
      // best effort: whatever was found so far is recorded
    }
  }
  return info;
}
