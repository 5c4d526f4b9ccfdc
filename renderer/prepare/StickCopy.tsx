import { useEffect, useState } from 'react';
import type { Drive, StickPlan } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { EjectButton } from '../components/EjectButton.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PathField } from '../components/PathField.tsx';
import { ProgressPanel } from '../components/ProgressPanel.tsx';
import { StickMap, type MapStick, type SegmentState } from '../components/StickMap.tsx';
import { formatBytes } from '../format.ts';
import { useJob } from '../state/job-store.ts';

/**
 * The plan as a map: sticks already copied are checked (the copy reads every file back and hashes it),
 * the one being copied fills up as its bytes are written, the rest are planned.
 */
export function copyMap(plan: StickPlan, current: number, bytesDone: number, labels: string[]): MapStick[] {
  return plan.sticks.map((s, i) => {
    let written = i === current ? bytesDone : 0;
    return {
      capacityBytes: plan.stickBytes,
      current: i === current,
      ...(labels[i] ? { label: labels[i] } : {}),
      segments: s.files.map((f) => {
        let state: SegmentState = i < current ? 'verified' : 'planned';
        if (i === current && written >= f.size) {
          state = 'written';
          written -= f.size;
        }
        return { name: f.file, bytes: f.size, state };
      }),
    };
  });
}

/** Copies a bundle onto several sticks, one at a time, prompting for each swap. */
export function StickCopy({ bundleDir, plan }: { bundleDir: string; plan: StickPlan }) {
  const [current, setCurrent] = useState(0);
  const [destination, setDestination] = useState('');
  const [drives, setDrives] = useState<Drive[]>([]);
  const [jobId, setJobId] = useState<string>();
  const [error, setError] = useState<ErrorDTO>();
  // The drive each copied stick was (when it was chosen from the list): its label, and what Eject needs.
  const [copiedTo, setCopiedTo] = useState<Array<Drive | undefined>>([]);
  const view = useJob(jobId);
  const stick = plan.sticks[current];

  const refresh = () => {
    call('media:list', {}).then(
      (l) => setDrives(l.drives),
      () => setDrives([]),
    );
  };
  useEffect(refresh, [current]);
  useEffect(() => {
    if (view?.status !== 'succeeded') return;
    const drive = drives.find((d) => d.mountPoint === destination.trim());
    setCopiedTo((c) => Object.assign([...c], { [current]: drive }));
    setJobId(undefined);
    setDestination('');
    setCurrent((c) => c + 1);
  }, [view?.status]);

  const last = current > 0 ? copiedTo[current - 1] : undefined;
  const copy = async () => {
    if (!stick) return;
    setError(undefined);
    try {
      const started = await call('job:copy', {
        bundleDir,
        destination: destination.trim(),
        stick: stick.index,
        files: stick.files.map((f) => f.file),
      });
      setJobId(started.jobId);
    } catch (err) {
      setError(errorOf(err));
    }
  };

  return (
    <section className="stick-copy" aria-labelledby="stick-copy-title">
      <h3 id="stick-copy-title">Copy onto {plan.sticks.length} stick(s)</h3>
      <StickMap
        caption="Sticks: copied and checked, being written, still to copy"
        sticks={copyMap(
          plan,
          current,
          view?.status === 'running' ? view.bytesDone : 0,
          copiedTo.map((d) => d?.label ?? ''),
        )}
      />
      <ol className="stick-list">
        {plan.sticks.map((s, i) => (
          <li key={s.index} className={i < current ? 'done' : i === current ? 'current' : 'todo'}>
            Stick {s.index}: {s.files.length} file(s), {formatBytes(s.bytes)}
            {i < current ? ' — copied, read back and checked; eject it safely' : ''}
          </li>
        ))}
      </ol>
      {last && (
        <EjectButton
          key={current}
          drive={last}
          label={`Eject stick ${current} (${last.label})`}
          ejectedText={(label) =>
            `Stick ${current} (${label}) is ejected: unplug it and label it "${current} of ${plan.sticks.length}".`
          }
          onEjected={refresh}
        />
      )}
      {stick ? (
        <div className="stick-step">
          <p role="status">
            {current > 0
              ? `Eject stick ${current} safely, label it "${current} of ${plan.sticks.length}", then `
              : ''}
            Insert stick {stick.index} of {plan.sticks.length} and choose it.
          </p>
          {drives.length > 0 && (
            <div className="field">
              <label htmlFor="stick-drive">Mounted drives</label>
              <select id="stick-drive" value={destination} onChange={(e) => setDestination(e.target.value)}>
                <option value="">Choose a drive…</option>
                {drives.map((d) => (
                  <option key={d.id} value={d.mountPoint}>
                    {d.label} ({formatBytes(d.freeBytes)} free, {d.filesystem})
                  </option>
                ))}
              </select>
            </div>
          )}
          <PathField
            id="stick-folder"
            label={`Folder on stick ${stick.index}`}
            kind="folder"
            value={destination}
            onChange={setDestination}
          />
          <div className="actions">
            <button type="button" onClick={refresh}>
              Refresh drives
            </button>
            <button
              type="button"
              className="primary"
              disabled={!destination.trim() || view?.status === 'running'}
              onClick={() => void copy()}
            >
              Copy to stick {stick.index}
            </button>
          </div>
          {jobId && (
            <ProgressPanel
              view={view}
              items={stick.files.map((f) => f.file)}
              itemLabel="Files"
              canPause={false}
            />
          )}
          {error && <ErrorNotice error={error} />}
        </div>
      ) : (
        <>
          <p role="status" className="ok-text">
            All {plan.sticks.length} stick(s) are written, read back and checked. Eject the last one before
            you unplug it.
          </p>
          {error && <ErrorNotice error={error} />}
        </>
      )}
    </section>
  );
}
