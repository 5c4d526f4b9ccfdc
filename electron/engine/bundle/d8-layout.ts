// The archive layout `d8 mirror pull` writes, which Ferry's Deckhouse bundles follow: images under
// a path relative to the edition root ('' for the root itself, 'install', 'release-channel',
// 'security/trivy-db', 'modules/<m>', 'modules/<m>/release', ...) live in the OCI layout at that
// path inside platform.tar, security.tar or module-<m>.tar. Both the writer (placement) and the
// reader of d8 bundles name archives and paths through these functions.

export const PLATFORM_ARCHIVE = 'platform.tar';
export const SECURITY_ARCHIVE = 'security.tar';

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
