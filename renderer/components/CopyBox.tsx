import { useRef, useState } from 'react';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

/** A block of text to copy to the clipboard or save as a file (YAML, receipts, checksums). */
export function CopyBox({
  id,
  label,
  text,
  fileName,
}: {
  id: string;
  label: string;
  text: string;
  fileName: string;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<ErrorDTO>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied to the clipboard.');
    } catch {
      area.current?.select();
      setStatus('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  const save = async () => {
    setError(undefined);
    try {
      const saved = await call('dialog:save', {
        title: `Save ${label}`,
        suggestedName: fileName,
        content: text,
      });
      setStatus(saved.path ? `Saved to ${saved.path}` : 'Not saved.');
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <div className="copy-box">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={area}
        readOnly
        value={text}
        rows={Math.min(14, text.split('\n').length + 1)}
        spellCheck={false}
      />
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={() => void save()}>
          Save as file…
        </button>
        <span role="status" className="status-text">
          {status}
        </span>
      </div>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
