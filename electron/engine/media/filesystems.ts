// What a filesystem on a stick allows: FAT32 stores a file's size in 32 bits, so no file may reach
// 4 GiB; exFAT, NTFS, ext4, APFS and HFS+ take files far larger than any chunk.

export const FAT32_MAX_FILE = 4 * 1024 ** 3 - 1;

const fatNames = new Set(['vfat', 'fat', 'fat32', 'msdos', 'fat16', 'fat12']);

export function isFat(filesystem: string): boolean {
  return fatNames.has(filesystem.toLowerCase());
}

/** The largest file `filesystem` holds, or null when no chunk could reach the limit. */
export function maxFileBytes(filesystem: string): number | null {
  return isFat(filesystem) ? FAT32_MAX_FILE : null;
}

/** Warnings people should see before choosing this drive. */
export function driveWarnings(drive: {
  filesystem: string;
  freeBytes: number;
  /** The volume's size: a small stick that is empty is small, not almost full. */
  sizeBytes?: number;
  readOnly?: boolean;
}): string[] {
  const out: string[] = [];
  if (isFat(drive.filesystem)) {
    out.push('FAT32 holds no file of 4 GiB or more: Ferry cuts chunks below that on this stick.');
  }
  if (drive.readOnly) out.push('Mounted read-only: remount it writable, or choose another drive.');
  const mostlyUsed = drive.sizeBytes ? drive.freeBytes < drive.sizeBytes * 0.1 : true;
  if (drive.freeBytes < 64 * 1024 ** 2 && mostlyUsed)
    out.push('Almost full: free some space or choose another drive.');
  return out;
}
