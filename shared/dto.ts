// The data that crosses IPC between the main process and the renderer: plain JSON-able shapes, no
// classes, never a password (except the pull Secret and ModuleSource YAML the administrator asked for)
// and never a stack.
import type { ErrorDTO } from './errors.ts';
import type { JobEvent } from './jobs.ts';

/** Requests that carry nothing. */
export type Empty = Record<string, never>;

export type CredentialStorage = 'encrypted' | 'weak' | 'session-only';

export interface AppInfo {
  version: string;
  platform: string;
  /** Where the ledger and the station key live (shared with the CLI). */
  dataFolder: string;
  /** How a login typed into the app is kept when "remember" is ticked. */
  credentialStorage: CredentialStorage;
}

// ---- registries ---------------------------------------------------------------------------------

export interface RegistryConnection {
  /** `host[:port]`, or `host[:port]/path` for a push target. */
  registry: string;
  /** Plain HTTP. */
  insecure: boolean;
  /** Accept any certificate (prefer caFile). */
  tlsSkipVerify: boolean;
  /** A PEM file with the registry's CA. */
  caFile?: string;
}

export interface LoginRequest {
  registry: string;
  username: string;
  password: string;
  /** Keep it encrypted (Electron safeStorage) for the next session; otherwise for this session only. */
  remember: boolean;
}

export interface SavedLogin {
  registry: string;
  username: string;
  /** 'session': held in memory until the app quits; 'encrypted': also on disk through safeStorage. */
  kept: 'session' | 'encrypted';
}

/**
 * "Test connection" from a form: which side's form asks (so a refused login names the right step),
 * and the login typed there, tried first and kept only if the registry accepts it.
 */
export interface ConnectionTestRequest extends RegistryConnection {
  side?: 'source' | 'target';
  login?: { username: string; password: string; remember: boolean };
}

export interface ConnectionCheck {
  registry: string;
  /** `https://host:port` or `http://…` */
  endpoint: string;
  /** The registry demanded a login and accepted the one Ferry sent. */
  authenticated: boolean;
  username?: string;
  message: string;
  elapsedMs: number;
}

// ---- what to carry ------------------------------------------------------------------------------

/** A Deckhouse distribution (platform, security databases, modules) as `d8 mirror pull` selects it. */
export interface DeckhouseRequest {
  /** The edition's path in the source registry, e.g. `deckhouse/ee`. */
  edition: string;
  /** One build (a version tag); without it every release channel's version travels. */
  deckhouseTag?: string;
  /** Every version from this one up (instead of the channels). */
  sinceVersion?: string;
  /** Module filters: `name`, `name@1.3.0`, `name@~1.3.0`, `name@=v1.3.0+stable` (include or exclude, not both). */
  includeModules: string[];
  excludeModules: string[];
  platform: boolean;
  securityDatabases: boolean;
  modules: boolean;
}

export interface ImageSelection {
  source: RegistryConnection;
  /** A Deckhouse distribution instead of `images` and `imagesFile`. */
  deckhouse?: DeckhouseRequest;
  /** References, one per entry; names without a registry host are taken from `source.registry`. */
  images: string[];
  /** An images file (a reference a line, or YAML with platforms and targets). */
  imagesFile?: string;
  /** `os/arch[/variant]`; empty keeps whole indexes. */
  platforms: string[];
  /** Carry signatures, attestations, SBOMs and referrers. */
  signatures: boolean;
}

/**
 * What an image is for: a plain list entry ('image'), or in a Deckhouse distribution a release
 * channel image, the platform (an edition build), one of its component images (named by digest),
 * an installer, a security database, a module's image, component, release or extra image, a
 * package's, or a VEX attestation.
 */
export type ImageRole =
  | 'image'
  | 'release-channel'
  | 'platform'
  | 'platform-component'
  | 'install'
  | 'installer'
  | 'security-database'
  | 'module'
  | 'module-component'
  | 'module-release'
  | 'module-extra'
  | 'package'
  | 'package-release'
  | 'package-extra'
  | 'attestation';

/** One distinct image (source repository and digest, shared/counts.ts), however many tags it goes to. */
export interface PreviewImage {
  source: string;
  digest: string;
  mediaType: string;
  platforms: string[];
  /** Bytes of this image's blobs (with its artifacts), each blob once. */
  bytes: number;
  blobs: number;
  artifacts: number;
  /** `repository[:tag]` under the push root: the first of `targets`. */
  target: string;
  /** Every `repository[:tag]` this image goes to (Deckhouse: its version and the channels on it). */
  targets: string[];
  /** The heading it is listed under: the source registry, or "Platform", "Module console", … */
  group: string;
  role: ImageRole;
}

export interface SelectionPreview {
  images: PreviewImage[];
  /** What cannot be carried; `input` is the typed line it came from (the page finds its line numbers). */
  failed: Array<{ source: string; error: ErrorDTO; input?: string }>;
  /** Bytes that will travel: every layer and config once across all images. */
  totalBytes: number;
  /** Distinct digests that will travel, manifests included: the bundle's `totals.blobs`. */
  blobCount: number;
  /** For a Deckhouse source: what the channels say and which modules travel. */
  deckhouse?: {
    channels: Array<{ channel: string; version: string }>;
    versions: string[];
    modules: Array<{ name: string; versions: string[] }>;
    securityDatabases: string[];
  };
}

// ---- removable media ----------------------------------------------------------------------------

export interface Drive {
  /** Block device name, e.g. `sdb1`. */
  id: string;
  device: string;
  mountPoint: string;
  /** Volume label, or the device name when it has none. */
  label: string;
  filesystem: string;
  sizeBytes: number;
  freeBytes: number;
  /** The largest file the filesystem can hold (FAT32: 4 GiB − 1 byte); null when practically unlimited. */
  maxFileBytes: number | null;
  serial?: string;
  warnings: string[];
}

export interface MediaListing {
  drives: Drive[];
  /** False where Ferry cannot list drives on this OS: the user types a folder instead. */
  supported: boolean;
  note?: string;
}

export interface MediaEstimateRequest {
  totalBytes: number;
  /** Requested chunk size; 0 = one file per archive. */
  chunkSize: number;
  /** Capacity of one stick (its free space). */
  stickBytes: number;
  maxFileBytes: number | null;
}

export interface MediaEstimate {
  /** The chunk size to use: the request, lowered to fit the filesystem and the stick. */
  chunkSize: number;
  chunks: number;
  sticks: number;
  /** How many files (and bytes) each stick gets, as the stick plan would lay them out (the map). */
  layout: Array<{ files: number; bytes: number }>;
  warnings: string[];
}

export interface StickAssignment {
  /** 1-based, as printed on the label. */
  index: number;
  files: Array<{ file: string; size: number }>;
  bytes: number;
}

export interface StickPlan {
  stickBytes: number;
  totalBytes: number;
  sticks: StickAssignment[];
}

// ---- bundles ------------------------------------------------------------------------------------

export type SignatureInfo =
  | { status: 'signed'; fingerprint: string; signedAt?: string }
  | { status: 'unsigned' }
  | { status: 'invalid'; reason: string; fingerprint?: string };

/** An image's own signature, under the operator's keys or policy: who signed it, or why it does not
 *  count (`reason`, in the engine's words). */
export type ImageSignatureInfo =
  | {
      status: 'signed';
      /** A key fingerprint, or a keyless certificate's identity. */
      signer: string;
      /** The key file, or `issuer <OIDC issuer>`. */
      via: string;
      keyless: boolean;
    }
  | { status: 'unsigned' | 'invalid' | 'not-required'; reason: string };

/** Which image signatures verify and push require (as `--key`/`--policy`); absent = none checked. */
export interface ImageSignatureRequirement {
  /** Public key files (cosign.pub): every image, any one of them. */
  keyFiles?: string[];
  /** A ferry-policy.yaml; not with keyFiles. */
  policyFile?: string;
}

export interface BundleTotals {
  images: number;
  blobs: number;
  blobBytes: number;
  archiveBytes: number;
  files: number;
}

/** A transfer found on a mounted drive (Import lists them to choose from). */
export interface FoundBundle {
  /** The drive's label, as on the stick. */
  drive: string;
  mountPoint: string;
  /** The transfer's folder on it (the mount point itself, or its ferry-<id> folder). */
  folder: string;
  transferId: string;
  createdAt: string;
  images: number;
  /** Files of the transfer on this drive, and in the whole transfer. */
  filesHere: number;
  filesTotal: number;
}

export interface BundleSummary {
  /** The bundle's folders: the one chosen, or one per stick (the engine joins them as it reads). */
  folders: string[];
  transferId: string;
  createdAt: string;
  tool: string;
  totals: BundleTotals;
  images: Array<{ source: string; digest: string; target: string; platforms: string[] }>;
  /** Every file the manifest lists and the folder (stick) it was found in; '' when none holds it. */
  files: Array<{ file: string; size: number; stick: string }>;
  missing: string[];
  signature: SignatureInfo;
}

// ---- jobs ---------------------------------------------------------------------------------------

export type JobKind = 'pull' | 'verify' | 'push' | 'copy';
export type JobStatus = 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

export interface PullJobRequest extends ImageSelection {
  bundleDir: string;
  /** Bytes; absent = one file per archive. */
  chunkSize?: number;
  /** Replace an earlier bundle in the folder. */
  force: boolean;
  /** Leave out blobs that imported receipts say the target already holds (`ferry pull --incremental`). */
  incremental?: boolean;
}

/** A receipt from the isolated side, recorded on this station (`ferry receipt import`). */
export interface ReceiptImported {
  receiptId: string;
  transferId: string;
  /** False when it had been imported before (nothing recorded twice). */
  recorded: boolean;
  blobs: number;
  bytes: number;
  registries: string[];
  signedBy: string;
}

export interface VerifyJobRequest {
  /** From `bundle:open`: the bundle folder, or one per stick. */
  folders: string[];
  /** Refuse a bundle not signed by this station key (a PEM file or `SHA256:` fingerprint file). */
  trustedKeyFile?: string;
  imageSignatures?: ImageSignatureRequirement;
}

export interface PushJobRequest {
  /** From `bundle:open`: the bundle folder, or one per stick. */
  folders: string[];
  target: RegistryConnection;
  dryRun: boolean;
  trustedKeyFile?: string;
  imageSignatures?: ImageSignatureRequirement;
}

export interface CopyJobRequest {
  bundleDir: string;
  /** The mounted stick (or any folder) to copy onto; a `ferry-<transfer>` folder is made in it. */
  destination: string;
  stick: number;
  files: string[];
}

export interface JobStarted {
  jobId: string;
  kind: JobKind;
}

export interface PullResult {
  transferId: string;
  bundleDir: string;
  totals: BundleTotals;
  /**
   * The distinct images carried (one per source reference and digest), the count every screen shows:
   * a Deckhouse image published to several channels is one image, not one per channel.
   */
  images?: Array<{ source: string; digest: string; size: number }>;
  files: Array<{ file: string; size: number; sha256: string }>;
  signature: SignatureInfo;
}

export interface VerifyResult {
  ok: boolean;
  transferId: string;
  seconds: number;
  blobsChecked: number;
  bytesChecked: number;
  files: Array<{
    file: string;
    size: number;
    status: 'ok' | 'missing' | 'size' | 'checksum';
    stick?: string;
  }>;
  /** `signature` when the verify ran with image-signature requirements. */
  images: Array<{ source: string; target: string; ok: boolean; signature?: ImageSignatureInfo }>;
  problems: Array<{ kind: string; message: string; file?: string; stick?: string; images: string[] }>;
  signature: SignatureInfo;
}

export interface PushResult {
  ok: boolean;
  dryRun: boolean;
  transferId: string;
  registry: string;
  images: Array<{
    source: string;
    target: string;
    digest: string;
    status: 'pushed' | 'refused' | 'planned';
    error?: string;
    signature?: ImageSignatureInfo;
  }>;
  /** A kubernetes.io/dockerconfigjson Secret for the target, when a login was used. */
  pullSecretYaml?: string;
  /** A Deckhouse bundle's ModuleSource (deckhouse.io/v1alpha1) for the pushed modules, with the login. */
  moduleSourceYaml?: string;
  /** The signed receipt to carry back to the connected side (kept in the data folder too). */
  receipt?: { file: string; json: string };
}

export interface CopyResult {
  stick: number;
  destination: string;
  files: number;
  bytes: number;
}

export type JobOutcome =
  | { kind: 'pull'; value: PullResult }
  | { kind: 'verify'; value: VerifyResult }
  | { kind: 'push'; value: PushResult }
  | { kind: 'copy'; value: CopyResult };

export interface JobEventMessage {
  jobId: string;
  event: JobEvent;
}

export interface JobStateMessage {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  outcome?: JobOutcome;
  error?: ErrorDTO;
}

// ---- history ------------------------------------------------------------------------------------

/** As the ledger records an operation's end; 'unfinished' when it never recorded one (killed, power lost). */
export type TransferOutcome = 'succeeded' | 'partial' | 'failed' | 'refused' | 'cancelled' | 'unfinished';

export interface HistoryFilter {
  /** ISO dates (inclusive), `YYYY-MM-DD` or full timestamps. */
  from?: string;
  to?: string;
  /** A substring of an image reference. */
  image?: string;
  /** A digest or its prefix. */
  digest?: string;
  outcome?: TransferOutcome;
}

export interface TransferRow {
  transferId: string;
  /** What happened to it on this station, oldest first: pull, verify, push. */
  operations: Array<{
    kind: 'pull' | 'verify' | 'push';
    outcome: TransferOutcome;
    startedAt: string;
    endedAt?: string;
    seconds?: number;
    /** A pull's source registries, a push's target (registry/path). */
    registries?: string[];
    operator?: string;
    host?: string;
  }>;
  startedAt: string;
  /** The outcome of its latest operation. */
  outcome: TransferOutcome;
  /** Distinct images (shared/counts.ts), as every other screen counts them. */
  images: number;
  bytes: number;
  operator: string;
  /** Where the images came from (the pulls' registries) and went (the pushes' targets). */
  sources?: string[];
  targets?: string[];
  /** Seconds the operations took, summed. */
  seconds?: number;
}

export interface TransferDetail {
  row: TransferRow;
  images: Array<{ source: string; digest: string; target?: string; size?: number; status?: string }>;
  chunks: Array<{ file: string; size: number; sha256: string; media?: string }>;
  verification: { ok: boolean; problems: string[] } | null;
  signature: SignatureInfo | null;
  chain: AuditStatus;
}

export interface AuditStatus {
  ok: boolean;
  entries: number;
  /** The first record whose hash does not match, when the ledger was edited. */
  brokenAt?: number;
  message: string;
}

export type ReportFormat = 'html' | 'csv' | 'json' | 'pdf';

export interface ExportRequest {
  format: ReportFormat;
  transferId: string;
}

export interface SavedFile {
  /** Null when the person closed the save dialog. */
  path: string | null;
}

// ---- dialogs ------------------------------------------------------------------------------------

export interface ChooseRequest {
  kind: 'folder' | 'file';
  title: string;
  defaultPath?: string;
}

export interface SaveRequest {
  title: string;
  suggestedName: string;
  content: string;
}
