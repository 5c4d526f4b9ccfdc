// A transfer's story in two lanes: the connected side (pulls) and the isolated side (checks and
// pushes), one mark per operation in time order, coloured by outcome, each saying when, how long,
// against which registry and who ran it. Replaces the sentence of arrows an auditor had to read.
import type { TransferRow } from '../../shared/dto.ts';
import { formatDuration, formatTime } from '../format.ts';

type Operation = TransferRow['operations'][number];

const lanes: Array<{ id: 'connected' | 'isolated'; title: string; kinds: Operation['kind'][] }> = [
  { id: 'connected', title: 'Connected side', kinds: ['pull'] },
  { id: 'isolated', title: 'Isolated side', kinds: ['verify', 'push'] },
];

const kindWords: Record<Operation['kind'], string> = { pull: 'Pull', verify: 'Check', push: 'Push' };

export function TransferTimeline({ row }: { row: TransferRow }) {
  const ordered = row.operations.map((o, n) => ({ ...o, n: n + 1 }));
  return (
    <section className="timeline" aria-label="Timeline">
      <h2>Timeline</h2>
      {lanes.map((lane) => {
        const ops = ordered.filter((o) => lane.kinds.includes(o.kind));
        return (
          <div key={lane.id} className={`lane lane-${lane.id}`}>
            <h3 className="lane-title">{lane.title}</h3>
            {ops.length === 0 ? (
              <p className="lane-empty">Nothing recorded on this station.</p>
            ) : (
              <ol className="lane-ops">
                {ops.map((o) => (
                  <li key={o.n} className={`lane-op op-${o.outcome}`} data-kind={o.kind}>
                    <span className="op-dot" aria-hidden="true" />
                    <span className="op-name">
                      {o.n}. {kindWords[o.kind]} — {o.outcome}
                    </span>
                    <span className="op-when">
                      {formatTime(o.startedAt)}
                      {o.seconds !== undefined ? ` · took ${formatDuration(o.seconds)}` : ''}
                    </span>
                    {o.registries && o.registries.length > 0 && (
                      <span className="op-where mono">
                        {o.kind === 'push' ? 'to ' : 'from '}
                        {o.registries.join(', ')}
                      </span>
                    )}
                    {o.operator && (
                      <span className="op-who">
                        by {o.operator}
                        {o.host ? ` on ${o.host}` : ''}
                      </span>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </div>
        );
      })}
    </section>
  );
}
