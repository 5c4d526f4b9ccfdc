// Verify, step 1: every file the transfer manifest lists is on the media at its size, and no chunk
// from another bundle sits among them. Missing and short files are named with the byte range they
// held and the images whose content lay there.
import { chunkFileName, type ArchivePart } from '../bundle/archive-parts.ts';
import type { BundleFiles } from '../bundle/bundle-files.ts';
import type { TransferManifest } from '../bundle/transfer-manifest.ts';
import type { VerifyProblem, VerifyReport } from './verify-report.ts';

export interface FilesCheck {
  files: VerifyReport['files'];
  /** Archives whose every part is present at its size: the ones that can be read. */
  readable: Map<string, ArchivePart[]>;
  /**
   * Every part present at its size, in any archive: all of them are checksummed, even in an archive
   * another part of which is missing, so one pass finds all the damage (one trip back, not two).
   */
  present: ArchivePart[];
  problems: VerifyProblem[];
}

export async function checkFiles(
  media: BundleFiles,
  manifest: TransferManifest,
  imagesIn: (archive: string, start: number, end: number) => string[],
): Promise<FilesCheck> {
  const files: VerifyReport['files'] = [];
  const readable = new Map<string, ArchivePart[]>();
  const present: ArchivePart[] = [];
  const problems: VerifyProblem[] = [];
  for (const archive of manifest.archives) {
    const parts: ArchivePart[] = [];
    let intact = true;
    for (const part of archive.parts) {
      const size = await media.sizeOf(part.file);
      const folder = media.dirs.length > 1 ? media.folderOf(part.file) : undefined;
      const on = folder === undefined ? {} : { folder };
      const range = { start: part.start, end: part.start + part.size };
      const images = () => imagesIn(archive.name, range.start, range.end);
      if (size < 0) {
        intact = false;
        files.push({ file: part.file, size: part.size, status: 'missing' });
        problems.push({
          kind: 'missing-file',
          file: part.file,
          range,
          message: `${part.file} is missing (bytes ${range.start}-${range.end} of ${archive.name}): copy it from the media again`,
          images: images(),
        });
      } else if (size !== part.size) {
        intact = false;
        files.push({ file: part.file, size, status: 'size', ...on });
        problems.push({
          kind: 'size',
          file: part.file,
          range,
          message: `${part.file} has ${size} bytes, expected ${part.size}: copy it from the media again`,
          images: images(),
        });
      } else {
        files.push({ file: part.file, size, status: 'ok', ...on });
      }
      const located = {
        file: part.file,
        path: media.pathOf(part.file) ?? '',
        start: part.start,
        size: part.size,
      };
      parts.push(located);
      if (size === part.size) present.push(located);
    }
    // Chunks beyond the last one listed would mean a different bundle was copied over this one.
    const extra = chunkFileName(archive.name, archive.parts.length);
    if (archive.chunked && media.has(extra)) {
      problems.push({
        kind: 'archive',
        file: extra,
        message: `${extra} is not part of this bundle (transfer ${manifest.transferId}): remove it`,
        images: [],
      });
    }
    // Both forms of one archive: a reader of the folder cannot tell which is the bundle's (d8's
    // reader refuses it), so neither is trusted.
    const other = archive.chunked ? archive.name : chunkFileName(archive.name, 0);
    if (media.has(other)) {
      problems.push({
        kind: 'archive',
        file: other,
        message: `${archive.name} is present both whole and as chunks in ${media.where}: keep the one this bundle lists (${archive.chunked ? 'the chunks' : archive.name}) and remove ${other}`,
        images: [],
      });
    }
    if (intact) readable.set(archive.name, parts);
  }
  return { files, readable, present, problems };
}
