// The folder a stick is mounted at, as a copy or a plan needs it: how much room it has and the
// largest file its filesystem takes. The filesystem's name comes from the mount table where the OS
// has one (media-info.ts); statfs's type number still tells FAT elsewhere.
import { statfs } from 'node:fs/promises';
import { toFerryError } from '../errors.ts';
import { maxFileBytes } from './filesystems.ts';
import { describeMedia } from './media-info.ts';

/** statfs f_type of FAT filesystems (MSDOS_SUPER_MAGIC). */
const MSDOS_MAGIC = 0x4d44;

export interface Volume {
  mountPoint: string;
  /** The filesystem's name ('vfat', 'exfat', 'ext4'…), or 'unknown'. */
  filesystem: string;
  sizeBytes: number;
  freeBytes: number;
  /** The largest file it holds, or null when no chunk could reach the limit. */
  maxFileBytes: number | null;
}

export async function describeVolume(folder: string): Promise<Volume> {
  const s = await statfs(folder).catch((err: unknown) => {
    throw toFerryError(err);
  });
  const media = describeMedia(folder);
  const filesystem = media.fileSystem ?? (s.type === MSDOS_MAGIC ? 'vfat' : 'unknown');
  return {
    mountPoint: media.mountPoint ?? folder,
    filesystem,
    sizeBytes: s.blocks * s.bsize,
    freeBytes: s.bavail * s.bsize,
    maxFileBytes: s.type === MSDOS_MAGIC ? maxFileBytes('vfat') : maxFileBytes(filesystem),
  };
}
