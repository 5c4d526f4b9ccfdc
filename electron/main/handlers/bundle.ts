// Opening a bundle on the isolated side: one folder (the bundle, or a stick holding one ferry-<id>
// folder), or several sticks that each hold part of the chunks. For several, a staging folder of
// symbolic links joins them without copying a byte, so verify and push read straight off the sticks
// and a damaged file can be traced to the stick it is on.
import { mkdir, readdir, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleSummary, SignatureInfo } from '../../../shared/dto.ts';
import {
  BundleInvalidError,
  checkManifestSignature,
  IoError,
  MANIFEST_SIGNATURE,
  readTransferManifest,
  type SignatureCheck,
  TRANSFER_MANIFEST,
  type TransferManifest,
} from '../../engine/api.ts';

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

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/** The bundle folder in `folder`: itself, or its one `ferry-*` (or other) subfolder holding a manifest. */
export async function locateBundle(folder: string): Promise<string> {
  if (await isFile(join(folder, TRANSFER_MANIFEST))) return folder;
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (err) {
    throw new IoError(
      `cannot read ${folder} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the stick still mounted?`,
      { cause: err },
    );
  }
  const inside: string[] = [];
  for (const name of entries.sort()) {
    if (await isFile(join(folder, name, TRANSFER_MANIFEST))) inside.push(join(folder, name));
  }
  if (inside.length === 1) return inside[0]!;
  if (inside.length > 1) {
    throw new BundleInvalidError(
      `${folder} holds ${inside.length} transfers (${inside.join(', ')}): choose the folder of one of them`,
    );
  }
  throw new BundleInvalidError(
    `${folder} holds no Ferry bundle (no ${TRANSFER_MANIFEST}): choose the folder a pull wrote, or the stick with its ferry-… folder`,
  );
}

/** Every file of the bundle: the archives' parts and their .gostsum sidecars when the manifest has them. */
function bundleFiles(manifest: TransferManifest): Array<{ file: string; size: number }> {
  return manifest.archives.flatMap((a) => a.parts.map((p) => ({ file: p.file, size: p.size })));
}

export async function openBundle(folders: string[], stagingRoot: string): Promise<BundleSummary> {
  const dirs = [...new Set(await Promise.all(folders.map(locateBundle)))];
  const manifests = await Promise.all(
    dirs.map(async (d) => ({ dir: d, manifest: await readTransferManifest(d) })),
  );
  const first = manifests[0]!;
  for (const other of manifests.slice(1)) {
    if (other.manifest.transferId !== first.manifest.transferId) {
      throw new BundleInvalidError(
        `${other.dir} belongs to transfer ${other.manifest.transferId}, ${first.dir} to ${first.manifest.transferId}: choose the sticks of one transfer`,
      );
    }
  }
  const manifest = first.manifest;
  const listing = new Map<string, Set<string>>();
  for (const d of dirs) listing.set(d, new Set(await readdir(d)));
  const files = bundleFiles(manifest).map((f) => ({
    ...f,
    stick: dirs.find((d) => listing.get(d)!.has(f.file)) ?? '',
  }));
  const missing = files.filter((f) => f.stick === '').map((f) => f.file);

  let dir = first.dir;
  const holders = new Set(files.map((f) => f.stick).filter(Boolean));
  if (holders.size > 1) {
    dir = join(stagingRoot, manifest.transferId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const links = [
      { file: TRANSFER_MANIFEST, stick: first.dir },
      ...(listing.get(first.dir)!.has(MANIFEST_SIGNATURE)
        ? [{ file: MANIFEST_SIGNATURE, stick: first.dir }]
        : []),
      ...files.filter((f) => f.stick),
      ...files
        .filter((f) => f.stick && listing.get(f.stick)!.has(`${f.file}.gostsum`))
        .map((f) => ({ file: `${f.file}.gostsum`, stick: f.stick })),
    ];
    try {
      for (const l of links) await symlink(join(l.stick, l.file), join(dir, l.file));
    } catch (err) {
      throw new IoError(
        `cannot join the sticks in ${dir} (${(err as Error).message}): copy every stick's files into one folder and choose that folder`,
        { cause: err },
      );
    }
  }
  return {
    dir,
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
    missing,
    signature: signatureInfo(await checkManifestSignature(dir)),
  };
}
