// Listing removable drives: Linux over a fake /sys, /proc and /dev tree whose mount points are real
// folders; the macOS `mount` and Windows Get-Volume outputs as those tools print them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeLinuxRoots } from '../../../test/e2e/fake-sysfs.ts';
import { createDriveLister } from './drives.ts';
import { FAT32_MAX_FILE } from './filesystems.ts';
import { listLinuxDrives, parseMounts } from './linux-drives.ts';
import { describeMedia } from './media-info.ts';
import { parseMacMounts } from './mac-drives.ts';
import { parseWindowsVolumes } from './windows-drives.ts';

const root = mkdtempSync(join(tmpdir(), 'ferry-media-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mount = (name: string) => {
  const dir = join(root, 'mnt', name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe('Linux removable drives', () => {
  const sticks = {
    fat: mount('FERRY 01'),
    exfat: mount('big'),
    usbSsd: mount('ssd'),
    internal: mount('data'),
  };
  const roots = fakeLinuxRoots(join(root, 'tree'), [
    {
      disk: 'sdb',
      partition: 'sdb1',
      label: 'FERRY 01',
      fstype: 'vfat',
      mountPoint: sticks.fat,
      serial: '4C530001',
    },
    { disk: 'sdc', label: 'BIG', fstype: 'exfat', mountPoint: sticks.exfat, options: 'ro,nosuid' },
    // Many USB SSDs say removable=0; the USB bus gives them away.
    { disk: 'sdd', partition: 'sdd1', fstype: 'ext4', mountPoint: sticks.usbSsd, removable: false },
    // A second internal SATA disk: not removable, not USB.
    {
      disk: 'sde',
      partition: 'sde1',
      fstype: 'ext4',
      mountPoint: sticks.internal,
      removable: false,
      usb: false,
    },
  ]);

  it('lists mounted removable and USB drives with label, filesystem, space and serial', async () => {
    const drives = await listLinuxDrives(roots);
    expect(drives.map((d) => d.id)).toEqual(['sdb1', 'sdc', 'sdd1']);
    const [fat, exfat, ssd] = drives;
    expect(fat).toMatchObject({
      device: '/dev/sdb1',
      mountPoint: sticks.fat,
      label: 'FERRY 01',
      filesystem: 'vfat',
      maxFileBytes: FAT32_MAX_FILE,
      serial: '4C530001',
    });
    expect(fat!.sizeBytes).toBeGreaterThan(0);
    expect(fat!.freeBytes).toBeGreaterThan(0);
    expect(fat!.freeBytes).toBeLessThanOrEqual(fat!.sizeBytes);
    expect(fat!.warnings.join(' ')).toMatch(/FAT32 holds no file of 4 GiB/);
    expect(exfat).toMatchObject({ label: 'BIG', filesystem: 'exfat', maxFileBytes: null });
    expect(exfat!.warnings.join(' ')).toMatch(/read-only/);
    expect(ssd).toMatchObject({ label: 'sdd1', filesystem: 'ext4', warnings: [] });
  });

  it('answers an empty list when nothing removable is plugged in', async () => {
    const lister = createDriveLister({
      platform: 'linux',
      linuxRoots: fakeLinuxRoots(join(root, 'empty'), []),
    });
    expect(await lister()).toEqual({ supported: true, drives: [] });
  });

  it('says so, instead of failing, where it cannot list drives', async () => {
    const listing = await createDriveLister({ platform: 'aix' })();
    expect(listing).toMatchObject({ supported: false, drives: [] });
    expect(listing.note).toMatch(/choose the folder on the stick/);
  });

  it('decodes the mount table escapes', () => {
    expect(parseMounts('/dev/sdb1 /media/u/MY\\040STICK vfat rw,uid=1000 0 0\n')).toEqual([
      {
        device: '/dev/sdb1',
        mountPoint: '/media/u/MY STICK',
        filesystem: 'vfat',
        options: ['rw', 'uid=1000'],
      },
    ]);
  });

  it('describes the stick a folder sits on, for the ledger, from the same tables', () => {
    const inside = join(sticks.fat, 'ferry-1234');
    mkdirSync(inside, { recursive: true });
    expect(describeMedia(inside, roots)).toEqual({
      bundleDir: inside,
      mountPoint: sticks.fat,
      fileSystem: 'vfat',
      device: '/dev/sdb1',
      removable: true,
      label: 'FERRY 01',
      serial: '4C530001',
    });
    // An internal disk: where it is mounted, and that it is not removable.
    expect(describeMedia(sticks.internal, roots)).toMatchObject({
      mountPoint: sticks.internal,
      fileSystem: 'ext4',
      removable: false,
    });
  });
});

describe('macOS and Windows listings', () => {
  it('reads external volumes from mount', () => {
    const out = [
      '/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)',
      '/dev/disk4s1 on /Volumes/FERRY 01 (msdos, local, nodev, nosuid, noowners)',
      '/dev/disk5s2 on /Volumes/Backup (exfat, local, nodev, nosuid)',
    ].join('\n');
    expect(parseMacMounts(out)).toEqual([
      {
        device: '/dev/disk4s1',
        mountPoint: '/Volumes/FERRY 01',
        filesystem: 'msdos',
        options: ['local', 'nodev', 'nosuid', 'noowners'],
      },
      {
        device: '/dev/disk5s2',
        mountPoint: '/Volumes/Backup',
        filesystem: 'exfat',
        options: ['local', 'nodev', 'nosuid'],
      },
    ]);
  });

  it('reads removable volumes from Get-Volume JSON (one object or a list)', () => {
    const one =
      '{"DriveLetter":"E","FileSystemLabel":"FERRY","FileSystem":"FAT32","Size":16008609792,"SizeRemaining":15000000000}';
    expect(parseWindowsVolumes(one)).toEqual([
      expect.objectContaining({
        id: 'E:',
        mountPoint: 'E:\\',
        label: 'FERRY',
        filesystem: 'fat32',
        maxFileBytes: FAT32_MAX_FILE,
      }),
    ]);
    const two = `[${one},{"DriveLetter":"F","FileSystemLabel":"","FileSystem":"exFAT","Size":64000000000,"SizeRemaining":1000}]`;
    const drives = parseWindowsVolumes(two);
    expect(drives.map((d) => [d.label, d.maxFileBytes])).toEqual([
      ['FERRY', FAT32_MAX_FILE],
      ['F:', null],
    ]);
    expect(drives[1]!.warnings.join(' ')).toMatch(/Almost full/);
    expect(parseWindowsVolumes('')).toEqual([]);
    // An empty 16 MiB stick is small, not almost full.
    const tiny =
      '{"DriveLetter":"T","FileSystemLabel":"TINY","FileSystem":"exFAT","Size":16777216,"SizeRemaining":16252928}';
    expect(parseWindowsVolumes(tiny)[0]!.warnings).toEqual([]);
  });
});
