// deckhousereleases.yaml out of a bundle: the release-channel images of its platform versions are
// read where they travel (Ferry's or d8's archives), so the file a pull writes beside the bundle and
// the one `ferry push --deckhouse-releases` writes on the isolated side are the same, and the latter
// comes from verified images rather than from an unsigned file on the stick.
import { BundleSource } from '../bundle/bundle-source.ts';
import { openBundle } from '../bundle/open-bundle.ts';
import { deckhouseReleases, type DeckhouseReleases } from '../deckhouse/deckhouse-releases.ts';
import { sortVersionTags, versionOfTag } from '../deckhouse/versions.ts';

const RELEASE_CHANNEL = 'release-channel';

/** The DeckhouseReleases of every platform version the bundle carries (none: an empty `yaml`). */
export async function bundleDeckhouseReleases(
  bundleDir: string | readonly string[],
  signal?: AbortSignal,
): Promise<DeckhouseReleases> {
  const opened = await openBundle(bundleDir);
  try {
    const versions = sortVersionTags(
      new Set(
        opened.manifest.images.flatMap((i) =>
          i.target.repository === RELEASE_CHANNEL && i.target.tag && versionOfTag(i.target.tag)
            ? [i.target.tag]
            : [],
        ),
      ),
    );
    if (versions.length === 0) return { yaml: '', versions: [], problems: [] };
    return await deckhouseReleases(await BundleSource.of(opened), RELEASE_CHANNEL, versions, signal);
  } finally {
    await opened.close();
  }
}
