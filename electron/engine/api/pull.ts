// The facade's pull (connected side): images or a Deckhouse distribution, its preview and plan,
// and Ferry itself carried for the isolated side.
export {
  pullSelection as pull,
  sourceRegistries,
  type PullRequest,
  type PullSelection,
} from '../jobs/pull-selection.ts';
export { previewPull, type PreviewOptions, type PullPreview } from '../jobs/preview.ts';
export { planDeckhousePull } from '../jobs/pull-deckhouse.ts';
export { planSummary } from '../deckhouse/plan-summary.ts';
