// A fake /sys, /proc and /dev tree shaped like a Linux machine with USB sticks plugged in, so the
// removable-media lister is exercised end to end (mount table, removable flags, USB bus, labels,
// serials) against mount points that are real folders (statfs answers for them).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LinuxRoots } from '../../electron/engine/media/linux-drives.ts';

export interface FakeStick {
  disk: string;
  /** Partition name; without one the filesystem sits on the whole disk. */
  partition?: string;
  label?: string;
  fstype: string;
  mountPoint: string;
  /** /sys/block/<disk>/removable (default true). */
  removable?: boolean;
  /** Hangs off a USB bus (default true). */
  usb?: boolean;
  serial?: string;
  options?: string;
}

const escapeMount = (path: string) =>
  path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

export function fakeLinuxRoots(root: string, sticks: FakeStick[]): LinuxRoots {
  const sys = join(root, 'sys');
  const proc = join(root, 'proc');
  const dev = join(root, 'dev');
  mkdirSync(join(sys, 'block'), { recursive: true });
  mkdirSync(proc, { recursive: true });
  mkdirSync(join(dev, 'disk', 'by-label'), { recursive: true });
  // A fixed internal disk that must never be listed.
  mkdirSync(join(sys, 'block', 'nvme0n1', 'nvme0n1p2'), { recursive: true });
  writeFileSync(join(sys, 'block', 'nvme0n1', 'removable'), '0\n');
  writeFileSync(join(sys, 'block', 'nvme0n1', 'nvme0n1p2', 'partition'), '2\n');
  const mounts = ['/dev/nvme0n1p2 / ext4 rw,relatime 0 0', 'proc /proc proc rw 0 0'];
  sticks.forEach((s, i) => {
    const usbDevice = join(sys, 'devices', 'pci0000:00', `usb${i + 1}`, `${i + 1}-1`);
    const scsi = join(usbDevice, `${i + 1}-1:1.0`, `host${i + 6}`, `target${i + 6}:0:0`, `${i + 6}:0:0:0`);
    const diskDir = s.usb === false ? join(sys, 'block', s.disk) : join(scsi, 'block', s.disk);
    mkdirSync(diskDir, { recursive: true });
    if (s.usb !== false) {
      mkdirSync(scsi, { recursive: true });
      symlinkSync(relative(join(sys, 'block'), diskDir), join(sys, 'block', s.disk));
      symlinkSync(relative(diskDir, scsi), join(diskDir, 'device'));
      if (s.serial) writeFileSync(join(usbDevice, 'serial'), `${s.serial}\n`);
    }
    writeFileSync(join(diskDir, 'removable'), s.removable === false ? '0\n' : '1\n');
    const name = s.partition ?? s.disk;
    if (s.partition) {
      mkdirSync(join(diskDir, s.partition), { recursive: true });
      writeFileSync(join(diskDir, s.partition, 'partition'), '1\n');
    }
    if (s.label) {
      const udevName = s.label.replace(
        /[^A-Za-z0-9#+\-.:=@_]/g,
        (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      );
      symlinkSync(`../../${name}`, join(dev, 'disk', 'by-label', udevName));
    }
    mounts.push(
      `/dev/${name} ${escapeMount(s.mountPoint)} ${s.fstype} ${s.options ?? 'rw,nosuid,nodev,relatime'} 0 0`,
    );
  });
  writeFileSync(join(proc, 'mounts'), `${mounts.join('\n')}\n`);
  return { sys, proc, dev };
}
