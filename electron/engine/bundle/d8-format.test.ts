import { describe, expect, it } from 'vitest';
import { normalizeModulesSuffix, pushRepository, withModulesSuffix } from '../deckhouse/layout-paths.ts';
import { pushTagOf } from './d8-format.ts';
import { archiveForPath, layoutTargetPath } from './d8-layout.ts';

const HEX = 'a'.repeat(64);
const entry = (annotations: Record<string, string>) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${HEX}`,
  size: 1,
  annotations,
});

describe('d8 bundle paths and tags', () => {
  it('moves the layouts of a legacy module tar under modules/<m>', () => {
    expect(layoutTargetPath('module-console.tar', '')).toBe('modules/console');
    expect(layoutTargetPath('module-console.tar', 'release')).toBe('modules/console/release');
    expect(layoutTargetPath('module-console.tar', 'extra/scanner')).toBe('modules/console/extra/scanner');
    expect(layoutTargetPath('module-console.tar', 'modules/console/release')).toBe('modules/console/release');
    expect(layoutTargetPath('platform.tar', '')).toBe('');
    expect(layoutTargetPath('installer.tar', 'installer')).toBe('installer');
  });

  it('pushes by short_tag, else the tag of ref.name, else the digest hex', () => {
    expect(
      pushTagOf(
        entry({ 'io.deckhouse.image.short_tag': 'stable', 'org.opencontainers.image.ref.name': 'r/x:v1' }),
      ),
    ).toBe('stable');
    expect(
      pushTagOf(entry({ 'org.opencontainers.image.ref.name': 'registry.example.com:5000/d8/ee:v1.2.3' })),
    ).toBe('v1.2.3');
    expect(pushTagOf(entry({ 'org.opencontainers.image.ref.name': 'v1.2.3' }))).toBe('v1.2.3');
    expect(
      pushTagOf(entry({ 'org.opencontainers.image.ref.name': `r.example.com/d8/ee@sha256:${HEX}` })),
    ).toBe(HEX);
    expect(pushTagOf(entry({}))).toBe(HEX);
  });

  it('places paths in d8 archives and maps them to the target with the modules suffix', () => {
    expect(archiveForPath('')).toBe('platform.tar');
    expect(archiveForPath('install-standalone')).toBe('platform.tar');
    expect(archiveForPath('security/trivy-db')).toBe('security.tar');
    expect(archiveForPath('modules/console/extra/scanner')).toBe('module-console.tar');
    // d8's installer.tar, package-<p>.tar and the shared package-versions.tar (pull.go, packages.go).
    expect(archiveForPath('installer')).toBe('installer.tar');
    expect(archiveForPath('packages/ingress')).toBe('package-ingress.tar');
    expect(archiveForPath('packages/ingress/extra/tool')).toBe('package-ingress.tar');
    expect(archiveForPath('packages/ingress/version')).toBe('package-versions.tar');
    expect(normalizeModulesSuffix('mods/')).toBe('/mods');
    // '/' is the edition root (d8 NormalizeModulesPath); an empty value is refused.
    expect(normalizeModulesSuffix('/')).toBe('');
    expect(withModulesSuffix('modules/console/release', '')).toBe('console/release');
    expect(() => normalizeModulesSuffix('')).toThrow(/is not a repository path: it is empty/);
    expect(withModulesSuffix('modules/console/release', '/mods')).toBe('mods/console/release');
    const mod = { archive: 'module-console.tar', target: { repository: 'modules/console' } };
    expect(pushRepository('d8/ee', mod, '/mods')).toBe('d8/ee/mods/console');
    // Generic bundles keep their paths even when one is called modules/…
    expect(
      pushRepository('mirror', { archive: 'images.tar', target: { repository: 'modules/x' } }, '/mods'),
    ).toBe('mirror/modules/x');
    expect(pushRepository('d8/ee', { archive: 'platform.tar', target: { repository: '' } }, '/modules')).toBe(
      'd8/ee',
    );
    expect(() =>
      pushRepository('', { archive: 'platform.tar', target: { repository: '' } }, '/modules'),
    ).toThrow(/<registry>\/<path>/);
  });
});
