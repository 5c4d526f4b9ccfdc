// The image lists Deckhouse ships inside its images: `images_digests.json` ({module: {image: digest}}
// in the installer, {image: digest} in a module), `images_tags.json` (same shape, tags) and a module's
// `extra_images.json` ({name: tag}). Digests are found anywhere in the document, as d8 does with its
// sha256 pattern, so a new nesting level in a future release does not lose images.
import { RegistryError } from '../errors.ts';
import { pathComponentRegExp } from '../ref/grammar.ts';
import { isValidTag } from '../ref/reference.ts';
import { byCodeUnits } from '../util/code-unit-order.ts';

const digestPattern = /^sha256:[a-f0-9]{64}$/;

function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) leaves(v, out);
  return out;
}

/** Every sha256 digest named in an images_digests.json document, once each, sorted. */
export function digestsIn(doc: unknown): string[] {
  return [...new Set(leaves(doc).filter((s) => digestPattern.test(s)))].sort();
}

/** Every tag named in an images_tags.json document (values that are valid tags), once each, sorted. */
export function tagsIn(doc: unknown): string[] {
  return [...new Set(leaves(doc).filter((s) => !digestPattern.test(s) && isValidTag(s)))].sort();
}

export interface ExtraImage {
  name: string;
  tag: string;
}

/**
 * extra_images.json: `{ "<name>": "<tag>" }` (a number is read as its decimal tag, e.g. 2024). An
 * entry that is neither, or names no valid image, is handed to `skip` (d8's reader passes over
 * other types: modules.go `default: continue`) and left out.
 */
export function extraImagesIn(
  doc: unknown,
  where: string,
  skip: (entry: string, why: string) => void,
): ExtraImage[] {
  if (doc === undefined) return [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RegistryError(`${where}: extra_images.json is not an object of name → tag`);
  }
  const out: ExtraImage[] = [];
  for (const [name, raw] of Object.entries(doc as Record<string, unknown>)) {
    const tag = typeof raw === 'number' ? String(raw) : raw;
    if (typeof tag !== 'string' || !isValidTag(tag) || !pathComponentRegExp.test(name)) {
      skip(JSON.stringify(name), `${JSON.stringify(raw)} is not a name and a tag`);
      continue;
    }
    out.push({ name, tag });
  }
  return out.sort((a, b) => byCodeUnits(a.name, b.name) || byCodeUnits(a.tag, b.tag));
}
