import type { ErrorDTO } from '../../shared/errors.ts';
import { adviceFor } from '../errors.ts';

/** An error as people need it: what happened, the main process's own words, and what to do next. */
export function ErrorNotice({
  error,
  action,
}: {
  error: ErrorDTO;
  action?: { label: string; run: () => void };
}) {
  const advice = adviceFor(error.code);
  return (
    <div role="alert" className="notice error" data-code={error.code}>
      <p className="notice-title">{advice.title}</p>
      <p className="notice-message">{error.message}</p>
      <p className="notice-next">
        <strong>What to do: </strong>
        {advice.next}
      </p>
      {action && (
        <button type="button" onClick={action.run}>
          {action.label}
        </button>
      )}
    </div>
  );
}
