// What a pull may do to the folder it writes into. Ferry deletes only files it wrote: the parts a
// finished transfer manifest lists (with their sidecars), and, for an interrupted pull, whatever
// was not in the folder when that pull first touched it (recorded in its state before the first
// file is created). A user's own `backup.tar` beside a bundle is never Ferry's, whatever its name.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  readTransferManifest,
  TRANSFER_MANIFEST,
  type TransferManifest,
} from '../bundle/transfer-manifest.ts';
import { BundleNotEmptyError } from '../errors.ts';
import { MANIFEST_SIGNATURE } from '../signing/manifest-signature.ts';
import { makeFolder } from '../util/make-folder.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';
import { CARRIED_NAME } from '../distribution/carry.ts';
import { LOCK_FILE } from './folder-lock.ts';

export const STATE_DIR = '.ferry-pull';
/** In the state folder: the files that were in the bundle folder before the pull began. */
const FOUND = 'found.json';

/** Names Ferry writes into a bundle folder; only candidates: ownership is decided below. */
// (writeFileAtomic's temporaries, `.<name>.<12 hex>.tmp`, are left behind by a crash mid-write.)
const ferryName =
  /^(.+\.tar(\.\d{4,}\.chunk)?(\.tmp|\.gostsum)?|ferry-manifest(\.sig)?\.json(\.tmp)?|\..+\.[0-9a-f]{12}\.tmp)$/;
/** A name Ferry may have written: an archive part, the manifest, or the Ferry it carries. */
const isFerryName = (name: string) => ferryName.test(name) || CARRIED_NAME.test(name);
/** Ferry's own fixed names, Ferry's whoever finds them. */
const fixedNames = new Set([TRANSFER_MANIFEST, MANIFEST_SIGNATURE]);

/** The finished transfer manifest in `dir`, if there is a readable one. */
export async function finishedManifest(dir: string): Promise<TransferManifest | undefined> {
  return readTransferManifest(dir).catch(() => undefined);
}

/** Files the finished bundle lists: its parts, their sidecars and temporaries. */
function listedBy(manifest: TransferManifest): Set<string> {
  const out = new Set<string>();
  for (const a of manifest.archives)
    for (const p of a.parts) for (const n of [p.file, `${p.file}.gostsum`, `${p.file}.tmp`]) out.add(n);
  // The carried Ferry: its top-level folders and launchers.
  for (const f of manifest.carriedFerry?.files ?? []) out.add(f.path.split('/')[0]!);
  return out;
}

/** The user's files in the folder: recorded by the interrupted pull, else all a finished bundle does not list. */
async function usersFiles(entries: string[], stateDir: string, manifest: TransferManifest | undefined) {
  const recorded = await readFile(join(stateDir, FOUND), 'utf8').then(
    (t) => JSON.parse(t) as unknown,
    () => undefined,
  );
  if (Array.isArray(recorded)) return new Set(recorded.filter((n): n is string => typeof n === 'string'));
  const listed = manifest ? listedBy(manifest) : new Set<string>();
  return new Set(entries.filter((n) => !fixedNames.has(n) && !listed.has(n)));
}

export interface FolderPlan {
  force: boolean;
  resume: boolean;
  /** The folder holds this pull's finished manifest and its state: only signing and recording are left. */
  finishing: boolean;
}

/** Refuses a folder holding anything but Ferry's own resumable work, unless --force (which keeps the user's files). */
export async function prepareFolder(dir: string, stateDir: string, plan: FolderPlan): Promise<void> {
  await makeFolder(dir, 'bundle folder');
  const entries = (await readdir(dir)).filter((n) => n !== STATE_DIR && n !== LOCK_FILE);
  const manifest = entries.includes(TRANSFER_MANIFEST) ? await finishedManifest(dir) : undefined;
  const users = await usersFiles(entries, stateDir, manifest);
  const foreign = entries.filter((n) => users.has(n) || !isFerryName(n));
  const finished = entries.includes(TRANSFER_MANIFEST) && !plan.finishing;
  if (!plan.force && (foreign.length > 0 || finished)) {
    throw new BundleNotEmptyError(
      `${dir} is not empty (${finished ? 'it holds a finished bundle' : `it holds ${foreign[0]}`}): choose an empty folder or pass --force to write beside it`,
    );
  }
  if (plan.force || !plan.resume) {
    await rm(stateDir, { recursive: true, force: true });
    // Recursive: a carried Ferry is a folder.
    for (const n of entries.filter((e) => isFerryName(e) && !users.has(e)))
      await rm(join(dir, n), { recursive: true, force: true });
  }
  await makeFolder(stateDir, 'resume state folder');
  // Before the first file is written, so a kill at any later moment leaves the record behind.
  if (plan.force || !plan.resume || !(await readFile(join(stateDir, FOUND)).catch(() => undefined)))
    await writeFileAtomic(join(stateDir, FOUND), JSON.stringify([...users].sort()));
}
