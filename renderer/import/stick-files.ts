// Which stick each file of a transfer is on, or belongs on, for the Import screens: the stick map and
// the one re-copy list (missing and damaged files together, each with its stick) that lets the admin
// fetch everything in one trip across the gap.
import type { BundleSummary, VerifyResult } from '../../shared/dto.ts';
import type { MapStick, SegmentState } from '../components/StickMap.tsx';

export interface RecopyRow {
  file: string;
  problem: 'missing' | 'damaged';
  /** 0-based index into the chosen sticks; undefined when it belongs on a stick not added yet. */
  stick: number | undefined;
}

const lastPart = (path: string) =>
  path
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop() ?? path;

/** "stick 2 of 3 (FERRY 02)", as written on the labels Prepare asked for. */
export function stickName(index: number | undefined, sticks: string[]): string {
  if (index === undefined) return 'a stick not added yet';
  const folder = sticks[index] ?? '';
  const label = lastPart(folder.replace(/[\\/]ferry-[^\\/]+[\\/]?$/, ''));
  return `stick ${index + 1} of ${sticks.length}${label ? ` (${label})` : ''}`;
}

/**
 * The stick of every file: the folder it was found in; for a missing file, the stick that holds its
 * neighbours in the manifest's order (the stick plan fills sticks in that order, so a gap sits on the
 * stick around it). When the neighbours before and after are on different sticks, the earlier one is
 * named: Prepare fills a stick before it starts the next.
 */
export function stickIndexes(summary: BundleSummary, verdict?: VerifyResult): Array<number | undefined> {
  const found = (file: string, i: number) =>
    verdict?.files.find((f) => f.file === file)?.stick ?? summary.files[i]!.stick;
  const known = summary.files.map((f, i) => {
    const folder = found(f.file, i);
    const at = folder ? summary.folders.indexOf(folder) : -1;
    return at >= 0 ? at : undefined;
  });
  return known.map((k, i) => {
    if (k !== undefined) return k;
    for (let j = i - 1; j >= 0; j--) if (known[j] !== undefined) return known[j];
    for (let j = i + 1; j < known.length; j++) if (known[j] !== undefined) return known[j];
    return undefined;
  });
}

function stateOf(file: string, summary: BundleSummary, verdict?: VerifyResult): SegmentState {
  const checked = verdict?.files.find((f) => f.file === file);
  if (!checked) return summary.missing.includes(file) ? 'missing' : 'written';
  if (checked.status === 'missing') return 'missing';
  return checked.status === 'ok' ? 'verified' : 'damaged';
}

export function importMap(summary: BundleSummary, verdict?: VerifyResult): MapStick[] {
  const at = stickIndexes(summary, verdict);
  const count = Math.max(summary.folders.length, 1);
  return Array.from({ length: count }, (_, s) => ({
    label: lastPart((summary.folders[s] ?? '').replace(/[\\/]ferry-[^\\/]+[\\/]?$/, '')),
    segments: summary.files
      .filter((_, i) => at[i] === s || (at[i] === undefined && s === count - 1))
      .map((f) => ({ name: f.file, bytes: f.size, state: stateOf(f.file, summary, verdict) })),
  }));
}

/** Missing and damaged files in one list, by stick. */
export function recopyList(summary: BundleSummary, verdict?: VerifyResult): RecopyRow[] {
  const at = stickIndexes(summary, verdict);
  return summary.files
    .map((f, i) => ({ file: f.file, state: stateOf(f.file, summary, verdict), stick: at[i] }))
    .filter((r) => r.state === 'missing' || r.state === 'damaged')
    .map((r) => ({ file: r.file, problem: r.state as RecopyRow['problem'], stick: r.stick }))
    .sort((a, b) => (a.stick ?? 1e9) - (b.stick ?? 1e9) || a.file.localeCompare(b.file));
}
