// Where a Deckhouse image lives, in the three places it travels through. Every image has a path
// relative to the edition root ('' for the root itself, 'install', 'release-channel',
// 'security/trivy-db', 'modules/<m>', 'modules/<m>/release', 'modules/<m>/extra/<x>'):
// - in the source it is `<source>/<path>` (modules under `<source><modules-path-suffix>/<m>`);
// - in the bundle it is the OCI layout at <path> inside platform.tar, security.tar or module-<m>.tar,
//   exactly as `d8 mirror pull` lays them out;
// - in the target it is `<registry>/<path>/<path>` (modules under the target's suffix).
import type { ImageGraph } from '../plan/image-graph.ts';
import { UsageError } from '../errors.ts';
import { pathProblem } from '../ref/grammar.ts';
import type { Placement } from '../bundle/bundle-sink.ts';
import { archiveForPath, joinPath, moduleOfPath, moduleOfRecord } from '../bundle/d8-layout.ts';

export const DEFAULT_MODULES_SUFFIX = '/modules';

/** Bundle writer placement for Deckhouse images: the layout is the image's path. */
export function deckhousePlacement(image: ImageGraph): Placement {
  const path = image.request.target.repository;
  return { archive: archiveForPath(path), layout: path };
}

/**
 * `--modules-path-suffix` as '/x[/y]' (d8 accepts it with or without the leading '/'); '/' is ''
 * — modules at the edition root, as d8's NormalizeModulesPath. An empty value is refused (d8 reads
 * it as the default; an unset variable should not silently mean /modules).
 */
export function normalizeModulesSuffix(suffix: string | undefined): string {
  const given = (suffix ?? DEFAULT_MODULES_SUFFIX).trim();
  const trimmed = given.replace(/^\/+|\/+$/g, '');
  if (given !== '' && trimmed === '') return '';
  const problem = trimmed === '' ? 'it is empty' : pathProblem(trimmed);
  if (problem) throw new UsageError(`--modules-path-suffix '${suffix}' is not a repository path: ${problem}`);
  return `/${trimmed}`;
}

/** A Deckhouse bundle path with the modules part moved under another suffix: 'modules/x' → 'mods/x'. */
export function withModulesSuffix(path: string, suffix: string): string {
  if (!moduleOfPath(path)) return path;
  return joinPath(suffix, path.slice('modules/'.length));
}

/**
 * Where a bundle image goes under the push root: `<prefix>/<path>`, module paths moved under the
 * modules suffix. The edition root itself is the prefix, which therefore cannot be empty.
 */
export function pushRepository(
  prefix: string,
  record: { archive: string; target: { repository: string } },
  modulesSuffix: string,
): string {
  const path = moduleOfRecord(record)
    ? withModulesSuffix(record.target.repository, modulesSuffix)
    : record.target.repository;
  const repository = joinPath(prefix, path);
  if (repository === '') {
    throw new UsageError(
      'this bundle has images for the registry path itself: push to <registry>/<path>, e.g. registry.example.com/deckhouse/ee',
    );
  }
  return repository;
}
