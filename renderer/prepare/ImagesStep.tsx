import { useEffect, useRef, useState } from 'react';
import type { SelectionPreview } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { dropRefusedLogin, sendLogin } from '../components/ConnectionForm.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { explainError } from '../errors.ts';
import { PathField } from '../components/PathField.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { formatBytes } from '../format.ts';
import { imagesText } from '../../shared/counts.ts';
import { PreviewTable } from './PreviewTable.tsx';
import { DeckhouseFields } from './DeckhouseFields.tsx';
import { hasSelection, imageLines, selectionOf, type PrepareDraft } from './draft.ts';

/** The typed lines (1-based) that hold `input`. */
function linesOf(text: string, input: string): number[] {
  return text.split('\n').flatMap((l, i) => (l.replace(/#.*$/, '').trim() === input ? [i + 1] : []));
}

/**
 * What cannot be carried, by line number, in the app's words; "Carry the rest" removes those lines so
 * the others go ahead. Failures from an images file or a distribution have no line here.
 */
function LineProblems({
  failed,
  text,
  onCarryTheRest,
}: {
  failed: SelectionPreview['failed'];
  text: string;
  onCarryTheRest: (lines: Set<number>) => void;
}) {
  const rows = failed
    .map((f) => ({ ...f, lines: f.input ? linesOf(text, f.input) : [] }))
    .sort((a, b) => (a.lines[0] ?? 1e9) - (b.lines[0] ?? 1e9));
  const typed = new Set(rows.flatMap((r) => r.lines));
  return (
    <div role="alert" className="notice error line-problems">
      <p className="notice-title">
        {failed.length} image{failed.length === 1 ? '' : 's'} cannot be carried
      </p>
      <ul>
        {rows.map((f, n) => (
          <li key={n}>
            <strong>{f.lines.length ? `Line ${f.lines.join(', ')}` : 'From the file'}:</strong>{' '}
            <code>{f.input ?? f.source}</code> —{' '}
            {
              explainError(
                f.input ? { ...f.error, details: { ...f.error.details, input: f.input } } : f.error,
              ).sentence
            }
          </li>
        ))}
      </ul>
      <p className="notice-message">
        Fix these lines and the preview updates, or leave them out and carry the rest.
      </p>
      {typed.size > 0 && (
        <div className="actions">
          <button type="button" onClick={() => onCarryTheRest(typed)}>
            Carry the rest: remove {typed.size === 1 ? 'this line' : `these ${typed.size} lines`}
          </button>
        </div>
      )}
    </div>
  );
}

/** What to carry, with a live preview: resolved against the registry as the person types. */
export function ImagesStep({
  draft,
  set,
}: {
  draft: PrepareDraft;
  set: (patch: Partial<PrepareDraft>) => void;
}) {
  const [error, setError] = useState<ErrorDTO>();
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);
  const selection = selectionOf(draft);
  // Everything the preview depends on, the login aside (it is sent along each time).
  const key = JSON.stringify({ ...selection, source: undefined });

  const refresh = async () => {
    const mine = ++generation.current;
    if (!hasSelection(draft)) {
      set({ preview: undefined });
      setError(undefined);
      return;
    }
    setBusy(true);
    try {
      await sendLogin(draft.source);
      const preview = await call('images:preview', selection);
      await dropRefusedLogin(
        draft.source,
        preview.failed.map((f) => f.error),
      );
      if (mine !== generation.current) return;
      set({ preview });
      setError(undefined);
    } catch (err) {
      await dropRefusedLogin(draft.source, [errorOf(err)]);
      if (mine !== generation.current) return;
      set({ preview: undefined });
      setError(errorOf(err));
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  };

  useEffect(() => {
    const timer = setTimeout(() => void refresh(), 600);
    return () => clearTimeout(timer);
  }, [key]);

  const preview = draft.preview;
  const lineCount = imageLines(draft.images).length;
  return (
    <section>
      <StepHeading>What do you want to carry?</StepHeading>
      <fieldset>
        <legend>Source of the list</legend>
        <div className="checks inline">
          <label>
            <input
              type="radio"
              name="what"
              checked={draft.what === 'images'}
              onChange={() => set({ what: 'images', preview: undefined })}
            />
            Image references or an images file
          </label>
          <label>
            <input
              type="radio"
              name="what"
              checked={draft.what === 'deckhouse'}
              onChange={() => set({ what: 'deckhouse', preview: undefined })}
            />
            A Deckhouse distribution (channels, modules, filters)
          </label>
        </div>
      </fieldset>
      {draft.what === 'deckhouse' ? (
        <DeckhouseFields
          value={draft.deckhouse}
          onChange={(deckhouse) => set({ deckhouse })}
          registry={draft.source.registry}
        />
      ) : (
        <>
          <div className="field">
            <label htmlFor="images">Image references, one per line</label>
            <textarea
              id="images"
              rows={6}
              spellCheck={false}
              value={draft.images}
              placeholder={'vendor/app:1.5.0\nquay.io/org/tool@sha256:…'}
              aria-describedby="images-hint"
              onChange={(e) => set({ images: e.target.value })}
            />
            <p id="images-hint" className="hint">
              Names without a registry host come from {draft.source.registry || 'the source registry'}.
            </p>
          </div>
          <PathField
            id="images-file"
            label="Or an images file"
            kind="file"
            value={draft.imagesFile}
            onChange={(imagesFile) => set({ imagesFile })}
            hint="One reference a line, or YAML with platforms and target paths (the format the command line reads)."
          />
        </>
      )}
      <div className="row">
        <div className="field">
          <label htmlFor="platforms">Only these platforms</label>
          <input
            id="platforms"
            type="text"
            placeholder="all (whole multi-arch indexes)"
            value={draft.platforms}
            aria-describedby="platforms-hint"
            onChange={(e) => set({ platforms: e.target.value })}
          />
          <p id="platforms-hint" className="hint">
            e.g. linux/amd64, linux/arm64. Empty keeps every platform and the index digests unchanged.
          </p>
        </div>
        <div className="checks">
          <label>
            <input
              type="checkbox"
              checked={draft.signatures}
              onChange={(e) => set({ signatures: e.target.checked })}
            />
            Carry signatures, attestations and SBOMs
          </label>
        </div>
      </div>
      <div className="actions">
        <button type="button" onClick={() => void refresh()} disabled={busy}>
          {busy ? 'Checking…' : 'Refresh preview'}
        </button>
        <span role="status" className="status-text">
          {busy
            ? `Asking the registry about ${lineCount} line${lineCount === 1 ? '' : 's'}…`
            : preview
              ? `${imagesText(preview.images.length)} ready${preview.failed.length ? `, ${preview.failed.length} cannot be carried` : ''} · ${formatBytes(preview.totalBytes)} to carry`
              : ''}
        </span>
      </div>
      {error && <ErrorNotice error={error} />}
      {preview && preview.failed.length > 0 && (
        <LineProblems
          failed={preview.failed}
          text={draft.images}
          onCarryTheRest={(lines) =>
            set({
              images: draft.images
                .split('\n')
                .filter((_, i) => !lines.has(i + 1))
                .join('\n'),
            })
          }
        />
      )}
      {preview?.deckhouse && (
        <dl className="review deckhouse-plan">
          <div>
            <dt>Channels</dt>
            <dd>
              {preview.deckhouse.channels.map((c) => `${c.channel} ${c.version}`).join(' · ') ||
                'not read (one version)'}
            </dd>
          </div>
          <div>
            <dt>Platform versions</dt>
            <dd>{preview.deckhouse.versions.join(', ') || '—'}</dd>
          </div>
          <div>
            <dt>Modules</dt>
            <dd>
              {preview.deckhouse.modules.map((m) => `${m.name} (${m.versions.join(', ')})`).join('; ') || '—'}
            </dd>
          </div>
          <div>
            <dt>Security databases</dt>
            <dd>{preview.deckhouse.securityDatabases.join(', ') || '—'}</dd>
          </div>
        </dl>
      )}
      {preview && preview.images.length > 0 && <PreviewTable preview={preview} />}
    </section>
  );
}
