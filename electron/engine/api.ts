// The engine's one face: the only engine module the CLI (electron/cli) and the desktop app's main
// process (electron/main) import (test/boundaries/check.ts holds them to it). Behind it the engine
// may be rearranged freely; what is here is what the two adapters may count on. It offers
// operations, whole — a pull of images or of a Deckhouse distribution, its preview, push with the
// files a cluster needs afterwards, verify, the media plan and the copy onto sticks, the ledger's
// views — plus the errors they throw and the few parsers both adapters need to read what a person
// typed.

// ---- errors (every failure has a fixed code; adapters map codes to exit codes and advice) ----
export {
  AuthError,
  BundleInvalidError,
  CancelledError,
  FerryError,
  ForbiddenError,
  IoError,
  toFerryError,
  UsageError,
} from './errors.ts';
export { registerSecret } from './redact.ts';
export { ferryVersion } from './version.ts';

// ---- what a person types: references, platforms, sizes, image lists, logins ----
export { parseRepositoryPath, qualifyReference } from './ref/reference.ts';
export { parsePlatform } from './oci/platform.ts';
export { parseSize } from './util/size.ts';
export { imageRequest, readImagesFile } from './jobs/image-list.ts';
export type { ImageRequest } from './plan/image-graph.ts';
export type { DeckhouseSelection } from './deckhouse/planner.ts';
export { chainCredentials, dockerConfigCredentials, staticCredentials } from './transport/docker-config.ts';
export { timeoutFromEnv } from './transport/duration.ts';
export { defaultConcurrency } from './copy/copy.ts';
export type { CredentialSource, Credentials, TransportOptions } from './transport/types.ts';
export { pingRegistry } from './jobs/registry-ping.ts';

// ---- the station: its data folder, ledger and signing key ----
export { Station } from './ledger/station.ts';
export { closeLedgers } from './ledger/ledger.ts';
export { readTrustedKey, type TrustedKey } from './signing/public-key.ts';

// ---- pull (connected side) ----
export {
  pullSelection as pull,
  sourceRegistries,
  type PullRequest,
  type PullSelection,
} from './jobs/pull-selection.ts';
export { previewPull, type PreviewOptions, type PullPreview } from './jobs/preview.ts';
export { planDeckhousePull } from './jobs/pull-deckhouse.ts';
export { planSummary } from './deckhouse/plan-summary.ts';
// Ferry itself, carried in a bundle for the isolated side (ferry pull --carry-ferry).
export { planCarriedFerry, type CarryPlan } from './distribution/carry.ts';
export { platformLabel } from './distribution/dist-manifest.ts';

// ---- bundles: what one holds, who signed it, is it whole ----
export { openBundle, type OpenedBundle } from './bundle/open-bundle.ts';
export type { TransferManifest } from './bundle/transfer-manifest.ts';
export {
  checkManifestSignature,
  describeSignature,
  type SignatureCheck,
} from './signing/manifest-signature.ts';
export { verify, type VerifyJobReport } from './jobs/verify.ts';

// ---- image signatures: cosign keys the isolated side trusts, and each image's verdict ----
export { readCosignKey, type CosignKey } from './verify/cosign-key.ts';
export {
  describeImageSignature,
  signatureAccepted,
  type ImageSignatureResult,
  type ImageSignatureVerdict,
} from './verify/image-signatures.ts';
export { keysPolicy, readSignaturePolicy, type SignaturePolicy } from './verify/signature-policy.ts';

// ---- sticks: drives, how many sticks a transfer takes, the copy onto them ----
export { createDriveLister } from './media/drives.ts';
export { estimateMedia } from './media/chunk-fit.ts';
export { copyOntoSticks, planBundleSticks } from './media/bundle-sticks.ts';
export { copyToStick } from './media/copy-to-stick.ts';
export { describeVolume, type Volume } from './media/volume.ts';

// ---- push (isolated side) and what a cluster needs afterwards ----
export { pushTransfer as push, type PushTransferOptions } from './jobs/push-transfer.ts';
export type { PushReport } from './jobs/push.ts';
export {
  pushOutputs,
  type ModuleSourceOutput,
  type PushOutputs,
  type PushOutputsRequest,
} from './jobs/push-outputs.ts';
export { pullSecretYaml } from './k8s/pull-secret.ts';
export { importReceipt, issueReceipt, writeReceipt } from './ledger/receipts.ts';

// ---- the ledger's views: history, reports, the chain audit ----
export { history, parseSince, type OperationSummary } from './ledger/history.ts';
export { transferReport, type TransferReport } from './ledger/report.ts';
export { renderReport, type ReportFileFormat } from './ledger/report-file.ts';
export { auditLedger } from './ledger/audit.ts';

// ---- files others read are never seen half-written ----
export { writeFileAtomic } from './util/write-file-atomic.ts';
export { pinnedKey } from './ledger/key-pin.ts';
