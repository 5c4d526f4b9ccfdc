// The archive layout `d8 mirror pull` writes, which Ferry's Deckhouse bundles follow: images under
// a path relative to the edition root ('' for the root itself, 'install', 'release-channel',
// 'security/trivy-db', 'modules/<m>', 'modules/<m>/release', ...) live in the OCI layout at that
// path inside platform.tar, security.tar, module-<m>.tar, installer.tar ('installer'),
// package-<p>.tar ('packages/<p>', 'packages/<p>/extra/<x>') or package-versions.tar (every
// 'packages/<p>/version' layout: d8 packs the package release images into one archive). Both the writer (placement) and the
// reader of d8 bundles name archives and paths through these functions.

export const PLATFORM_ARCHIVE = 'platform.tar';
export const SECURITY_ARCHIVE = 'security.tar';
export const INSTALLER_ARCHIVE = 'installer.tar';
export const PACKAGE_VERSIONS_ARCHIVE = 'package-versions.tar';

export function packageArchive(name: string): string {
  return `package-${name}.tar`;
}

/** 'packages/ingress/version' → 'ingress'. */
export function packageOfPath(path: string): string | undefined {
  return /^packages\/([^/]+)(?:\/|$)/.exec(path)?.[1];
}

export function moduleArchive(module: string): string {
  return `module-${module}.tar`;
}

/** 'module-console.tar' → 'console'. */
export function moduleOfArchive(archive: string): string | undefined {
  return /^module-(.+)\.tar$/.exec(archive)?.[1];
}

/** 'modules/console/release' → 'console'. */
export function moduleOfPath(path: string): string | undefined {
  return /^modules\/([^/]+)(?:\/|$)/.exec(path)?.[1];
}

export function joinPath(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
}

/** The archive d8 puts a path in. */
export function archiveForPath(path: string): string {
  const module = moduleOfPath(path);
  if (module) return moduleArchive(module);
  const pkg = packageOfPath(path);
  if (pkg) return path === `packages/${pkg}/version` ? PACKAGE_VERSIONS_ARCHIVE : packageArchive(pkg);
  if (path === 'installer' || path.startsWith('installer/')) return INSTALLER_ARCHIVE;
  if (path === 'security' || path.startsWith('security/')) return SECURITY_ARCHIVE;
  return PLATFORM_ARCHIVE;
}

/** The module an image record belongs to: its archive is module-<m>.tar and its path modules/<m>/... */
export function moduleOfRecord(record: {
  archive: string;
  target: { repository: string };
}): string | undefined {
  const module = moduleOfArchive(record.archive);
  return module !== undefined && moduleOfPath(record.target.repository) === module ? module : undefined;
}

/** Where a layout's images go under the push root: a legacy module tar's layouts move under modules/<m>. */
export function layoutTargetPath(archive: string, layout: string): string {
  const module = moduleOfArchive(archive);
  if (module !== undefined && moduleOfPath(layout) === undefined) return joinPath('modules', module, layout);
  return layout;
}
