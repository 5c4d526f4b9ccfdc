// A resume log: one line per finished item, appended to a file that stays open. Lines that arrive
// while a write is under way go down together in the next write, so a pull of thousands of small
// blobs no longer makes an open, a write and a close per blob (those were a fifth of the main
// thread's profile samples in a pull of 600 small images).
import { open, type FileHandle } from 'node:fs/promises';
import { toFerryError } from '../errors.ts';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class AppendLog {
  private readonly path: string;
  private handle: Promise<FileHandle> | undefined;
  private lines: string[] = [];
  private waiters: Waiter[] = [];
  /** The writes under way, until no line is left. */
  private draining: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Resolves once the line is in the file (in the page cache: a kill loses nothing written). */
  append(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.lines.push(line);
      this.waiters.push({ resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.lines.length > 0) {
      const text = `${this.lines.join('\n')}\n`;
      const waiters = this.waiters;
      this.lines = [];
      this.waiters = [];
      try {
        // writeFile, not write: it goes on after a short write (a disk filling up mid-line).
        await (await this.file()).writeFile(text);
        for (const w of waiters) w.resolve();
      } catch (err) {
        const error = toFerryError(err);
        for (const w of waiters) w.reject(error);
      }
    }
    this.draining = undefined;
  }

  /** The open file; a failed open is forgotten, so the next line tries again. */
  private file(): Promise<FileHandle> {
    this.handle ??= open(this.path, 'a').catch((err: unknown) => {
      this.handle = undefined;
      throw err;
    });
    return this.handle;
  }

  /** Closes the file once every line appended so far is written; safe to call twice. */
  async close(): Promise<void> {
    await this.draining;
    const handle = this.handle;
    this.handle = undefined;
    // A file that never opened has nothing to close; its error went to the lines' writers.
    const file = await handle?.catch(() => undefined);
    await file?.close();
  }
}
