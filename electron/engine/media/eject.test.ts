import { describe, expect, it } from 'vitest';
import { diskOf, ejectDrive, ejectSteps } from './eject.ts';

const stick = { device: '/dev/sdb1', mountPoint: '/media/me/FERRY 01', label: 'FERRY 01' };

describe('ejecting a stick', () => {
  it('finds the disk of a partition', () => {
    expect(diskOf('/dev/sdb1')).toBe('/dev/sdb');
    expect(diskOf('/dev/nvme0n1p2')).toBe('/dev/nvme0n1');
    expect(diskOf('/dev/mmcblk0p1')).toBe('/dev/mmcblk0');
  });

  it('unmounts then powers off on Linux, ejects the volume on macOS and Windows', () => {
    expect(ejectSteps(stick, 'linux').map((s) => [s.command, ...s.args])).toEqual([
      ['udisksctl', 'unmount', '--no-user-interaction', '-b', '/dev/sdb1'],
      ['udisksctl', 'power-off', '--no-user-interaction', '-b', '/dev/sdb'],
    ]);
    expect(ejectSteps(stick, 'darwin').map((s) => [s.command, ...s.args])).toEqual([
      ['diskutil', 'eject', '/media/me/FERRY 01'],
    ]);
    const windows = ejectSteps({ device: 'E:', mountPoint: 'E:\\' }, 'win32');
    expect(windows[0]!.args.at(-1)).toContain("ParseName('E:').InvokeVerb('Eject')");
  });

  it('a refused power-off still ejects; a refused unmount is one clear line', async () => {
    const ran: string[] = [];
    await ejectDrive(stick, {
      platform: 'linux',
      run: async (_command, args) => {
        ran.push(args[0]!);
        if (args[0] === 'power-off') throw new Error('not authorized');
      },
    });
    expect(ran).toEqual(['unmount', 'power-off']);
    const busy = ejectDrive(stick, {
      platform: 'linux',
      run: async () => {
        throw Object.assign(new Error('failed'), { stderr: 'Error unmounting /dev/sdb1: target is busy\n' });
      },
    });
    await expect(busy).rejects.toMatchObject({
      code: 'FERRY_ERR_IO',
      message: expect.stringContaining(
        'cannot eject FERRY 01 (Error unmounting /dev/sdb1: target is busy)',
      ) as unknown,
    });
    await expect(ejectDrive(stick, { platform: 'aix' })).rejects.toMatchObject({ code: 'FERRY_ERR_IO' });
  });
});
