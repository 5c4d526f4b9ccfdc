// The `ferry` launchers at the top of a distribution. They run the bundle on the Node.js runtime
// shipped beside them, never on whatever `node` is on PATH (the isolated side often has none, or an
// old one).
import { ENTRY_FILE } from './bundle.ts';
import type { DistPlatform } from './platforms.ts';

// V8's young generation capped at 8 MB a semi-space (16 by default): a pull of an edition allocates
// a little per blob, tens of thousands of times, and the larger nursery was ~15 MB more resident for
// no measurable speed (docs/performance.md). Only a launcher can set it: V8 sizes the young
// generation before any JavaScript runs (electron/engine/api/runtime.ts sets what can be set later).
const NODE_FLAGS = '--max-semi-space-size=8';

// POSIX sh, no bash: minimal servers and busybox have /bin/sh. Symlinks are followed by hand
// (`readlink -f` is not on every macOS), so /usr/bin/ferry -> /usr/lib/ferry/ferry finds its folder.
// Parameter expansion instead of dirname keeps start-up to one fork per symlink.
const shLauncher = `#!/bin/sh
# Ferry launcher: runs the bundled command line on the Node.js runtime shipped in this folder.
self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=\${self%/*}/$link ;;
  esac
done
case $self in
  */*) dir=\${self%/*} ;;
  *) dir=. ;;
esac
# glibc keeps up to eight malloc arenas a core, each holding what its threads freed; two serve the
# main thread, the hashing worker and libuv's pool as fast, and an edition's pull stays ~15 MB
# smaller (docs/performance.md). Set it yourself to override.
MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-2}
export MALLOC_ARENA_MAX
exec "$dir/bin/node" ${NODE_FLAGS} "$dir/lib/${ENTRY_FILE}" "$@"
`;

// %~dp0 is the folder of this file, with a trailing backslash. cmd.exe needs CRLF line ends.
const cmdLauncher = [
  '@echo off',
  'rem Ferry launcher: runs the bundled command line on the Node.js runtime shipped in this folder.',
  `"%~dp0bin\\node.exe" ${NODE_FLAGS} "%~dp0lib\\${ENTRY_FILE}" %*`,
  'exit /b %ERRORLEVEL%',
  '',
].join('\r\n');

export interface Launcher {
  file: string;
  text: string;
  nodeFile: string;
}

export function launcherFor(platform: DistPlatform): Launcher {
  return platform.os === 'win'
    ? { file: 'ferry.cmd', text: cmdLauncher, nodeFile: 'bin/node.exe' }
    : { file: 'ferry', text: shLauncher, nodeFile: 'bin/node' };
}

export function readmeText(version: string, platform: DistPlatform, nodeVersion: string): string {
  const run = platform.os === 'win' ? 'ferry.cmd' : './ferry';
  const lines = [
    `Ferry ${version} for ${platform.id} — carry container images across an air gap.`,
    '',
    `Self-contained: Node.js ${nodeVersion} is in bin/, the command line in lib/. Nothing to install,`,
    'no network needed. Run it from this folder, or put this folder on PATH:',
    '',
    `  ${run} --help`,
    `  ${run} verify /media/usb/transfer`,
    `  ${run} push /media/usb/transfer registry.local:5000/mirror -u admin -p "$PASS"`,
    '',
    'ferry-dist.json lists every file of this folder with its SHA-256; LICENSES.txt holds the licences',
    'of everything shipped here.',
  ];
  if (platform.os === 'linux')
    lines.push('', 'Needs glibc 2.28 or newer (Debian 10+, Astra 1.7+, ALT p10+).');
  if (platform.os === 'darwin')
    lines.push('', 'If macOS refuses to start it after a download: xattr -dr com.apple.quarantine .');
  return `${lines.join(platform.os === 'win' ? '\r\n' : '\n')}${platform.os === 'win' ? '\r\n' : '\n'}`;
}
