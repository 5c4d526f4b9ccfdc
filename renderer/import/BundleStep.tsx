import { useEffect, useState } from 'react';
import type { BundleSummary, FoundBundle } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PathField } from '../components/PathField.tsx';
import { SignatureLine } from '../components/SignatureLine.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { StickMap } from '../components/StickMap.tsx';
import { formatBytes, formatTime } from '../format.ts';
import { importMap, recopyList, stickName } from './stick-files.ts';
import type { SignatureFields } from './image-signatures.ts';
import { countImages, countText, imagesText } from '../../shared/counts.ts';

interface Props {
  folders: string[];
  setFolders: (folders: string[]) => void;
  trustedKeyFile: string;
  setTrustedKeyFile: (path: string) => void;
  signatures: SignatureFields;
  setSignatures: (fields: SignatureFields) => void;
  summary: BundleSummary | undefined;
  setSummary: (summary: BundleSummary | undefined) => void;
}

/** Choose the bundle: one folder, or one folder per stick when the transfer spans several. */
export function BundleStep({
  folders,
  setFolders,
  trustedKeyFile,
  setTrustedKeyFile,
  signatures,
  setSignatures,
  summary,
  setSummary,
}: Props) {
  const [error, setError] = useState<ErrorDTO>();
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<FoundBundle[]>();
  const look = () => {
    call('bundle:find', {}).then(setFound, () => setFound([]));
  };
  useEffect(look, []);
  // A found stick fills the first empty folder field, or adds one: sticks of one transfer add up.
  const chooseFound = (f: FoundBundle) => {
    setSummary(undefined);
    if (folders.includes(f.folder)) return;
    const empty = folders.findIndex((x) => !x.trim());
    setFolders(empty >= 0 ? folders.map((x, i) => (i === empty ? f.folder : x)) : [...folders, f.folder]);
  };
  const open = async () => {
    setBusy(true);
    setError(undefined);
    setSummary(undefined);
    try {
      setSummary(await call('bundle:open', { folders: folders.map((f) => f.trim()).filter(Boolean) }));
    } catch (err) {
      setError(errorOf(err));
    } finally {
      setBusy(false);
    }
  };
  const setAt = (i: number, value: string) => {
    setSummary(undefined);
    setFolders(folders.map((f, j) => (j === i ? value : f)));
  };
  return (
    <section>
      <StepHeading>Which bundle do you import?</StepHeading>
      <fieldset className="found-sticks">
        <legend>Sticks found</legend>
        {found === undefined && <p className="hint">Looking at the mounted drives…</p>}
        {found?.length === 0 && (
          <p className="hint">No mounted drive holds a transfer. Plug in a stick and press Look again.</p>
        )}
        {found && found.length > 0 && (
          <ul className="found-list">
            {found.map((f) => (
              <li key={f.folder}>
                <button
                  type="button"
                  onClick={() => chooseFound(f)}
                  aria-pressed={folders.includes(f.folder)}
                  aria-label={`Use ${f.drive}: transfer ${f.transferId.slice(0, 8)}`}
                >
                  {folders.includes(f.folder) && <span aria-hidden="true">✓ </span>}
                  {f.drive}
                </button>{' '}
                transfer <span className="mono">{f.transferId.slice(0, 8)}</span> of {formatTime(f.createdAt)}{' '}
                · {f.images} image{f.images === 1 ? '' : 's'} · {f.filesHere} of {f.filesTotal} files on this
                stick
                {found.filter((o) => o.mountPoint === f.mountPoint).length > 1 && (
                  <span className="warn-text">This stick holds more than one transfer: choose one.</span>
                )}
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={look}>
          Look again
        </button>
      </fieldset>
      {folders.map((folder, i) => (
        <div key={i} className="folder-row">
          <PathField
            id={`bundle-folder-${i}`}
            label={folders.length > 1 ? `Stick ${i + 1}: folder` : 'Bundle folder (or the stick)'}
            kind="folder"
            value={folder}
            onChange={(v) => setAt(i, v)}
          />
          {folders.length > 1 && (
            <button type="button" onClick={() => setFolders(folders.filter((_, j) => j !== i))}>
              Remove stick {i + 1}
            </button>
          )}
        </div>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setFolders([...folders, ''])}>
          Add another stick
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void open()}
          disabled={busy || !folders.some((f) => f.trim())}
        >
          {busy ? 'Opening…' : 'Open bundle'}
        </button>
      </div>
      <details className="advanced">
        <summary>Trusted station key</summary>
        <PathField
          id="trusted-key"
          label="Public key of the station that must have signed the bundle"
          kind="file"
          value={trustedKeyFile}
          onChange={setTrustedKeyFile}
          hint="The file History's Export station key saved on the connected side. With it, a bundle signed by another key (or unsigned) is refused."
        />
      </details>
      <details className="advanced" open={Boolean(signatures.keyFile || signatures.policyFile)}>
        <summary>Image signatures</summary>
        <PathField
          id="image-key"
          label="Public key every image must be signed with"
          kind="file"
          value={signatures.keyFile}
          onChange={(keyFile) => setSignatures({ ...signatures, keyFile })}
          hint="The vendor's cosign public key (cosign.pub). Images it did not sign are named and not pushed."
        />
        <PathField
          id="image-policy"
          label="Or a signature policy"
          kind="file"
          value={signatures.policyFile}
          onChange={(policyFile) => setSignatures({ ...signatures, policyFile })}
          hint="A ferry-policy.yaml naming, per repository, the keys or signers that must have signed it. Use the key or the policy, not both."
        />
      </details>
      {error && <ErrorNotice error={error} />}
      {summary && (
        <>
          <dl className="review">
            <div>
              <dt>Transfer</dt>
              <dd className="mono">{summary.transferId}</dd>
            </div>
            <div>
              <dt>Made</dt>
              <dd>
                {formatTime(summary.createdAt)} by {summary.tool}
              </dd>
            </div>
            <div>
              <dt>Contents</dt>
              <dd>
                {imagesText(countImages(summary.images))}, {formatBytes(summary.totals.blobBytes)} in{' '}
                {countText(summary.totals.files, 'file')}
              </dd>
            </div>
            <div>
              <dt>Signature</dt>
              <dd>
                <SignatureLine signature={summary.signature} />
              </dd>
            </div>
          </dl>
          {summary.missing.length > 0 && (
            <div role="alert" className="notice error">
              <p className="notice-title">
                {summary.missing.length} file{summary.missing.length === 1 ? ' is' : 's are'} on none of the
                chosen sticks
              </p>
              <ul className="recopy">
                {recopyList(summary).map((r) => (
                  <li key={r.file}>
                    <strong>{stickName(r.stick, summary.folders)}:</strong>{' '}
                    <span className="mono">{r.file}</span> (missing)
                  </li>
                ))}
              </ul>
              <p className="notice-message">
                Add the stick that holds them and open the bundle again, or press Next to check everything
                that is here first and get one list of what to copy again.
              </p>
            </div>
          )}
          <StickMap caption="What each stick holds" sticks={importMap(summary)} />
        </>
      )}
    </section>
  );
}
