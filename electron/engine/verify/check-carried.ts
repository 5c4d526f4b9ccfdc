// Verify checks the Ferry a bundle carries (`ferry pull --carry-ferry`) like any other file: each one
// the transfer manifest lists is present at its size and hashes to its SHA-256 (hashed on the worker
// threads with the chunks). A damaged file is named, so the administrator knows the tool on the
// stick is not the one the station signed, before running it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleFiles } from '../bundle/bundle-files.ts';
import type { CarriedFerryRecord } from '../bundle/transfer-manifest.ts';
import type { VerifyProblem } from './verify-report.ts';

export interface CarriedFile {
  path: string;
  size: number;
  sha256: string;
  /** Where it lies on the media. */
  location: string;
}

/** The carried files found at their size (on the first folder holding each), and problems for the rest. */
export async function locateCarried(
  media: BundleFiles,
  record: CarriedFerryRecord,
): Promise<{ present: CarriedFile[]; problems: VerifyProblem[] }> {
  const present: CarriedFile[] = [];
  const problems: VerifyProblem[] = [];
  for (const f of record.files) {
    let found: { location: string; size: number } | undefined;
    for (const dir of media.dirs) {
      const location = join(dir, ...f.path.split('/'));
      const size = await stat(location).then(
        (s) => (s.isFile() ? s.size : undefined),
        () => undefined,
      );
      if (size !== undefined) {
        found = { location, size };
        break;
      }
    }
    if (!found) {
      problems.push({
        kind: 'missing-file',
        file: f.path,
        message: `${f.path} (of the carried Ferry) is missing: copy it from the media again`,
        images: [],
      });
    } else if (found.size !== f.size) {
      problems.push({
        kind: 'size',
        file: f.path,
        message: `${f.path} (of the carried Ferry) has ${found.size} bytes, expected ${f.size}: copy it from the media again`,
        images: [],
      });
    } else {
      present.push({ ...f, location: found.location });
    }
  }
  return { present, problems };
}

export function carriedChecksumProblems(
  present: CarriedFile[],
  sums: Map<string, { sha256?: string; error?: string }>,
): VerifyProblem[] {
  return present
    .filter((f) => sums.get(f.location)?.sha256 !== f.sha256)
    .map((f) => {
      const got = sums.get(f.location);
      return {
        kind: 'checksum' as const,
        file: f.path,
        message: `${f.path} (of the carried Ferry) is damaged (SHA-256 ${got?.sha256 ?? got?.error ?? 'unreadable'}, expected ${f.sha256}): do not run it; copy it from the media again`,
        images: [],
      };
    });
}
