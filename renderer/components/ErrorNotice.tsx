import type { ErrorDTO } from '../../shared/errors.ts';
import { explainError, fixLabels, type FixAction, type Side } from '../errors.ts';

/**
 * An error as people need it: a title, one sentence saying what happened and what to do, and the
 * buttons that do it (those this screen can offer). The main process's own words sit behind
 * "Technical details", closed, for whoever the user asks for help.
 */
export function ErrorNotice({
  error,
  action,
  side,
  fixes = {},
}: {
  error: ErrorDTO;
  action?: { label: string; run: () => void };
  /** The registry the failing request went to, when this screen knows it. */
  side?: Side;
  /** The fixes this screen can carry out. */
  fixes?: Partial<Record<FixAction, () => void>>;
}) {
  const explained = explainError(error, side ? { side } : {});
  const offered = explained.fixes.filter((fix) => fixes[fix] && !(fix === 'retry' && action));
  return (
    <div role="alert" className="notice error" data-code={error.code}>
      <p className="notice-title">{explained.title}</p>
      <p className="notice-message">{explained.sentence}</p>
      {(offered.length > 0 || action) && (
        <div className="actions">
          {offered.map((fix) => (
            <button key={fix} type="button" onClick={fixes[fix]}>
              {fixLabels[fix]}
            </button>
          ))}
          {action && (
            <button type="button" onClick={action.run}>
              {action.label}
            </button>
          )}
        </div>
      )}
      <details className="notice-details">
        <summary>Technical details</summary>
        <p className="mono">
          {error.code}: {error.message}
        </p>
      </details>
    </div>
  );
}
