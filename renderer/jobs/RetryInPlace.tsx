// Retry in place (as GitHub Desktop's "one sentence plus the button that fixes it", and Harbor's
// edit-and-rerun): a failed pull or push shows why, in the words of the side it failed on, with the
// connection of that side ready to correct (address, plain HTTP, certificate, login), and runs the same
// job again under its id. Earlier steps (preview, verify) are not redone, and what was already written
// is kept.
import { useEffect, useState } from 'react';
import type { CredentialStorage, RegistryConnection } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import {
  ConnectionForm,
  dropRefusedLogin,
  emptyConnection,
  revealCaField,
  sendLogin,
  toConnection,
  type ConnectionDraft,
} from '../components/ConnectionForm.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import type { FixAction } from '../errors.ts';
import { useJob } from '../state/job-store.ts';

export function RetryInPlace({
  jobId,
  side,
  connection,
  typed = emptyConnection,
  storage,
}: {
  jobId: string;
  side: 'source' | 'target';
  connection: RegistryConnection;
  /** The form the job was started from (its login, if one was typed); empty for a reopened job. */
  typed?: ConnectionDraft;
  storage: CredentialStorage;
}) {
  const view = useJob(jobId);
  // The user name stays; a password is typed again (a refused one is not kept, see below).
  const [draft, setDraft] = useState<ConnectionDraft>({
    ...emptyConnection,
    registry: connection.registry,
    insecure: connection.insecure,
    tlsSkipVerify: connection.tlsSkipVerify,
    caFile: connection.caFile ?? '',
    username: typed.username,
  });
  // The login the last run was handed: the typed one first, then the one a retry sent.
  const [sent, setSent] = useState<ConnectionDraft>(typed);
  const [error, setError] = useState<ErrorDTO>();
  useEffect(() => {
    // A login the registry refused is let go, so it is not held and silently reused.
    if (view?.error) void dropRefusedLogin(sent, [view.error]);
  }, [view?.error]);
  const retry = async (next: ConnectionDraft = draft) => {
    setError(undefined);
    try {
      await sendLogin(next);
      setSent(next);
      await call('job:retry', { jobId, [side]: toConnection(next) });
    } catch (err) {
      setError(errorOf(err));
    }
  };
  // The buttons the failure offers: each changes the setting it names and retries at once.
  const retryWith = (patch: Partial<ConnectionDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    void retry(next);
  };
  const fixes: Partial<Record<FixAction, () => void>> = {
    'use-plain-http': () => retryWith({ insecure: true }),
    'use-https': () => retryWith({ insecure: false }),
    'accept-certificate': () => retryWith({ tlsSkipVerify: true }),
    'choose-ca': () => revealCaField(side),
    retry: () => void retry(),
  };
  const words = side === 'source' ? 'source registry' : 'target registry';
  return (
    <section className="retry-in-place" aria-label={`Correct the ${words} and retry`}>
      {view?.error && <ErrorNotice error={view.error} side={side} fixes={fixes} />}
      <ConnectionForm
        id={side}
        legend={`Correct the ${words}, then retry`}
        registryLabel={side === 'source' ? 'Source registry address' : 'Target registry and path'}
        registryHint="What you change here is used for this transfer only; nothing already written is lost."
        value={draft}
        onChange={setDraft}
        storage={storage}
      />
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => void retry()}
          disabled={!draft.registry.trim()}
        >
          Retry with these settings
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
