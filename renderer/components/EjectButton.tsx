import { useState } from 'react';
import type { Drive } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

/**
 * Ejects a stick in the drive list (media:eject: unmount, then power off), then says what to do with
 * it; a busy stick is one sentence (close what uses it). Stick copy and the Done step of a pull written
 * straight onto one stick both offer it.
 */
export function EjectButton({
  drive,
  label,
  ejectedText,
  onEjected,
}: {
  drive: Drive;
  /** The button's words, e.g. "Eject stick 1 (FERRY 01)". */
  label: string;
  /** What to say once it is ejected, given the stick's label. */
  ejectedText: (driveLabel: string) => string;
  onEjected?: () => void;
}) {
  const [ejected, setEjected] = useState('');
  const [error, setError] = useState<ErrorDTO>();
  const eject = async () => {
    setError(undefined);
    try {
      const done = await call('media:eject', { mountPoint: drive.mountPoint });
      setEjected(ejectedText(done.label));
      onEjected?.();
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <div className="actions eject">
      {ejected ? (
        <p role="status" className="ok-text">
          {ejected}
        </p>
      ) : (
        <button type="button" className="primary" onClick={() => void eject()}>
          {label}
        </button>
      )}
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
