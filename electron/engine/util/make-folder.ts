// mkdir -p without Node's recursive mkdir, which spins forever (at full CPU) on some pseudo file
// systems: under /proc, mkdir answers ENOENT although the parent exists, and Node retries without
// end. Here each level is made once; a failure is an I/O error naming the folder.
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IoError } from '../errors.ts';

export async function makeFolder(dir: string, what = 'folder'): Promise<void> {
  const fail = (err: unknown) =>
    new IoError(
      `cannot create the ${what} ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): choose a folder you can write to`,
      { cause: err },
    );
  try {
    await mkdir(dir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (
        await stat(dir).then(
          (s) => s.isDirectory(),
          () => false,
        )
      )
        return;
      throw fail(err);
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw fail(err);
    await makeFolder(parent, what);
    await mkdir(dir).catch((again: unknown) => {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(again);
    });
  }
}
