// Go-style durations ('30s', '5m', '1h30m', '250ms'), the format of d8's D8_MIRROR_TIMEOUT.
import { UsageError } from '../errors.ts';

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds in a Go duration string; a bare number is seconds. UsageError when malformed. */
export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < trimmed.length) {
    part.lastIndex = pos;
    const match = part.exec(trimmed);
    if (match === null) break;
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? 0);
    pos = part.lastIndex;
  }
  if (trimmed === '' || pos !== trimmed.length) {
    throw new UsageError(`invalid ${what} '${text}': use a Go duration such as 90s, 5m or 1h30m`);
  }
  return Math.round(total);
}

/** The timeout from D8_MIRROR_TIMEOUT when set, else undefined. */
export function timeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.D8_MIRROR_TIMEOUT;
  return value === undefined || value === '' ? undefined : parseDuration(value, 'D8_MIRROR_TIMEOUT');
}
