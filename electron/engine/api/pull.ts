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
// Ferry itself, carried in a bundle for the isolated side (ferry pull --carry-ferry).
export { planCarriedFerry, type CarryPlan } from '../distribution/carry.ts';
export { platformLabel } from '../distribution/dist-manifest.ts';
