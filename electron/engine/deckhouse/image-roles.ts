// What a Deckhouse image is, read from where it goes (its path under the edition root and its tag, as
// layout-paths.ts and d8-layout.ts name them): a release channel image, the platform itself, one of
// its component images, an installer, a security database, a module's image, release or extra image,
// a package's. The preview groups and names its rows with it, so a person sees "stable, beta" on one
// release channel image instead of two rows.
import type { ImageRole } from '../../../shared/dto.ts';
import { moduleOfPath, packageOfPath } from '../bundle/d8-layout.ts';

export interface RoleOf {
  role: ImageRole;
  /** The heading the row sits under: "Platform", "Security databases", "Module console", … */
  group: string;
}

/** d8's short tag of a digest-only image: the digest's 64 hex digits. */
const isDigestTag = (tag: string | undefined) => tag !== undefined && /^[0-9a-f]{64}$/.test(tag);

/** A VEX attestation d8 carries beside an image referenced by tag (`<tag>.att`). */
const isAttestationTag = (tag: string | undefined) => tag !== undefined && tag.endsWith('.att');

export function deckhouseImageRole(target: { repository: string; tag?: string }): RoleOf {
  return { role: roleOf(target.repository, target.tag), group: groupOf(target.repository) };
}

function roleOf(path: string, tag: string | undefined): ImageRole {
  if (isAttestationTag(tag)) return 'attestation';
  const module = moduleOfPath(path);
  if (module !== undefined) {
    const rest = path.slice(`modules/${module}`.length);
    if (rest === '/release') return 'module-release';
    if (rest.startsWith('/extra/')) return 'module-extra';
    return isDigestTag(tag) ? 'module-component' : 'module';
  }
  const pkg = packageOfPath(path);
  if (pkg !== undefined) {
    const rest = path.slice(`packages/${pkg}`.length);
    if (rest === '/version') return 'package-release';
    return rest.startsWith('/extra/') ? 'package-extra' : 'package';
  }
  if (isInstaller(path)) return 'installer';
  if (path.startsWith('security/')) return 'security-database';
  if (path === 'release-channel') return 'release-channel';
  if (path === 'install' || path === 'install-standalone') return 'install';
  return isDigestTag(tag) ? 'platform-component' : 'platform';
}

const isInstaller = (path: string) => path === 'installer' || path.startsWith('installer/');

function groupOf(path: string): string {
  const module = moduleOfPath(path);
  if (module !== undefined) return `Module ${module}`;
  const pkg = packageOfPath(path);
  if (pkg !== undefined) return `Package ${pkg}`;
  if (path.startsWith('security/')) return 'Security databases';
  if (isInstaller(path)) return 'Installer';
  return 'Platform';
}
