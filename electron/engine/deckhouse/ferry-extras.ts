// What a Ferry Deckhouse pull carries beyond `d8 mirror pull` (deckhouse-cli 4c2e288), each named in
// the plan and each switched off with `--no-extra <name>` (or all with `--no-extra all`), so a bundle
// can be sized like a d8 run for media that were sized from one. The reasons Ferry carries them are
// in docs/deckhouse.md ("Intentional differences").
import { UsageError } from '../errors.ts';

export const FERRY_EXTRAS = {
  /** An LTS release older than rock-solid: d8 drops the release and keeps only release-channel:lts. */
  'lts-version': 'the LTS release even when older than rock-solid',
  /** The lower bound of a ^/~ module or platform range: d8 counts only >=, <= and = as anchors. */
  'range-anchors': 'the lower bound of ^ and ~ ranges',
  /** Images from images_digests.json beside a non-empty images_tags.json: d8 reads only the tags then. */
  'both-installer-lists': "the installer's images_digests.json beside its images_tags.json",
  /** `:C`, `install:C`, `install-standalone:C` channel tags: d8 (4c2e288) tags only release-channel:C. */
  'channel-tags': 'channel tags on the root, install and install-standalone images',
} as const;

export type FerryExtra = keyof typeof FERRY_EXTRAS;

const names = Object.keys(FERRY_EXTRAS) as FerryExtra[];

/** The extras left on after `--no-extra` (names, or 'all'); an unknown name is a usage error. */
export function extrasFrom(noExtra: readonly string[] = []): Set<FerryExtra> {
  const off = new Set<string>();
  for (const text of noExtra.flatMap((t) => t.split(',')).map((t) => t.trim())) {
    if (text === 'all') for (const n of names) off.add(n);
    else if ((names as string[]).includes(text)) off.add(text);
    else throw new UsageError(`--no-extra '${text}' is not one of ${[...names, 'all'].join(', ')}`);
  }
  return new Set(names.filter((n) => !off.has(n)));
}
