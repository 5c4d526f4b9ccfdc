// Numbers as people read them.
import { formatBytes } from '../shared/format.ts';

export { formatBytes };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "about 4 minutes", "less than a minute": time left as a person says it (an estimate, so rounded). */
export function timeLeftWords(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `about ${h} hour${h === 1 ? '' : 's'}${m ? ` ${m} minute${m === 1 ? '' : 's'}` : ''}`;
}

/** A progress bar's spoken value: "1.2 GiB of 3.4 GiB, about 4 minutes left" (time only when known). */
export function progressValueText(bytesDone: number, bytesTotal: number, secondsLeft?: number): string {
  const left = secondsLeft === undefined ? undefined : timeLeftWords(secondsLeft);
  return `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}${left ? `, ${left} left` : ''}`;
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

// One date format everywhere: the person's locale, the month as a word (never "01/12" read two ways)
// and the time zone, so an auditor comparing stations knows which hour is meant.
const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeFormat.format(d);
}

/** `sha256sum -c` format: the checksum file people can check chunks with on any machine. */
export function checksumFile(files: Array<{ file: string; sha256: string }>): string {
  return files.map((f) => `${f.sha256}  ${f.file}\n`).join('');
}
