// The sticks as a picture: one bar per stick, each file on it a segment as wide as its share of the
// stick, coloured by state; the free space is left hatched. The same map is the estimate on Media,
// the swap guide on Stick copy, the re-copy list on Import and a block in History. Colour is never
// the only cue: missing segments are outlined, damaged ones striped, each segment has a tooltip, and
// each stick has a one-line summary in words that screen readers read instead of the bars.
import { formatBytes } from '../format.ts';

export type SegmentState = 'planned' | 'written' | 'verified' | 'missing' | 'damaged';

export interface MapSegment {
  /** The file (a chunk or a whole archive). */
  name: string;
  bytes: number;
  state: SegmentState;
}

export interface MapStick {
  /** What is written on the stick's label ("FERRY 01"), if known. */
  label?: string;
  /** The stick's size, when the real stick is known; otherwise the bar is as wide as its files. */
  capacityBytes?: number;
  segments: MapSegment[];
  /** The stick to insert now (Stick copy). */
  current?: boolean;
}

export const stateWords: Record<SegmentState, string> = {
  planned: 'planned',
  written: 'written',
  verified: 'checked',
  missing: 'missing',
  damaged: 'damaged',
};

const order: SegmentState[] = ['planned', 'written', 'verified', 'missing', 'damaged'];

function summary(stick: MapStick, index: number, count: number): string {
  const bytes = stick.segments.reduce((n, s) => n + s.bytes, 0);
  const states = order
    .map((state) => [state, stick.segments.filter((s) => s.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${stateWords[state]}`);
  const name = `Stick ${index + 1} of ${count}${stick.label ? ` (${stick.label})` : ''}`;
  const size = stick.capacityBytes ? ` of ${formatBytes(stick.capacityBytes)}` : '';
  return `${name}: ${stick.segments.length} file${stick.segments.length === 1 ? '' : 's'}, ${formatBytes(bytes)}${size}${states.length ? ` — ${states.join(', ')}` : ''}`;
}

export function StickMap({ sticks, caption }: { sticks: MapStick[]; caption: string }) {
  const used = sticks.map((s) => s.segments.reduce((n, seg) => n + seg.bytes, 0));
  // Bars share one scale, so a fuller stick looks fuller: the largest stick (or fill) is full width.
  const scale = Math.max(1, ...sticks.map((s, i) => s.capacityBytes ?? used[i]!));
  const present = new Set(sticks.flatMap((s) => s.segments.map((seg) => seg.state)));
  return (
    <figure className="stick-map" aria-label={caption}>
      <figcaption>{caption}</figcaption>
      <ol className="stick-bars">
        {sticks.map((stick, i) => {
          const total = Math.max(1, stick.capacityBytes ?? used[i] ?? 0);
          const width = (total / scale) * 100;
          return (
            <li key={i} className={`stick-row${stick.current ? ' current' : ''}`} data-stick={i + 1}>
              <span className="stick-name" aria-hidden="true">
                {i + 1} of {sticks.length}
                {stick.label ? ` · ${stick.label}` : ''}
              </span>
              <span className="stick-bar" style={{ width: `${Math.max(width, 8)}%` }} aria-hidden="true">
                {stick.segments.map((seg) => (
                  <span
                    key={seg.name}
                    className={`segment segment-${seg.state}`}
                    data-state={seg.state}
                    data-file={seg.name}
                    title={`${seg.name} · ${formatBytes(seg.bytes)} · ${stateWords[seg.state]}`}
                    style={{ flexBasis: `${(seg.bytes / total) * 100}%` }}
                  />
                ))}
              </span>
              <span className="visually-hidden">{summary(stick, i, sticks.length)}</span>
            </li>
          );
        })}
      </ol>
      <ul className="stick-legend" aria-hidden="true">
        {order
          .filter((state) => present.has(state))
          .map((state) => (
            <li key={state}>
              <span className={`segment segment-${state}`} /> {stateWords[state]}
            </li>
          ))}
      </ul>
    </figure>
  );
}
