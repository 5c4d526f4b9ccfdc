// Files other programs (or the other side of the air gap) read are written whole or not at all:
// the bytes go to `<path>.tmp` first and are renamed into place, so nobody ever sees half a file.
import { rename, writeFile } from 'node:fs/promises';

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, data, mode === undefined ? undefined : { mode });
  await rename(tmp, path);
}
