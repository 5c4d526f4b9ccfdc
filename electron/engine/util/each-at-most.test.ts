import { describe, expect, it } from 'vitest';
import { eachAtMost } from './each-at-most.ts';

describe('eachAtMost', () => {
  it('runs every item once, never more than n at a time, and takes items lazily', async () => {
    let running = 0;
    let most = 0;
    let taken = 0;
    const seen: number[] = [];
    function* items() {
      for (let i = 0; i < 50; i++) {
        taken++;
        // Lazily: no more than the runners plus the one being handed out are ever taken ahead.
        expect(taken - seen.length).toBeLessThanOrEqual(4);
        yield i;
      }
    }
    await eachAtMost(items(), 3, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, i % 3));
      seen.push(i);
      running--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it('stops taking items once a step throws, and rejects with that error', async () => {
    const done: number[] = [];
    const run = eachAtMost([1, 2, 3, 4, 5, 6], 1, async (i) => {
      if (i === 3) throw new Error('boom');
      done.push(i);
    });
    await expect(run).rejects.toThrow('boom');
    expect(done).toEqual([1, 2]);
    const started: number[] = [];
    const many = eachAtMost([1, 2, 3, 4, 5, 6, 7, 8], 2, async (i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, 5));
      if (i === 2) throw new Error('boom');
    });
    await expect(many).rejects.toThrow('boom');
    await new Promise((r) => setTimeout(r, 30));
    // The runner beside the failing one took at most one more item after the failure.
    expect(started.length).toBeLessThanOrEqual(4);
  });
});
