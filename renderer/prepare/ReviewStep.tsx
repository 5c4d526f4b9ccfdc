import { StepHeading } from '../components/StepHeading.tsx';
import { formatBytes } from '../format.ts';
import { platformList, type PrepareDraft } from './draft.ts';
import { countText, imagesText } from '../../shared/counts.ts';

export function ReviewStep({
  draft,
  set,
}: {
  draft: PrepareDraft;
  set: (patch: Partial<PrepareDraft>) => void;
}) {
  const p = draft.preview;
  const e = draft.estimate;
  return (
    <section>
      <StepHeading>Check before you start</StepHeading>
      <dl className="review">
        <div>
          <dt>From</dt>
          <dd>
            {draft.source.registry}
            {draft.source.username ? ` as ${draft.source.username}` : ''}
            {draft.source.insecure ? ' (plain HTTP)' : ''}
          </dd>
        </div>
        <div>
          <dt>Images</dt>
          <dd>
            {draft.what === 'deckhouse' ? `Deckhouse ${draft.deckhouse.edition}: ` : ''}
            {imagesText(p?.images.length ?? 0)}, {formatBytes(p?.totalBytes ?? 0)}
            {draft.signatures ? ', with signatures' : ', without signatures'}
            {platformList(draft.platforms).length
              ? `, only ${platformList(draft.platforms).join(', ')}`
              : ', all platforms'}
          </dd>
        </div>
        <div>
          <dt>Into</dt>
          <dd className="mono">{draft.bundleDir}</dd>
        </div>
        <div>
          <dt>Media</dt>
          <dd>
            {draft.drive
              ? `${draft.drive.label} (${draft.drive.filesystem})`
              : draft.stickGB === 0 && draft.stickLike
                ? `sticks like ${draft.stickLike.label}`
                : `${draft.stickGB} GB sticks`}
            {e
              ? ` · ${countText(e.sticks, 'stick')} · ${countText(e.chunks, 'file')}${e.chunkSize ? ` of up to ${formatBytes(e.chunkSize)}` : ''}`
              : ''}
          </dd>
        </div>
      </dl>
      <div className="checks">
        <label>
          <input type="checkbox" checked={draft.force} onChange={(ev) => set({ force: ev.target.checked })} />
          Replace an earlier bundle in this folder
        </label>
        <label>
          <input
            type="checkbox"
            checked={draft.incremental}
            onChange={(ev) => set({ incremental: ev.target.checked })}
          />
          Leave out what the isolated registry already holds (from the receipts imported in History)
        </label>
      </div>
      <p className="hint">
        The pull can be paused and resumed; if the connection drops, pressing Try again continues where it
        stopped.
      </p>
    </section>
  );
}
