// The POSIX launcher, run by /bin/sh in a folder of its own with a stand-in for the bundled Node that
// prints what it was started with: the flags, the bundle, the arguments, and glibc's arena cap
// (two unless the user set one).
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { launcherFor } from '../../scripts/distribution/launchers.ts';
import { findPlatform } from '../../scripts/distribution/platforms.ts';

const run = promisify(execFile);

const work = mkdtempSync(join(tmpdir(), 'ferry-launcher-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function installLauncher(): string {
  const launcher = launcherFor(findPlatform('linux-x64')!);
  const dir = join(work, 'ferry-linux-x64');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, launcher.file), launcher.text, { mode: 0o755 });
  writeFileSync(join(dir, 'bin', 'node'), '#!/bin/sh\necho "arenas=$MALLOC_ARENA_MAX args=$*"\n');
  chmodSync(join(dir, 'bin', 'node'), 0o755);
  return join(dir, launcher.file);
}

describe('the POSIX launcher', () => {
  const launcher = installLauncher();
  const dir = join(work, 'ferry-linux-x64');

  it("starts the folder's own Node with the young-generation flag and two malloc arenas", async () => {
    const { stdout } = await run('/bin/sh', [launcher, 'pull', '/tmp/x y'], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(stdout.trim()).toBe(`arenas=2 args=--max-semi-space-size=8 ${dir}/lib/ferry.cjs pull /tmp/x y`);
  });

  it('keeps an arena cap the user set, and finds its folder through a symlink', async () => {
    const link = join(work, 'ferry-on-path');
    symlinkSync(launcher, link);
    const { stdout } = await run('/bin/sh', [link, '--version'], {
      env: { PATH: '/usr/bin:/bin', MALLOC_ARENA_MAX: '4' },
    });
    expect(stdout.trim()).toBe(`arenas=4 args=--max-semi-space-size=8 ${dir}/lib/ferry.cjs --version`);
  });
});
