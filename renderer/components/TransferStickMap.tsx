// The stick map of a recorded transfer (History's detail): its files grouped by the media the ledger
// recorded them on, checked when the last verify passed, written otherwise.
import type { TransferDetail } from '../../shared/dto.ts';
import { StickMap, type MapStick } from './StickMap.tsx';

export function TransferStickMap({ detail }: { detail: TransferDetail }) {
  if (detail.chunks.length === 0) return null;
  const state = detail.verification?.ok ? 'verified' : 'written';
  const byMedia = new Map<string, MapStick>();
  for (const c of detail.chunks) {
    const media = c.media ?? '';
    const stick = byMedia.get(media) ?? {
      segments: [],
      ...(media ? { label: media.split(/[\\/]/).filter(Boolean).pop() ?? media } : {}),
    };
    stick.segments.push({ name: c.file, bytes: c.size, state });
    byMedia.set(media, stick);
  }
  return <StickMap caption="Where the files went" sticks={[...byMedia.values()]} />;
}
