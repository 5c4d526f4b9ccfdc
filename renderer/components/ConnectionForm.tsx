import { useEffect, useState } from 'react';
import type { ConnectionCheck, CredentialStorage, RegistryConnection, SavedLogin } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import type { Side } from '../errors.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { PathField } from './PathField.tsx';

export interface ConnectionDraft {
  registry: string;
  insecure: boolean;
  tlsSkipVerify: boolean;
  caFile: string;
  username: string;
  password: string;
  remember: boolean;
}

export const emptyConnection: ConnectionDraft = {
  registry: '',
  insecure: false,
  tlsSkipVerify: false,
  caFile: '',
  username: '',
  password: '',
  remember: false,
};

export function toConnection(d: ConnectionDraft): RegistryConnection {
  return {
    registry: d.registry.trim(),
    insecure: d.insecure,
    tlsSkipVerify: d.tlsSkipVerify,
    ...(d.caFile.trim() ? { caFile: d.caFile.trim() } : {}),
  };
}

/** Hands a typed login to the main process (which keeps it; the page forgets nothing it needs later). */
export async function sendLogin(d: ConnectionDraft): Promise<void> {
  if (!d.username.trim() || !d.password) return;
  await call('registry:login', {
    registry: d.registry.trim(),
    username: d.username.trim(),
    password: d.password,
    remember: d.remember,
  });
}

/**
 * After a call that used a login sent by sendLogin: if the registry refused it, the app lets go of
 * it, so a wrong password is not held and silently reused (Test connection never keeps one at all).
 */
export async function dropRefusedLogin(d: ConnectionDraft, errors: Array<{ code: string } | undefined>) {
  if (!d.username.trim() || !d.password) return;
  if (!errors.some((e) => e?.code === 'FERRY_ERR_AUTH')) return;
  await call('registry:forget', { registry: d.registry.trim() }).catch(() => undefined);
}

/** "Choose CA file…": opens the form's Connection security and puts the cursor in its CA field. */
export function revealCaField(id: Side): void {
  const field = document.getElementById(`${id}-ca`);
  const details = field?.closest('details');
  if (details) details.open = true;
  field?.focus();
}

const storageNote: Record<CredentialStorage, string> = {
  encrypted: "Kept encrypted by the operating system's keychain.",
  weak: 'This computer has no keyring: the login is kept until Ferry quits, never written to disk.',
  'session-only': 'Encryption is not available: the login is kept until Ferry quits, never written to disk.',
};

interface Props {
  /** Also the side: the Source step's form or the Target step's. */
  id: Side;
  legend: string;
  registryLabel: string;
  registryHint: string;
  value: ConnectionDraft;
  onChange: (value: ConnectionDraft) => void;
  storage: CredentialStorage;
  onChecked?: (check: ConnectionCheck) => void;
}

export function ConnectionForm({
  id,
  legend,
  registryLabel,
  registryHint,
  value,
  onChange,
  storage,
  onChecked,
}: Props) {
  const [check, setCheck] = useState<ConnectionCheck>();
  const [error, setError] = useState<ErrorDTO>();
  const [busy, setBusy] = useState(false);
  const [logins, setLogins] = useState<SavedLogin[]>([]);
  const loadLogins = () => {
    call('registry:logins', {}).then(setLogins, () => setLogins([]));
  };
  useEffect(loadLogins, []);
  // Logins belong to a registry host, whatever path follows it.
  const host = value.registry.trim().split('/')[0]?.toLowerCase() ?? '';
  const held = logins.find((l) => l.registry === host);
  const forget = async () => {
    try {
      await call('registry:forget', { registry: host });
      loadLogins();
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const set = (patch: Partial<ConnectionDraft>) => {
    setCheck(undefined);
    onChange({ ...value, ...patch });
  };
  // The typed login travels with the test and is kept by the main process only if it works.
  const test = async (draft: ConnectionDraft = value) => {
    setBusy(true);
    setError(undefined);
    setCheck(undefined);
    const typed =
      draft.username.trim() && draft.password
        ? { username: draft.username.trim(), password: draft.password, remember: draft.remember }
        : undefined;
    try {
      const result = await call('registry:test', {
        ...toConnection(draft),
        side: id,
        ...(typed ? { login: typed } : {}),
      });
      setCheck(result);
      onChecked?.(result);
    } catch (err) {
      setError(errorOf(err));
    } finally {
      loadLogins();
      setBusy(false);
    }
  };
  // The buttons an error offers: each changes the setting it names and tests again.
  const retest = (patch: Partial<ConnectionDraft>) => {
    const next = { ...value, ...patch };
    onChange(next);
    void test(next);
  };
  const fixes = {
    'use-plain-http': () => retest({ insecure: true }),
    'use-https': () => retest({ insecure: false }),
    'accept-certificate': () => retest({ tlsSkipVerify: true }),
    'choose-ca': () => revealCaField(id),
    retry: () => void test(),
  };
  return (
    <fieldset className="connection">
      <legend>{legend}</legend>
      <div className="field">
        <label htmlFor={`${id}-registry`}>{registryLabel} (required)</label>
        <input
          id={`${id}-registry`}
          type="text"
          value={value.registry}
          placeholder="registry.example.com:5000"
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-registry-hint`}
          onChange={(e) => set({ registry: e.target.value })}
          required
        />
        <p id={`${id}-registry-hint`} className="hint">
          {registryHint}
        </p>
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-user`}>User name</label>
          <input
            id={`${id}-user`}
            type="text"
            autoComplete="username"
            value={value.username}
            onChange={(e) => set({ username: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password or token</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="current-password"
            value={value.password}
            onChange={(e) => set({ password: e.target.value })}
          />
        </div>
      </div>
      {held && (
        <p className="hint held-login">
          Ferry holds a login for {held.registry} as {held.username} (
          {held.kept === 'encrypted' ? 'remembered, encrypted' : 'until Ferry quits'}): leave the password
          empty to use it.{' '}
          <button type="button" className="link" onClick={() => void forget()}>
            Forget this login
          </button>
        </p>
      )}
      <div className="checks">
        <label>
          <input
            type="checkbox"
            checked={value.remember}
            disabled={storage !== 'encrypted'}
            onChange={(e) => set({ remember: e.target.checked })}
          />
          Remember this login
        </label>
        <span className="hint">{storageNote[storage]}</span>
      </div>
      <details className="advanced">
        <summary>Connection security</summary>
        <div className="checks">
          <label>
            <input
              type="checkbox"
              checked={value.insecure}
              onChange={(e) => set({ insecure: e.target.checked })}
            />
            Plain HTTP (the registry serves no TLS)
          </label>
          <label>
            <input
              type="checkbox"
              checked={value.tlsSkipVerify}
              onChange={(e) => set({ tlsSkipVerify: e.target.checked })}
            />
            Accept any certificate (prefer a CA file)
          </label>
        </div>
        <PathField
          id={`${id}-ca`}
          label="CA certificate file (PEM)"
          kind="file"
          value={value.caFile}
          onChange={(caFile) => set({ caFile })}
          hint="For a registry whose certificate your organisation issued."
        />
      </details>
      <div className="actions">
        <button type="button" onClick={() => void test()} disabled={busy || !value.registry.trim()}>
          {busy ? 'Testing…' : 'Test connection'}
        </button>
        {check && (
          <span role="status" className="ok-text">
            ✓ {check.message} ({check.elapsedMs} ms)
          </span>
        )}
      </div>
      {error && <ErrorNotice error={error} side={id} fixes={fixes} />}
    </fieldset>
  );
}
