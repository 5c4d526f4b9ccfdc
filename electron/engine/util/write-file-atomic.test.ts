import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces a file whole, with the mode asked for, and leaves no temporary file', async () => {
    const path = join(dir, 'receipt.json');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new contents', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('new contents');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['receipt.json']);
  });

  it('lets writers of the same file race: each rename is of its own whole file', async () => {
    const path = join(dir, 'report.html');
    const bodies = Array.from({ length: 8 }, (_, i) => String(i).repeat(100_000));
    await Promise.all(bodies.map((b) => writeFileAtomic(path, b)));
    expect(bodies).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it("when the rename fails, the temporary file is removed and the error is the caller's", async () => {
    // A non-empty folder where the file should go: the bytes are written, the rename cannot replace it.
    const path = join(dir, 'in-the-way');
    mkdirSync(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
