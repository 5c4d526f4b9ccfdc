// Lists mounted removable drives by the means each OS offers. A failure to list is not an error to
// stop on: the person can still type or browse to a folder.
import type { MediaListing } from '../../../shared/dto.ts';
import { listLinuxDrives, systemRoots, type LinuxRoots } from './linux-drives.ts';
import { listMacDrives } from './mac-drives.ts';
import { listWindowsDrives } from './windows-drives.ts';

export interface DriveListerOptions {
  platform?: NodeJS.Platform;
  /** Linux: where /sys, /proc and /dev are (tests point them at a fake tree). */
  linuxRoots?: LinuxRoots;
}

export function createDriveLister(options: DriveListerOptions = {}): () => Promise<MediaListing> {
  const platform = options.platform ?? process.platform;
  return async () => {
    try {
      switch (platform) {
        case 'linux':
          return { supported: true, drives: await listLinuxDrives(options.linuxRoots ?? systemRoots) };
        case 'darwin':
          return { supported: true, drives: await listMacDrives() };
        case 'win32':
          return { supported: true, drives: await listWindowsDrives() };
        default:
          return {
            supported: false,
            drives: [],
            note: `Ferry cannot list drives on ${platform}: choose the folder on the stick.`,
          };
      }
    } catch (err) {
      return {
        supported: false,
        drives: [],
        note: `Listing drives failed (${(err as Error).message.split('\n')[0]}): choose the folder on the stick instead.`,
      };
    }
  };
}
