import { describe, expect, it } from 'vitest';
import { jsonFileText } from './json-file-text.ts';

const joined = (value: unknown, depth?: number) => [...jsonFileText(value, depth)].join('');

describe('jsonFileText', () => {
  it('joins into exactly JSON.stringify(value, null, 2) and a newline, whatever the depth', () => {
    const doc = {
      format: 'ferry-bundle',
      empty: {},
      none: [],
      skipped: undefined,
      fn: () => 1,
      when: new Date(0),
      nested: { deep: { deeper: [1, { a: 'line\nbreak' }] } },
      images: [
        { source: 'r/a:1', contents: ['sha256:1', 'sha256:2'], gone: undefined },
        undefined,
        null,
        'text',
        [[], {}],
      ],
      bytes: Buffer.from('ab'),
    };
    for (const depth of [0, 1, 2, 3, 6]) expect(joined(doc, depth)).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    for (const v of [null, 1, 'x', [], {}, [undefined]])
      expect(joined(v)).toBe(`${JSON.stringify(v, null, 2)}\n`);
  });

  it('hands a large document on in pieces of about a MiB, never as one string', () => {
    const blobs = Array.from({ length: 40_000 }, (_, i) => ({
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      size: i,
      archive: 'images.tar',
      offset: i * 512,
    }));
    const pieces = [...jsonFileText({ blobs })];
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan((1 << 20) + 1000);
    expect(pieces.join('')).toBe(`${JSON.stringify({ blobs }, null, 2)}\n`);
  });
});
