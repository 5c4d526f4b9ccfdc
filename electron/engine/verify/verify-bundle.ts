// The isolated side's first question: is everything on the sticks, intact?
//  1. the chunk set is complete (a gap is named) and every part has its size;
//  2. every part's SHA-256 (and Streebog-256 with .gostsum sidecars) is computed on worker threads,
//     one per core, and compared with the transfer manifest — every byte of the bundle is hashed;
//  3. meanwhile, on this thread, every archive is walked by its tar headers and every layout from
//     its index.json: each manifest and index hashed against its digest and parsed, each blob it
//     references present;
//  4. blob contents are hashed one by one where that adds knowledge: in a part whose checksum
//     failed (to name the damaged blob and its images), in bundles that record no part checksums
//     (a d8 bundle), and everywhere with `deep`. Otherwise a blob's bytes are proven by the part
//     checksum, recorded when the pull wrote them after checking the blob's digest — so each byte is
//     hashed once, not twice. (Push checks every blob's digest again as it uploads.)
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { BundleFiles } from '../bundle/bundle-files.ts';
import type { OpenedBundle } from '../bundle/open-bundle.ts';
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import { hashFiles } from '../hash/file-hash-workers.ts';
import { ArchiveCheck } from './check-archive.ts';
import { carriedChecksumProblems, locateCarried } from './check-carried.ts';
import { checkFiles } from './check-files.ts';
import { expectedGostsums, gostsumProblems } from './gostsum-sidecars.ts';
import type { VerifyProblem, VerifyReport } from './verify-report.ts';

export type { ProblemKind, VerifyProblem, VerifyReport } from './verify-report.ts';

export interface VerifyOptions {
  /** Also re-hash every blob on its own (a second full read of the bundle). */
  deep?: boolean;
  signal?: AbortSignal;
  onEvent?: JobEventListener;
}

/** Verifies an opened bundle (its owner closes it). */
export async function verifyBundle(bundle: OpenedBundle, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const { files: media, manifest } = bundle;
  // An incremental bundle leaves out blobs the target registry already holds: not missing.
  const omitted = new Set((manifest.omitted ?? []).map((o) => o.digest));
  const imagesNeeding = (digest: string) =>
    manifest.images.filter((i) => i.contents.includes(digest)).map((i) => i.source);
  const imagesIn = (archive: string, start: number, end: number): string[] => {
    const digests = new Set(
      manifest.blobs
        .filter((b) => b.archive === archive && b.offset < end && start < b.offset + Math.max(b.size, 1))
        .map((b) => b.digest),
    );
    return manifest.images
      .filter((i) => i.archive === archive && i.contents.some((d) => digests.has(d)))
      .map((i) => i.source);
  };

  // 1. (and the Ferry the bundle carries, if it does)
  const { files, readable, present, problems } = await checkFiles(media, manifest, imagesIn);
  const carried = manifest.carriedFerry
    ? await locateCarried(media, manifest.carriedFerry)
    : { present: [], problems: [] };
  problems.push(...carried.problems);

  // 2. (running on workers while 3. runs here)
  const gost = await expectedGostsums(media, manifest);
  const partPaths = present;
  const hashing = hashFiles(
    [...partPaths.map((p) => p.path), ...carried.present.map((f) => f.location)],
    partPaths.filter((p) => gost.has(p.file)).map((p) => p.path),
  );

  // 3.
  emit({ type: 'phase', phase: 'verify', message: `checking ${manifest.archives.length} archive(s)` });
  const checks = new Map<string, ArchiveCheck>();
  const ctx = { omitted, imagesNeeding, ...(options.signal ? { signal: options.signal } : {}) };
  for (const [name, parts] of readable) {
    const check = new ArchiveCheck(name, media.reader(name, parts), ctx);
    checks.set(name, check);
    const indexed = await check.index(
      media.index(name, parts),
      () => imagesIn(name, 0, Infinity),
      () => media.unsafeEntries(name, parts),
    );
    if (!indexed) continue;
    await check.checkManifests();
    const recorded = manifest.archives.find((a) => a.name === name)?.parts.every((p) => p.sha256 !== '');
    if (options.deep || !recorded) await check.hashBlobs(() => true);
  }

  // 4. Parts whose checksums failed: hash their blobs to say which ones, and which images, are hurt.
  const sums = await hashing;
  for (const archive of manifest.archives) {
    const check = checks.get(archive.name);
    if (!check) continue;
    for (const part of archive.parts) {
      const got = sums.get(media.pathOf(part.file) ?? '');
      const gostWanted = gost.get(part.file);
      const shaBad = part.sha256 !== '' && got?.sha256 !== part.sha256;
      const gostBad =
        gostWanted !== undefined &&
        [gostWanted.sidecar, gostWanted.recorded].some((v) => v !== undefined && v !== got?.streebog256);
      if (shaBad || gostBad) await check.hashBlobs(check.overlaps(part.start, part.start + part.size));
    }
  }
  for (const check of checks.values()) problems.push(...check.problems);
  problems.push(...checksumProblems(media, manifest, files, sums, problems, checks, imagesIn));
  problems.push(
    ...gostsumProblems(media, manifest, new Set(partPaths.map((p) => p.file)), gost, sums, problems),
  );
  const carriedDamage = carriedChecksumProblems(carried.present, sums);
  problems.push(...carriedDamage);

  // Every image's own manifest is in its archive (a d8 bundle's index.json may name one that is not).
  for (const image of manifest.images) {
    const check = checks.get(image.archive);
    if (!check || check.found.has(image.digest) || omitted.has(image.digest)) continue;
    problems.push({
      kind: 'missing-blob',
      digest: image.digest,
      message: `${image.archive}${image.layout ? `:${image.layout}` : ''}: index.json lists ${image.digest}, which is not in the bundle`,
      images: [image.source],
    });
  }

  const hurt = new Set(problems.flatMap((p) => p.images));
  const all = [...checks.values()];
  return {
    ok: problems.length === 0,
    transferId: manifest.transferId,
    files,
    images: manifest.images.map((i) => ({
      source: i.source,
      digest: i.digest,
      target: `${i.target.repository}${i.target.tag ? `:${i.target.tag}` : `@${i.digest}`}`,
      ok: !hurt.has(i.source),
    })),
    blobsChecked:
      all.reduce((n, c) => n + c.blobCount, 0) - problems.filter((p) => p.kind === 'blob-digest').length,
    bytesChecked:
      partPaths.reduce((n, p) => n + p.size, 0) +
      carried.present.reduce((n, f) => n + f.size, 0) +
      all.reduce((n, c) => n + c.bytesHashed, 0),
    ...(manifest.carriedFerry
      ? {
          carriedFerry: {
            platforms: manifest.carriedFerry.platforms.map((p) => p.platform),
            version: manifest.carriedFerry.platforms[0]!.version,
            files: manifest.carriedFerry.files.length,
            intact: carried.problems.length === 0 && carriedDamage.length === 0,
          },
        }
      : {}),
    problems,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Parts whose SHA-256 differs from the manifest; images hurt are the ones the blob checks named. */
function checksumProblems(
  media: BundleFiles,
  manifest: TransferManifest,
  files: VerifyReport['files'],
  sums: Map<string, { sha256?: string; error?: string }>,
  earlier: VerifyProblem[],
  checks: Map<string, ArchiveCheck>,
  imagesIn: (archive: string, start: number, end: number) => string[],
): VerifyProblem[] {
  const out: VerifyProblem[] = [];
  for (const archive of manifest.archives) {
    for (const part of archive.parts) {
      const f = files.find((x) => x.file === part.file);
      // Missing and wrong-size parts are named already and were not hashed.
      if (f?.status !== 'ok') continue;
      const got = sums.get(media.pathOf(part.file) ?? '');
      // A d8 bundle records no SHA-256: its parts are checked by their blobs and .gostsum sidecars.
      if (part.sha256 === '' || got?.sha256 === part.sha256) continue;
      const range = { start: part.start, end: part.start + part.size };
      f.status = 'checksum';
      // In an archive that could be walked, the damaged blobs name the images hurt; in one missing a
      // part, every image with content in this range may be.
      const images = checks.has(archive.name)
        ? earlier
            .filter(
              (p) =>
                p.kind === 'blob-digest' && p.range && p.range.start < range.end && range.start < p.range.end,
            )
            .flatMap((p) => p.images)
        : imagesIn(archive.name, range.start, range.end);
      out.push({
        kind: 'checksum',
        file: part.file,
        range,
        message: `${part.file} is damaged (SHA-256 ${got?.sha256 ?? got?.error ?? 'unreadable'}, expected ${part.sha256}; bytes ${range.start}-${range.end} of ${archive.name}): copy it from the media again`,
        // If every blob in this range hashed correctly, the damage lies in tar padding: no image is hurt.
        images: [...new Set(images)],
      });
    }
  }
  return out;
}
