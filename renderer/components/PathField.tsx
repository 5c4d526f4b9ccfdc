import { useState } from 'react';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  kind: 'folder' | 'file';
  hint?: string;
  required?: boolean;
}

/** A path typed in, or chosen with the system's dialog (Browse…). */
export function PathField({ id, label, value, onChange, kind, hint, required }: Props) {
  const [error, setError] = useState<ErrorDTO>();
  const browse = async () => {
    setError(undefined);
    try {
      const chosen = await call('dialog:choose', {
        kind,
        title: label,
        ...(value ? { defaultPath: value } : {}),
      });
      if (chosen.path) onChange(chosen.path);
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? ' (required)' : ''}
      </label>
      <div className="path-row">
        <input
          id={id}
          type="text"
          value={value}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={hint ? `${id}-hint` : undefined}
          required={required}
        />
        <button type="button" onClick={() => void browse()}>
          Browse…
        </button>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
