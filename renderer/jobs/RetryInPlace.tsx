// Retry in place (as GitHub Desktop's "one sentence plus the button that fixes it", and Harbor's
// edit-and-rerun): a failed pull or push shows the connection of the side it failed on, ready to
// correct (address, plain HTTP, certificate, login), and runs the same job again under its id. Earlier
// steps (preview, verify) are not redone, and what was already written is kept.
import { useState } from 'react';
import type { CredentialStorage, RegistryConnection } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import {
  ConnectionForm,
  emptyConnection,
  sendLogin,
  toConnection,
  type ConnectionDraft,
} from '../components/ConnectionForm.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';

export function RetryInPlace({
  jobId,
  side,
  connection,
  storage,
}: {
  jobId: string;
  side: 'source' | 'target';
  connection: RegistryConnection;
  storage: CredentialStorage;
}) {
  const [draft, setDraft] = useState<ConnectionDraft>({
    ...emptyConnection,
    registry: connection.registry,
    insecure: connection.insecure,
    tlsSkipVerify: connection.tlsSkipVerify,
    caFile: connection.caFile ?? '',
  });
  const [error, setError] = useState<ErrorDTO>();
  const retry = async () => {
    setError(undefined);
    try {
      await sendLogin(draft);
      await call('job:retry', { jobId, [side]: toConnection(draft) });
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const words = side === 'source' ? 'source registry' : 'target registry';
  return (
    <section className="retry-in-place" aria-label={`Correct the ${words} and retry`}>
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
