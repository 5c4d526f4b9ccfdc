// Images files written on Windows (CRLF line ends) read like any other: comments dropped, in plain
// lists and in YAML alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImagesFile } from './image-list.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(text: string): Promise<string[]> {
  const file = join(dir, 'images.txt');
  writeFileSync(file, text);
  return (await readImagesFile(file)).map((r) => r.sourceText);
}

describe('images files with CRLF line ends', () => {
  it('drops whole-line and trailing comments in a plain list', async () => {
    expect(await read('# the apps\r\nreg.example.com/a:1 # pinned\r\n\r\nreg.example.com/b:2\r\n')).toEqual([
      'reg.example.com/a:1',
      'reg.example.com/b:2',
    ]);
  });

  it('reads a YAML list the same way', async () => {
    expect(await read('images:\r\n  # the app\r\n  - reg.example.com/a:1\r\n')).toEqual([
      'reg.example.com/a:1',
    ]);
  });
});
