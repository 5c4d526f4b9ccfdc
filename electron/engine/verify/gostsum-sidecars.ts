// The `.gostsum` sidecars `d8 mirror pull --gost-digest` (and `ferry pull --gost-digest`) write beside
// every .tar and .chunk: the file's Streebog-256 as lowercase hex, nothing else. Verify checks each
// part against its sidecar and against the transfer manifest's record; a sidecar the manifest
// promises but the media lacks is reported too (the GOST check cannot be made without it).
import { readFile } from 'node:fs/promises';
import { GOSTSUM_SUFFIX } from '../bundle/archive-writer.ts';
import type { BundleFiles } from '../bundle/bundle-files.ts';
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import type { FileHashes } from '../hash/file-hash-workers.ts';
import type { VerifyProblem } from './verify-report.ts';

export interface ExpectedGostsum {
  /** The sidecar's hex (first word, lowercased), or undefined when there is no sidecar. */
  sidecar?: string;
  /** What the transfer manifest recorded. */
  recorded?: string;
}

/** Per part file: the Streebog-256 values it must have. Parts with neither a sidecar nor a record are absent. */
export async function expectedGostsums(
  media: BundleFiles,
  manifest: TransferManifest,
): Promise<Map<string, ExpectedGostsum>> {
  const out = new Map<string, ExpectedGostsum>();
  for (const part of manifest.archives.flatMap((a) => a.parts)) {
    const name = part.file + GOSTSUM_SUFFIX;
    const expected: ExpectedGostsum = {};
    const path = media.pathOf(name);
    if (path !== undefined) {
      const text = await readFile(path, 'utf8').catch(() => '');
      expected.sidecar = text.trim().split(/\s+/)[0]!.toLowerCase();
    }
    if (part.streebog256) expected.recorded = part.streebog256;
    if (expected.sidecar !== undefined || expected.recorded !== undefined) out.set(part.file, expected);
  }
  return out;
}

/** Problems for parts whose Streebog-256 disagrees with their sidecar or record, or lacks a sidecar. */
export function gostsumProblems(
  media: BundleFiles,
  manifest: TransferManifest,
  checked: Set<string>,
  expected: Map<string, ExpectedGostsum>,
  sums: Map<string, FileHashes>,
  earlier: VerifyProblem[],
): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  for (const archive of manifest.archives) {
    for (const part of archive.parts) {
      const want = expected.get(part.file);
      if (!want || !checked.has(part.file)) continue;
      const range = { start: part.start, end: part.start + part.size };
      const sidecar = part.file + GOSTSUM_SUFFIX;
      if (want.sidecar === undefined) {
        problems.push({
          kind: 'gostsum',
          file: sidecar,
          range,
          message: `${sidecar} is missing (the bundle was pulled with --gost-digest): copy it from the media again`,
          images: [],
        });
      }
      const got = sums.get(media.pathOf(part.file) ?? '')?.streebog256;
      const wrong = [want.sidecar, want.recorded].filter((v) => v !== undefined && v !== got);
      if (wrong.length === 0) continue;
      const images = earlier
        .filter(
          (p) =>
            p.kind === 'blob-digest' && p.range && p.range.start < range.end && range.start < p.range.end,
        )
        .flatMap((p) => p.images);
      const against = want.sidecar !== undefined && want.sidecar !== got ? sidecar : 'the transfer manifest';
      problems.push({
        kind: 'gostsum',
        file: part.file,
        range,
        message: `${part.file} does not match its GOST R 34.11-2012 checksum (Streebog-256 ${got ?? 'unreadable'}, ${against} says ${wrong[0]}): copy ${part.file} and ${sidecar} from the media again`,
        images: [...new Set(images)],
      });
    }
  }
  return problems;
}
