// Opening a bundle on the isolated side, for the import wizard: one folder (the bundle, or a stick
// holding one ferry-<id> folder), or several sticks that each hold part of the chunks — Ferry's
// bundles and d8's alike. The engine's openBundle joins the sticks as it reads, so verify and push
// read straight off them and a damaged file is traced to the stick it is on; nothing is copied or
// linked on disk.
import type { BundleSummary, Drive, FoundBundle, SignatureInfo } from '../../../shared/dto.ts';
import { countImages } from '../../../shared/counts.ts';
import {
  bundleFoldersIn,
  checkManifestSignature,
  openBundle as openEngineBundle,
  type SignatureCheck,
  type TransferManifest,
} from '../../engine/api/bundles.ts';

export function signatureInfo(check: SignatureCheck): SignatureInfo {
  switch (check.status) {
    case 'signed':
      return {
        status: 'signed',
        fingerprint: check.fingerprint,
        ...(check.signedAt ? { signedAt: check.signedAt } : {}),
      };
    case 'unsigned':
      return { status: 'unsigned' };
    case 'invalid':
      return {
        status: 'invalid',
        reason: check.reason,
        ...(check.fingerprint ? { fingerprint: check.fingerprint } : {}),
      };
  }
}

/** Every file of the bundle: the archives' parts. */
function bundleFiles(manifest: TransferManifest): Array<{ file: string; size: number }> {
  return manifest.archives.flatMap((a) => a.parts.map((p) => ({ file: p.file, size: p.size })));
}

/** What the import wizard shows of a bundle: one folder, or several sticks the engine joins. */
export async function openBundle(folders: string[]): Promise<BundleSummary> {
  const opened = await openEngineBundle(folders);
  await opened.close();
  const { manifest, files: media } = opened;
  const files = bundleFiles(manifest).map((f) => ({ ...f, stick: media.folderOf(f.file) ?? '' }));
  return {
    folders: media.dirs,
    transferId: manifest.transferId,
    createdAt: manifest.createdAt,
    tool: `${manifest.tool.name} ${manifest.tool.version}`,
    totals: manifest.totals,
    images: manifest.images.map((i) => ({
      source: i.source,
      digest: i.digest,
      target: `${i.target.repository}${i.target.tag ? `:${i.target.tag}` : `@${i.digest}`}`,
      platforms: i.platforms,
    })),
    files,
    missing: files.filter((f) => f.stick === '').map((f) => f.file),
    signature: signatureInfo(await checkManifestSignature(opened.manifestDir)),
  };
}

/**
 * The transfers on the mounted drives, for Import to offer: every bundle folder on each drive (a
 * stick may hold two transfers: each is its own choice), with how many of its files this drive holds.
 * A folder that cannot be opened is left out: the person can still choose it by hand and read why.
 */
export async function findBundles(drives: Drive[]): Promise<FoundBundle[]> {
  const found: FoundBundle[] = [];
  for (const drive of drives) {
    const folders = await bundleFoldersIn(drive.mountPoint).catch(() => []);
    for (const folder of folders) {
      try {
        const opened = await openEngineBundle([folder]);
        await opened.close();
        const files = bundleFiles(opened.manifest);
        found.push({
          drive: drive.label,
          mountPoint: drive.mountPoint,
          folder: opened.files.dirs[0] ?? folder,
          transferId: opened.manifest.transferId,
          createdAt: opened.manifest.createdAt,
          images: countImages(opened.manifest.images),
          filesHere: files.filter((f) => opened.files.has(f.file)).length,
          filesTotal: files.length,
        });
      } catch {
        // not a transfer Ferry can open: not offered
      }
    }
  }
  return found;
}
