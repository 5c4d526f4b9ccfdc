// Sizes as people write them: 734003200, 700MiB, 4GiB, 4G (= 4 × 1000^3, as d8's -c), 1.5GB.
import { UsageError } from '../errors.ts';

const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
  t: 1e12,
  tb: 1e12,
  tib: 2 ** 40,
};

export function parseSize(text: string, flag = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? units[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    throw new UsageError(`${flag} '${text}' is not a size: use bytes or a unit, e.g. 700MiB, 4GiB, 4G`);
  }
  return Math.floor(parseFloat(m[1]!) * factor);
}
