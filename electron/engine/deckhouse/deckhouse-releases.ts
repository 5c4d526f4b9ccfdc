// deckhousereleases.yaml, as d8 writes it (platform/deckhouse_releases.go): one DeckhouseRelease
// (deckhouse.io/v1alpha1) per platform version, built from that version's release-channel image —
// `version.json` gives `requirements` and `disruptions` (those of the version's X.Y), `changelog.yaml`
// the changelog — `approved: false`, and the changelog link d8 writes. The air-gapped update of an
// older cluster applies it (`kubectl apply -f deckhousereleases.yaml`). Keys are sorted, as d8's
// JSON-to-YAML marshalling sorts them; d8's empty `status` and null `creationTimestamp` are left
// out (the API server ignores both on apply).
import { parse, stringify } from 'yaml';
import type { BlobSource } from '../store/store.ts';
import { readImageFiles } from './image-files.ts';
import { versionOfTag } from './versions.ts';

export const DECKHOUSE_RELEASES_FILE = 'deckhousereleases.yaml';
const CHANGELOG_LINK_BASE = 'https://github.com/deckhouse/deckhouse/releases/tag';

export interface DeckhouseReleases {
  yaml: string;
  /** Versions that have a DeckhouseRelease. */
  versions: string[];
  /** Versions left out, and why (d8 warns and goes on). */
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One `---` document per version; `repository` holds the release-channel images (`<root>/release-channel`). */
export async function deckhouseReleases(
  store: BlobSource,
  repository: string,
  versions: string[],
  signal?: AbortSignal,
): Promise<DeckhouseReleases> {
  const out: DeckhouseReleases = { yaml: '', versions: [], problems: [] };
  for (const version of versions) {
    const semver = versionOfTag(version);
    if (!semver) {
      out.problems.push(`${version}: not a version`);
      continue;
    }
    let files: Map<string, Buffer>;
    try {
      files = await readImageFiles(store, repository, version, ['version.json', 'changelog.yaml'], signal);
    } catch (err) {
      out.problems.push(`${repository}:${version}: ${(err as Error).message}`);
      continue;
    }
    let release: unknown;
    let changelog: unknown;
    try {
      release = parse(files.get('version.json')?.toString('utf8') ?? '{}') as unknown;
      changelog = parse(files.get('changelog.yaml')?.toString('utf8') ?? '{}') as unknown;
    } catch (err) {
      out.problems.push(`${repository}:${version}: ${(err as Error).message}`);
      continue;
    }
    const info = isRecord(release) ? release : {};
    const disruptions = isRecord(info.disruptions)
      ? info.disruptions[`${semver.major}.${semver.minor}`]
      : undefined;
    const spec: Record<string, unknown> = { version, changelogLink: `${CHANGELOG_LINK_BASE}/${version}` };
    if (isRecord(info.requirements) && Object.keys(info.requirements).length)
      spec.requirements = info.requirements;
    if (Array.isArray(disruptions) && disruptions.length) spec.disruptions = disruptions;
    if (isRecord(changelog) && Object.keys(changelog).length) spec.changelog = changelog;
    const doc = {
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'DeckhouseRelease',
      metadata: { name: version },
      approved: false,
      spec,
    };
    out.yaml += `---\n${stringify(doc, { sortMapEntries: true })}`;
    out.versions.push(version);
  }
  return out;
}
