// The Debian package of a Linux distribution: the folder goes to /usr/lib/ferry and /usr/bin/ferry
// points at its launcher, for the Debian/Astra-style servers on the isolated side. Built with
// dpkg-deb itself (no fpm, nothing downloaded).
//
// /usr/bin/ferry is managed with update-alternatives under the name `ferry`, the way the desktop
// package registers its copy of the CLI (build/linux/after-install.tpl): both packages can be
// installed at once, this one wins (higher priority), and removing either leaves the other working.
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ARCHIVE_MTIME, listTree } from './archives.ts';
import { DistBuildError } from './runtimes.ts';

const INSTALL_DIR = '/usr/lib/ferry';
const PRIORITY = 200;

/** Debian version syntax: a pre-release `1.0.0-rc.1` must sort before `1.0.0`, which `~` does. */
export function debianVersion(version: string): string {
  return version.replace('-', '~');
}

export function debFileName(version: string, debArch: string): string {
  return `ferry_${debianVersion(version)}_${debArch}.deb`;
}

export async function writeDeb(options: {
  tree: string;
  version: string;
  debArch: string;
  dest: string;
  level?: number;
}): Promise<void> {
  const { tree, version, debArch, dest } = options;
  const stage = await mkdtemp(join(tmpdir(), 'ferry-deb-'));
  try {
    const lib = join(stage, INSTALL_DIR);
    await mkdir(join(stage, 'usr', 'lib'), { recursive: true });
    await cp(tree, lib, { recursive: true });
    const doc = join(stage, 'usr', 'share', 'doc', 'ferry');
    await mkdir(doc, { recursive: true });
    await symlink(`../../../lib/ferry/LICENSES.txt`, join(doc, 'copyright'));

    const installedKiB = (await listTree(lib)).reduce((sum, e) => sum + Math.ceil(e.size / 1024), 0);
    const control = [
      `Package: ferry`,
      `Version: ${debianVersion(version)}`,
      `Architecture: ${debArch}`,
      `Maintainer: Ferry maintainers <ferry@example.invalid>`,
      `Installed-Size: ${installedKiB}`,
      // What the Node.js runtime links against (ldd bin/node); glibc 2.28 is Node 22's floor.
      `Depends: libc6 (>= 2.28), libstdc++6, libgcc-s1 | libgcc1`,
      `Section: admin`,
      `Priority: optional`,
      `Description: carry container images across an air gap (command line)`,
      ` Ferry verifies bundles of container images cut into USB-sized chunks and pushes them,`,
      ` digests unchanged, into a private registry; a hash-chained ledger records every transfer.`,
      ` Self-contained: brings its own Node.js runtime and needs no network.`,
      '',
    ].join('\n');
    const debian = join(stage, 'DEBIAN');
    await mkdir(debian);
    await writeFile(join(debian, 'control'), control);
    const script = (body: string) => `#!/bin/sh\nset -e\n${body}\n`;
    await writeFile(
      join(debian, 'postinst'),
      script(
        `if [ "$1" = configure ]; then\n  update-alternatives --install /usr/bin/ferry ferry ${INSTALL_DIR}/ferry ${PRIORITY}\nfi`,
      ),
    );
    await writeFile(
      join(debian, 'prerm'),
      script(
        `if [ "$1" = remove ] || [ "$1" = deconfigure ]; then\n  update-alternatives --remove ferry ${INSTALL_DIR}/ferry\nfi`,
      ),
    );
    await chmod(join(debian, 'postinst'), 0o755);
    await chmod(join(debian, 'prerm'), 0o755);
    // Modes as they should land on the server, whatever the build machine's umask made of them.
    await chmod(stage, 0o755);
    for (const e of await listTree(stage)) await chmod(join(stage, e.path), e.mode);

    const tmp = `${dest}.tmp`;
    // gzip rather than dpkg-deb's default xz: every dpkg in use reads it, and it builds in seconds.
    try {
      await promisify(execFile)(
        'dpkg-deb',
        ['--root-owner-group', '-Zgzip', `-z${options.level ?? 9}`, '--build', stage, tmp],
        // dpkg-deb clamps every timestamp to SOURCE_DATE_EPOCH: the same tree gives the same .deb.
        {
          maxBuffer: 16 << 20,
          env: { ...process.env, SOURCE_DATE_EPOCH: String(ARCHIVE_MTIME.getTime() / 1000) },
        },
      );
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new DistBuildError(
          'dpkg-deb not found: install it (apt-get install -y dpkg) or build with --no-deb',
        );
      const stderr = (err as { stderr?: string }).stderr?.trim() ?? String(err);
      throw new DistBuildError(`dpkg-deb failed: ${stderr.split('\n')[0]}`);
    }
    await rename(tmp, dest);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
