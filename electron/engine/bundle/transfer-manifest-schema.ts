// The transfer manifest is the one document that crosses the air gap, and it is read before (and
// whether or not) its signature is checked, so every field is hostile until this schema accepts it:
// known members only, every number whole and non-negative, digests and checksums in their exact
// form, and every name a path is built from confined — file and archive names are plain names in
// the bundle folder, layout and repository paths are relative registry paths with no '..'.
import {
  array,
  boolean,
  integer,
  object,
  oneOf,
  optional,
  string,
  ValidationError,
  type Validator,
} from '../../../shared/validate.ts';
import { pathProblem } from '../ref/grammar.ts';

const MANY = 10_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const digest = string({ pattern: /^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/ });
const hex64OrNone = string({ pattern: /^([a-f0-9]{64})?$/, max: 64 });
const count = integer();
/** A file directly in the bundle folder: no separators, not '.' or '..'. */
const fileName = string({ min: 1, max: 255, pattern: /^(?!\.\.?$)[A-Za-z0-9._-]+$/ });
const archiveName = string({ min: 5, max: 255, pattern: /^(?!\.)[A-Za-z0-9._-]+\.tar$/ });
const text = string({ max: 4096 });

/** A registry path relative to the push root ('' for the root itself), by the reference grammar. */
const relativePath: Validator<string> = (value, path) => {
  const s = string({ max: 255 })(value, path);
  const problem = s === '' ? undefined : pathProblem(s);
  if (problem) throw new ValidationError(path, `is not a relative repository path (${problem})`);
  return s;
};

const artifact = object({
  kind: oneOf(['sig', 'att', 'sbom', 'referrers-index', 'referrer'] as const),
  subject: digest,
  tag: optional(string({ min: 1, max: 128 })),
  digest,
  mediaType: text,
});

const image = object({
  source: text,
  digest,
  mediaType: text,
  size: count,
  platforms: array(string({ max: 128 }), { max: 1000 }),
  target: object({ repository: relativePath, tag: optional(string({ min: 1, max: 128 })) }),
  archive: archiveName,
  layout: relativePath,
  artifacts: array(artifact, { max: MANY }),
  contents: array(digest, { max: MANY }),
});

const archive = object({
  name: archiveName,
  size: count,
  chunked: boolean,
  parts: array(
    object({
      file: fileName,
      index: count,
      start: count,
      size: count,
      sha256: hex64OrNone,
      streebog256: optional(hex64OrNone),
    }),
    { min: 1, max: MANY },
  ),
  layouts: array(relativePath, { max: MANY }),
});

const blob = object({ digest, size: count, archive: archiveName, layout: relativePath, offset: count });

const omitted = object({
  digest,
  size: count,
  registry: text,
  repositories: array(relativePath, { max: 10_000 }),
  receipt: text,
});

/** A path the carried Ferry occupies: the top launchers, or a file inside a distribution folder. */
const carriedPath = string({
  max: 512,
  pattern:
    /^(ferry|ferry\.cmd|ferry-[0-9A-Za-z.+~-]+-(linux|darwin|win)-(x64|arm64)(\/(?!\.)[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+)$/,
});

const carriedFerry = object({
  platforms: array(
    object({
      platform: string({ pattern: /^(linux|darwin|win)-(x64|arm64)$/ }),
      version: string({ pattern: /^[0-9A-Za-z.+~-]{1,64}$/ }),
      folder: string({ pattern: /^ferry-[0-9A-Za-z.+~-]+-(linux|darwin|win)-(x64|arm64)$/ }),
    }),
    { min: 1, max: 16 },
  ),
  files: array(object({ path: carriedPath, size: count, sha256: string({ pattern: /^[a-f0-9]{64}$/ }) }), {
    min: 1,
    max: 100_000,
  }),
});

export const transferManifestShape = object({
  format: oneOf(['ferry-bundle'] as const),
  formatVersion: count,
  transferId: string({ pattern: UUID }),
  createdAt: string({ max: 64 }),
  tool: object({ name: oneOf(['ferry'] as const), version: string({ max: 64 }) }),
  chunkSize: optional(count),
  images: array(image, { max: MANY }),
  archives: array(archive, { max: MANY }),
  blobs: array(blob, { max: MANY }),
  totals: object({ images: count, blobs: count, blobBytes: count, archiveBytes: count, files: count }),
  omitted: optional(array(omitted, { max: MANY })),
  carriedFerry: optional(carriedFerry),
  skipped: optional(
    array(object({ item: text, reason: text, refused: optional(oneOf(['signature'] as const)) }), {
      max: MANY,
    }),
  ),
  trustedRoot: optional(
    object({ sha256: string({ pattern: /^[a-f0-9]{64}$/ }), json: string({ max: 4 * 1024 * 1024 }) }),
  ),
  station: optional(object({ fingerprint: string({ pattern: /^SHA256:[A-Za-z0-9+/]{43}$/ }) })),
});

/** What the shape cannot say: every name refers to an archive listed, and each archive's parts tile it. */
export function consistencyProblem(m: ReturnType<typeof transferManifestShape>): string | undefined {
  const names = new Set(m.archives.map((a) => a.name));
  if (names.size !== m.archives.length) return 'two archives have the same name';
  for (const a of m.archives) {
    let start = 0;
    for (const [i, p] of a.parts.entries()) {
      if (p.index !== i || p.start !== start) return `${a.name}: part ${i} does not follow the one before`;
      start += p.size;
    }
    if (start !== a.size) return `${a.name}: its parts hold ${start} bytes, not ${a.size}`;
  }
  const stray = [...m.images, ...m.blobs].find((x) => !names.has(x.archive));
  if (stray) return `${stray.digest} lies in ${stray.archive}, which the manifest does not list`;
  return m.carriedFerry ? carriedProblem(m.carriedFerry) : undefined;
}

/** Each carried folder is its platform's and version's; each carried file lies in one of them, once. */
function carriedProblem(c: NonNullable<ReturnType<typeof transferManifestShape>['carriedFerry']>) {
  for (const p of c.platforms)
    if (p.folder !== `ferry-${p.version}-${p.platform}`)
      return `carriedFerry: ${p.folder} is not ${p.platform}'s`;
  if (new Set(c.platforms.map((p) => p.platform)).size !== c.platforms.length)
    return 'carriedFerry lists a platform twice';
  const folders = new Set(c.platforms.map((p) => p.folder));
  const paths = new Set<string>();
  for (const f of c.files) {
    if (paths.has(f.path)) return `carriedFerry lists ${f.path} twice`;
    paths.add(f.path);
    const top = f.path.split('/')[0]!;
    if (f.path !== 'ferry' && f.path !== 'ferry.cmd' && !folders.has(top))
      return `carriedFerry: ${f.path} lies outside the folders it lists`;
  }
  return undefined;
}
