// What a Deckhouse pull must carry, computed from the seed alone (never from Ferry's output): every
// destination `<path>:<tag>` with the digest it must point at. Paths are relative to the edition
// root ('' is the root itself), as in d8's bundle layouts and in the target registry.
import type { DeckhouseSeed, ReleaseChannel } from '../harness/seed-deckhouse.ts';

export interface ExpectedTag {
  path: string;
  tag: string;
  digest: string;
}

export const key = (t: ExpectedTag): string => `${t.path}:${t.tag}@${t.digest}`;

const hex = (digest: string) => digest.slice('sha256:'.length);

function nestedDigests(doc: unknown): string[] {
  if (typeof doc === 'string') return [doc];
  if (doc && typeof doc === 'object') return Object.values(doc).flatMap(nestedDigests);
  return [];
}

/** Platform images for `versions`, and channel tags `aliases` (channel → version). */
export function expectedPlatform(
  seed: DeckhouseSeed,
  versions: string[],
  aliases: Partial<Record<ReleaseChannel, string>>,
): ExpectedTag[] {
  const out: ExpectedTag[] = [];
  const perVersion = (v: string, tag: string) => {
    out.push({ path: '', tag, digest: seed.platform[v]!.digest });
    out.push({ path: 'install', tag, digest: seed.install[v]!.digest });
    if (seed.installStandalone[v])
      out.push({ path: 'install-standalone', tag, digest: seed.installStandalone[v].digest });
    out.push({ path: 'release-channel', tag, digest: seed.releaseChannel[v]!.digest });
  };
  for (const v of versions) {
    perVersion(v, v);
    for (const d of nestedDigests(seed.installImagesDigests[v]))
      out.push({ path: '', tag: hex(d), digest: d });
  }
  for (const [channel, v] of Object.entries(aliases)) perVersion(v, channel);
  return dedupe(out);
}

export function expectedSecurity(seed: DeckhouseSeed): ExpectedTag[] {
  return Object.entries(seed.security).map(([db, image]) => ({
    path: `security/${db}`,
    tag: image.tags[0]!,
    digest: image.digest,
  }));
}

/** A module's images for `versions`, its release tags `channels` (channel → version) and extras. */
export function expectedModule(
  seed: DeckhouseSeed,
  name: string,
  versions: string[],
  channels: Partial<Record<ReleaseChannel, string>>,
): ExpectedTag[] {
  const m = seed.modules[name]!;
  const path = `modules/${name}`;
  const out: ExpectedTag[] = [];
  for (const v of versions) {
    out.push({ path, tag: v, digest: m.images[v]!.digest });
    out.push({ path: `${path}/release`, tag: v, digest: m.release[v]!.digest });
    for (const d of Object.values(m.imagesDigests[v]!)) out.push({ path, tag: hex(d), digest: d });
    for (const [extra, tag] of Object.entries(m.extraImages[v] ?? {})) {
      const image = m.extra.find(
        (e) => e.repository === `${m.repository}/extra/${extra}` && e.tags.includes(tag),
      )!;
      out.push({ path: `${path}/extra/${extra}`, tag, digest: image.digest });
    }
  }
  for (const [channel, v] of Object.entries(channels)) {
    out.push({ path: `${path}/release`, tag: channel, digest: m.release[v]!.digest });
  }
  return dedupe(out);
}

/** The channel → version map of a module or the platform, as a plain object. */
export function channelMap(
  channels: Record<ReleaseChannel, string>,
): Partial<Record<ReleaseChannel, string>> {
  return { ...channels };
}

function dedupe(tags: ExpectedTag[]): ExpectedTag[] {
  return [...new Map(tags.map((t) => [`${t.path}:${t.tag}`, t])).values()];
}
