import { useEffect, useState } from 'react';
import type { MediaEstimate, MediaListing } from '../../shared/dto.ts';
import type { ErrorDTO } from '../../shared/errors.ts';
import { call, errorOf } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PathField } from '../components/PathField.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import { StickMap, type MapStick } from '../components/StickMap.tsx';
import { formatBytes } from '../format.ts';
import { maxFileBytes, requestedChunk, stickBytes, type PrepareDraft } from './draft.ts';
import { imagesText } from '../../shared/counts.ts';

const filesystemName = (fs: string) =>
  ({ vfat: 'FAT32', msdos: 'FAT32', exfat: 'exFAT', ntfs: 'NTFS', ntfs3: 'NTFS', apfs: 'APFS', hfs: 'HFS+' })[
    fs.toLowerCase()
  ] ?? fs;
const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
const join = (dir: string, name: string) =>
  `${dir.replace(/[\\/]+$/, '')}${dir.includes('\\') ? '\\' : '/'}${name}`;

/** Segments drawn per stick at most: more files than this are drawn in groups. */
const MAX_SEGMENTS = 100;

/** The estimate's stick layout as a map of planned files on sticks of the chosen size. */
function plannedSticks(estimate: MediaEstimate, capacity: number, label?: string): MapStick[] {
  let first = 1;
  return estimate.layout.map((stick) => {
    const groups = Math.min(stick.files, MAX_SEGMENTS);
    const per = stick.files / Math.max(groups, 1);
    const segments = Array.from({ length: groups }, (_, g) => {
      const from = first + Math.round(g * per);
      const to = first + Math.round((g + 1) * per) - 1;
      return {
        name: from === to ? `file ${from}` : `files ${from}–${to}`,
        bytes: stick.bytes / Math.max(groups, 1),
        state: 'planned' as const,
      };
    });
    first += stick.files;
    return { capacityBytes: capacity, ...(label ? { label } : {}), segments };
  });
}

/** Where the bundle goes and how it is cut: a stick, or a folder to copy onto sticks afterwards. */
export function MediaStep({
  draft,
  set,
}: {
  draft: PrepareDraft;
  set: (patch: Partial<PrepareDraft>) => void;
}) {
  const [listing, setListing] = useState<MediaListing>();
  const [error, setError] = useState<ErrorDTO>();
  const refresh = () => {
    setError(undefined);
    call('media:list', {}).then(setListing, (err: unknown) => setError(errorOf(err)));
  };
  useEffect(refresh, []);

  const total = draft.preview?.totalBytes ?? 0;
  const estimateKey = JSON.stringify([total, draft.chunkMiB, stickBytes(draft), maxFileBytes(draft)]);
  useEffect(() => {
    call('media:estimate', {
      totalBytes: total,
      chunkSize: requestedChunk(draft),
      stickBytes: stickBytes(draft),
      maxFileBytes: maxFileBytes(draft),
    }).then(
      (estimate) => set({ estimate }),
      (err: unknown) => setError(errorOf(err)),
    );
    // The key holds every input of the estimate.
  }, [estimateKey]);

  const chooseDrive = (id: string) => {
    const drive = listing?.drives.find((d) => d.id === id);
    if (!drive) {
      // Switching to a folder keeps the stick just shown as the size to copy onto afterwards.
      const seen = draft.drive ?? draft.stickLike;
      set({ drive: undefined, bundleDir: '', ...(seen ? { stickLike: seen, stickGB: 0 } : {}) });
      return;
    }
    set({
      drive,
      bundleDir: join(drive.mountPoint, `ferry-${stamp()}`),
      ...(drive.maxFileBytes ? { chunkMiB: '3900' } : {}),
    });
  };
  const e = draft.estimate;
  return (
    <section>
      <StepHeading>Where does the bundle go?</StepHeading>
      <fieldset>
        <legend>Destination</legend>
        {listing?.note && <p className="hint">{listing.note}</p>}
        {listing && listing.drives.length === 0 && listing.supported && (
          <p className="hint">
            No removable drive is mounted. Plug in a stick and press Refresh, or use a folder.
          </p>
        )}
        <div className="drive-list" role="radiogroup" aria-label="Drives">
          {listing?.drives.map((d) => (
            <label key={d.id} className={`drive ${draft.drive?.id === d.id ? 'chosen' : ''}`}>
              <input
                type="radio"
                name="destination"
                value={d.id}
                checked={draft.drive?.id === d.id}
                onChange={() => chooseDrive(d.id)}
              />
              <span className="drive-name">{d.label}</span>
              <span className="drive-facts">
                {filesystemName(d.filesystem)} · {formatBytes(d.freeBytes)} free of {formatBytes(d.sizeBytes)}{' '}
                · {d.mountPoint}
              </span>
              {d.warnings.map((w) => (
                <span key={w} className="warn-text">
                  {w}
                </span>
              ))}
            </label>
          ))}
          <label className={`drive ${draft.drive ? '' : 'chosen'}`}>
            <input
              type="radio"
              name="destination"
              value=""
              checked={!draft.drive}
              onChange={() => chooseDrive('')}
            />
            <span className="drive-name">A folder on this computer</span>
            <span className="drive-facts">Copy it onto sticks afterwards, one stick at a time.</span>
          </label>
        </div>
        <button type="button" onClick={refresh}>
          Refresh drives
        </button>
      </fieldset>
      <PathField
        id="bundle-dir"
        label="Bundle folder"
        kind="folder"
        required
        value={draft.bundleDir}
        onChange={(bundleDir) => {
          // A folder picked on a mounted stick is that stick: its real size and filesystem count.
          const on = listing?.drives.find(
            (d) => bundleDir === d.mountPoint || bundleDir.startsWith(join(d.mountPoint, '')),
          );
          set({ bundleDir, ...(on ? { drive: on } : draft.drive ? { drive: undefined } : {}) });
        }}
        hint="An empty folder, or a new one: Ferry creates it."
      />
      <div className="row">
        <div className="field">
          <label htmlFor="chunk">Chunk size in MiB</label>
          <input
            id="chunk"
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            value={draft.chunkMiB}
            aria-describedby="chunk-hint"
            onChange={(ev) => set({ chunkMiB: ev.target.value })}
          />
          <p id="chunk-hint" className="hint">
            The transfer is cut into numbered files of at most this size. Empty: as few files as the sticks
            allow.
          </p>
        </div>
        {!draft.drive && (
          <>
            <div className="field">
              <label htmlFor="stick-size">Stick size</label>
              <select
                id="stick-size"
                value={draft.stickGB}
                onChange={(ev) => set({ stickGB: Number(ev.target.value) })}
              >
                {draft.stickLike && (
                  <option value={0}>
                    Like {draft.stickLike.label} ({formatBytes(draft.stickLike.freeBytes)} free)
                  </option>
                )}
                {[8, 16, 32, 64, 128, 256].map((gb) => (
                  <option key={gb} value={gb}>
                    {gb} GB
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="stick-fs">Stick filesystem</label>
              <select
                id="stick-fs"
                value={draft.stickFilesystem}
                onChange={(ev) =>
                  set({ stickFilesystem: ev.target.value as PrepareDraft['stickFilesystem'] })
                }
              >
                <option value="vfat">FAT32 (files under 4 GiB)</option>
                <option value="exfat">exFAT</option>
                <option value="ntfs">NTFS</option>
              </select>
            </div>
          </>
        )}
      </div>
      {e && (
        <div className="estimate" role="status">
          <p>
            <strong>
              {e.sticks} stick{e.sticks === 1 ? '' : 's'}
            </strong>{' '}
            · {e.chunks} file{e.chunks === 1 ? '' : 's'}
            {e.chunkSize ? ` of up to ${formatBytes(e.chunkSize)}` : ''} ·{' '}
            {imagesText(draft.preview?.images.length ?? 0)}, about {formatBytes(total)}
          </p>
          {e.warnings.map((w) => (
            <p key={w} className="warn-text">
              {w}
            </p>
          ))}
        </div>
      )}
      {e && total > 0 && (
        <StickMap
          caption="How the transfer fills the sticks"
          sticks={plannedSticks(
            e,
            stickBytes(draft),
            (draft.drive ?? (draft.stickGB === 0 ? draft.stickLike : undefined))?.label,
          )}
        />
      )}
      {error && <ErrorNotice error={error} />}
    </section>
  );
}
