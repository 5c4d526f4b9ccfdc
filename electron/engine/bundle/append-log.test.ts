import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AppendLog } from './append-log.ts';
import { FerryError } from '../errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-append-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The prototype of Node's own FileHandle, to count the writes made through it. */
async function fileHandlePrototype(): Promise<object> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as object;
}

describe('AppendLog', () => {
  it('appends to what an earlier run left, each line readable once its append resolves', async () => {
    const path = join(dir, 'blobs.done');
    writeFileSync(path, 'sha256:old\n');
    const log = new AppendLog(path);
    await log.append('sha256:a');
    expect(readFileSync(path, 'utf8')).toBe('sha256:old\nsha256:a\n');
    await log.append('sha256:b');
    expect(readFileSync(path, 'utf8')).toBe('sha256:old\nsha256:a\nsha256:b\n');
    await log.close();
  });

  it('writes lines that arrive together in a few writes, not one each', async () => {
    const write = vi.spyOn((await fileHandlePrototype()) as { writeFile: () => unknown }, 'writeFile');
    const path = join(dir, 'many.done');
    const log = new AppendLog(path);
    const lines = Array.from({ length: 500 }, (_, i) => `sha256:${i}`);
    await Promise.all(lines.map((line) => log.append(line)));
    await log.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).sort()).toEqual([...lines].sort());
    // The first line goes alone; everything appended meanwhile goes in the next write.
    expect(write.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('fails every waiting line with a FerryError when the file cannot be opened, and opens again later', async () => {
    const path = join(dir, 'not-yet', 'parts.done');
    const log = new AppendLog(path);
    const failed = await Promise.allSettled([log.append('one'), log.append('two')]);
    for (const f of failed) {
      expect(f.status).toBe('rejected');
      expect((f as PromiseRejectedResult).reason).toBeInstanceOf(FerryError);
    }
    mkdirSync(join(dir, 'not-yet'));
    await log.append('three');
    await log.close();
    expect(readFileSync(path, 'utf8')).toBe('three\n');
  });
});
