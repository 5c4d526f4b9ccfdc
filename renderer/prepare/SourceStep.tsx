import type { CredentialStorage } from '../../shared/dto.ts';
import { ConnectionForm } from '../components/ConnectionForm.tsx';
import { StepHeading } from '../components/StepHeading.tsx';
import type { PrepareDraft } from './draft.ts';

export function SourceStep({
  draft,
  set,
  storage,
}: {
  draft: PrepareDraft;
  set: (patch: Partial<PrepareDraft>) => void;
  storage: CredentialStorage;
}) {
  return (
    <section>
      <StepHeading>Where do the images come from?</StepHeading>
      <ConnectionForm
        id="source"
        legend="Source registry"
        registryLabel="Registry address"
        registryHint="Host and port, e.g. registry.example.com or 10.0.0.5:5000. Image names without a host come from here."
        value={draft.source}
        onChange={(source) => set({ source })}
        storage={storage}
      />
    </section>
  );
}
