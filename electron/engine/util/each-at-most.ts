// Runs an async step for every item with at most `n` running at once, taking items from the iterator
// only as a runner frees up. Unlike queuing one promise per item up front (p-limit over a map), what
// is held at once is `n` tasks, not one closure and promise per blob of a 70,000-blob edition.
export async function eachAtMost<T>(
  items: Iterable<T>,
  n: number,
  step: (item: T) => Promise<void>,
): Promise<void> {
  const it = items[Symbol.iterator]();
  let failed = false;
  const runner = async (): Promise<void> => {
    try {
      for (let next = it.next(); !failed && !next.done; next = it.next()) await step(next.value);
    } catch (err) {
      // The other runners finish the step they are in and take nothing more.
      failed = true;
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, runner));
}
