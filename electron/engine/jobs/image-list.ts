// Turns what the user asked for (--image flags, an images file) into copy requests. The images file is
// one reference a line (# comments), or YAML: a list (or `images:` list) of references or of
// `{ image, platforms, target }` entries, where target is `repo/path[:tag]` relative to the push root.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.ts';
import { parsePlatform } from '../oci/platform.ts';
import type { Platform } from '../oci/types.ts';
import { formatReference, parseReference, parseTargetPath } from '../ref/reference.ts';
import type { ImageRequest } from '../plan/image-graph.ts';

export function imageRequest(text: string, platforms: Platform[] = [], target?: string): ImageRequest {
  const ref = parseReference(text.trim());
  const reference = ref.digest ?? ref.tag ?? 'latest';
  let repository = ref.repository;
  let tag = ref.tag;
  if (target !== undefined) {
    const parsed = parseTargetPath(target);
    repository = parsed.repository;
    tag = parsed.tag ?? tag;
  }
  return {
    sourceText: formatReference(ref),
    source: { registry: ref.registry, repository: ref.repository, reference },
    target: tag ? { repository, tag } : { repository },
    ...(platforms.length ? { platforms } : {}),
  };
}

interface YamlEntry {
  image?: unknown;
  platforms?: unknown;
  target?: unknown;
}

function fromYamlEntry(entry: unknown, file: string, globalPlatforms: Platform[]): ImageRequest {
  if (typeof entry === 'string') return imageRequest(entry, globalPlatforms);
  const e = entry as YamlEntry;
  if (!e || typeof e.image !== 'string') {
    throw new UsageError(`${file}: every entry needs an 'image' reference (got ${JSON.stringify(entry)})`);
  }
  const platforms = Array.isArray(e.platforms)
    ? e.platforms.map((p) => parsePlatform(String(p)))
    : globalPlatforms;
  if (e.target !== undefined && typeof e.target !== 'string')
    throw new UsageError(`${file}: 'target' of ${e.image} must be a string`);
  return imageRequest(e.image, platforms, e.target);
}

export async function readImagesFile(
  file: string,
  globalPlatforms: Platform[] = [],
): Promise<ImageRequest[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read images file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  // CRLF too: a comment's `.*` stops short of a '\r', which would keep the comment as a line.
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  const looksYaml = lines.some((l) => l.startsWith('-') || l.includes(': ') || l.endsWith(':'));
  if (!looksYaml) return lines.map((l) => imageRequest(l, globalPlatforms));
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { images?: unknown } | null)?.images;
  if (!Array.isArray(list))
    throw new UsageError(`${file}: expected a list of images (or 'images:' with a list)`);
  return list.map((e) => fromYamlEntry(e, file, globalPlatforms));
}

/** The requests with repeats dropped (the same image to the same target, given twice, on the
 *  command line or in a list): each image is carried, listed and recorded once. */
export function uniqueRequests(requests: ImageRequest[]): ImageRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const key = JSON.stringify([r.source, r.target, r.platforms ?? []]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
