// Whether `d8 mirror push` (deckhouse-cli 4c2e288) could push a bundle, and if not why: d8 reads
// every OCI layout whole with go-containerregistry and sends each layout to `<target>/<layout path>`
// by its short tags, ignoring Ferry's `io.ferry.target.repository`. So a Ferry bundle d8 cannot push
// is one that leaves blobs out (--incremental: the target already holds them, d8 aborts on the
// first missing blob) or one whose images do not live at their target path (the generic mode
// writes every image into one root layout: d8 would push them all to `<target>:<tag>`, tags
// colliding). `ferry inspect` names the reasons; `ferry push` pushes all of these.
import type { TransferManifest } from './transfer-manifest.ts';

export function d8PushProblems(manifest: TransferManifest): string[] {
  const problems: string[] = [];
  const omitted = manifest.omitted?.length ?? 0;
  if (omitted > 0) {
    problems.push(
      `it is incremental: ${omitted} blob(s) were left out because the target already holds them, and d8 reads every layout whole`,
    );
  }
  const elsewhere = manifest.images.filter((i) => i.layout !== i.target.repository);
  if (elsewhere.length > 0) {
    const first = elsewhere[0]!;
    problems.push(
      `${elsewhere.length} image(s) do not lie at their target path (e.g. ${first.target.repository || '<root>'} in layout '${first.layout}' of ${first.archive}): d8 would push them to '<target>/${first.layout}' instead`,
    );
  }
  return problems;
}
