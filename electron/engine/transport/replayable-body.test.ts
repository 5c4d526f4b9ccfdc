import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixedChunks, ReplayableBody } from './replayable-body.ts';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

const parts = (...sizes: number[]): Buffer[] => {
  let n = 0;
  return sizes.map((size) => Buffer.from(Array.from({ length: size }, () => n++ % 256)));
};

describe('ReplayableBody', () => {
  it('replays what an abandoned body read, then continues from the source', async () => {
    const input = parts(3, 4, 5);
    const body = new ReplayableBody(Readable.from(input), 100);
    const first = body.body();
    expect((await first.next()).value).toEqual(input[0]);
    expect(body.consumed).toBe(3);
    expect(body.replayable).toBe(true);
    const second = Buffer.concat(await collect(body.body()));
    expect(second.equals(Buffer.concat(input))).toBe(true);
  });

  it('stops being replayable once more than the window was read, and keeps nothing', async () => {
    const body = new ReplayableBody(Readable.from(parts(6, 6)), 8);
    const first = body.body();
    await first.next();
    expect(body.replayable).toBe(true);
    await first.next();
    expect(body.replayable).toBe(false);
    expect(() => body.body()).toThrow(/replay window/);
  });

  it('remembers the error the source threw', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('ok');
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('disk read failed');
      })(),
    );
    const body = new ReplayableBody(failing, 100);
    await expect(collect(body.body())).rejects.toThrow('disk read failed');
    expect(body.failed).toBe(true);
    expect((body.error as Error).message).toBe('disk read failed');
  });
});

describe('fixedChunks', () => {
  it('regroups any piece sizes into exact chunks with a short last one', async () => {
    const input = parts(1, 7, 2, 10, 3);
    const chunks = await collect(fixedChunks(Readable.from(input), 5));
    expect(chunks.map((c) => c.length)).toEqual([5, 5, 5, 5, 3]);
    expect(Buffer.concat(chunks).equals(Buffer.concat(input))).toBe(true);
    expect(await collect(fixedChunks(Readable.from([]), 5))).toEqual([]);
  });
});
