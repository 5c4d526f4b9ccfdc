// The facade's push (isolated side) and the files a cluster needs afterwards.
export { pushTransfer as push, type PushTransferOptions } from '../jobs/push-transfer.ts';
export type { PushReport } from '../jobs/push.ts';
export {
  pushOutputs,
  type ModuleSourceOutput,
  type PushOutputs,
  type PushOutputsRequest,
} from '../jobs/push-outputs.ts';
export { pullSecretYaml } from '../k8s/pull-secret.ts';
export { importReceipt, issueReceipt, writeReceipt } from '../ledger/receipts.ts';
export { bundleDeckhouseReleases } from '../jobs/deckhouse-releases.ts';
