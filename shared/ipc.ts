// The one IPC contract between the main process, the preload script and the renderer: every invoke
// channel with its request and response types, every event channel with its payload type, and the
// runtime validators main applies to each request before a handler sees it. Every answer is a Result
// envelope ({ok:true,value} | {ok:false,error:{code,message,details}}).
import type {
  AppInfo,
  BundleSummary,
  ChooseRequest,
  ConnectionCheck,
  ConnectionTestRequest,
  CopyJobRequest,
  Empty,
  ExportRequest,
  FoundBundle,
  HistoryFilter,
  ImageSelection,
  JobEventMessage,
  JobStarted,
  JobStateMessage,
  LoginRequest,
  MediaEstimate,
  MediaEstimateRequest,
  MediaListing,
  PullJobRequest,
  PushJobRequest,
  ReceiptImported,
  ReportFormat,
  SavedFile,
  SavedLogin,
  SaveRequest,
  SelectionPreview,
  StickPlan,
  TransferDetail,
  TransferRow,
  AuditStatus,
  VerifyJobRequest,
} from './dto.ts';
import type { Result } from './errors.ts';
import type { InterruptedJob, JobSummary, RetryRequest } from './jobs.ts';
import { array, boolean, integer, object, oneOf, optional, string, type Validator } from './validate.ts';

interface Call<Req, Res> {
  request: Req;
  response: Res;
}

export interface JobControl {
  jobId: string;
  /** False when the job was not running (already finished, or unknown). */
  changed: boolean;
}

export interface IpcContract {
  'app:info': Call<Empty, AppInfo>;
  'registry:login': Call<LoginRequest, SavedLogin>;
  'registry:logins': Call<Empty, SavedLogin[]>;
  'registry:forget': Call<{ registry: string }, { forgotten: boolean }>;
  'registry:test': Call<ConnectionTestRequest, ConnectionCheck>;
  'images:preview': Call<ImageSelection, SelectionPreview>;
  'media:list': Call<Empty, MediaListing>;
  'media:estimate': Call<MediaEstimateRequest, MediaEstimate>;
  'media:plan': Call<{ bundleDir: string; stickBytes: number }, StickPlan>;
  'bundle:open': Call<{ folders: string[] }, BundleSummary>;
  'job:pull': Call<PullJobRequest, JobStarted>;
  'job:verify': Call<VerifyJobRequest, JobStarted>;
  'job:push': Call<PushJobRequest, JobStarted>;
  'job:copy': Call<CopyJobRequest, JobStarted>;
  'job:cancel': Call<{ jobId: string }, JobControl>;
  'job:pause': Call<{ jobId: string }, JobControl>;
  'job:resume': Call<{ jobId: string }, JobControl>;
  'history:list': Call<HistoryFilter, TransferRow[]>;
  'history:detail': Call<{ transferId: string }, TransferDetail>;
  'history:audit': Call<Empty, AuditStatus>;
  'history:export': Call<ExportRequest, SavedFile>;
  'dialog:choose': Call<ChooseRequest, { path: string | null }>;
  'dialog:save': Call<SaveRequest, SavedFile>;
  // ---- issue 13, part B ----
  /** Transfers on the mounted drives, one entry per transfer (a stick may hold several). */
  'bundle:find': Call<Empty, FoundBundle[]>;
  /** Ejects the mounted drive at `mountPoint` (it must be in the drive list). */
  'media:eject': Call<{ mountPoint: string }, { label: string }>;
  // ---- jobs owned by main, history export, key (issue 13, part A) ----
  /** Every job of this session with its progress: the transfers panel, and a reloaded page. */
  'job:list': Call<Empty, JobSummary[]>;
  /** Runs a failed or cancelled job again under its id, with a corrected connection if given. */
  'job:retry': Call<RetryRequest, JobControl>;
  /** Pulls and pushes the previous run of Ferry left running or paused. */
  'job:interrupted': Call<Empty, InterruptedJob[]>;
  /** Starts an interrupted job again (it continues where it stopped). */
  'job:restart': Call<{ jobId: string }, JobStarted>;
  'job:dismiss': Call<{ jobId: string }, { dismissed: boolean }>;
  /** One report file of every transfer the filter lists. */
  'history:export-list': Call<{ format: ReportFormat; filter: HistoryFilter }, SavedFile>;
  /** Saves this station's public key, for the isolated side's "trusted station key". */
  'key:export': Call<Empty, SavedFile>;
  /** Records a receipt carried back from the isolated side, for incremental pulls. */
  'receipt:import': Call<{ file: string; trustedKeyFile?: string }, ReceiptImported>;
}

export interface IpcEvents {
  /** A long job's progress: phases, bytes, per-image results, log lines. */
  'job:event': JobEventMessage;
  /** A job started, paused, finished, failed or was cancelled (with its outcome). */
  'job:state': JobStateMessage;
}

export type Channel = keyof IpcContract;
export type EventChannel = keyof IpcEvents;
export type RequestOf<C extends Channel> = IpcContract[C]['request'];
export type ResponseOf<C extends Channel> = IpcContract[C]['response'];
export type EventOf<E extends EventChannel> = IpcEvents[E];

/** The one object the preload script exposes to the page (as `window.ferry`). */
export interface FerryApi {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Subscribes to an event channel; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventOf<E>) => void): () => void;
}

// ---- runtime validation -------------------------------------------------------------------------

const empty = object({});
const path = string({ min: 1, max: 4096 });
/** Which image signatures verify and push require: key files, or a policy file. */
const imageSignatures = object({
  keyFiles: optional(array(path, { max: 64 })),
  policyFile: optional(path),
});
const registry = string({ min: 1, max: 512, pattern: /^[^\s/]+(\/[^\s]*)?$/ });
const jobId = object({ jobId: string({ min: 1, max: 64 }) });
const connectionFields = {
  registry,
  insecure: boolean,
  tlsSkipVerify: boolean,
  caFile: optional(path),
};
const connection = object(connectionFields);
const moduleFilters = array(string({ min: 1, max: 200 }), { max: 500 });
const deckhouse = object({
  edition: string({ min: 1, max: 512, pattern: /^[^\s]+$/ }),
  deckhouseTag: optional(string({ min: 1, max: 128 })),
  sinceVersion: optional(string({ min: 1, max: 128 })),
  includeModules: moduleFilters,
  excludeModules: moduleFilters,
  platform: boolean,
  securityDatabases: boolean,
  modules: boolean,
});
const selection = {
  source: connection,
  deckhouse: optional(deckhouse),
  images: array(string({ min: 1, max: 1024 }), { max: 5000 }),
  imagesFile: optional(path),
  platforms: array(string({ min: 1, max: 64 }), { max: 32 }),
  signatures: boolean,
};
const size = integer({ min: 0 });
const date = string({ max: 40, pattern: /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/ });
const historyFilter = object({
  from: optional(date),
  to: optional(date),
  image: optional(string({ max: 1024 })),
  digest: optional(string({ max: 200 })),
  outcome: optional(oneOf(['succeeded', 'partial', 'failed', 'refused', 'cancelled', 'unfinished'] as const)),
});

export const requestValidators: { [C in Channel]: Validator<RequestOf<C>> } = {
  'app:info': empty,
  'registry:login': object({
    registry,
    username: string({ min: 1, max: 256 }),
    password: string({ min: 1, max: 8192 }),
    remember: boolean,
  }),
  'registry:logins': empty,
  'registry:forget': object({ registry }),
  'registry:test': object({
    ...connectionFields,
    side: optional(oneOf(['source', 'target'] as const)),
    login: optional(
      object({
        username: string({ min: 1, max: 256 }),
        password: string({ min: 1, max: 8192 }),
        remember: boolean,
      }),
    ),
  }),
  'images:preview': object(selection),
  'media:list': empty,
  'media:estimate': object({
    totalBytes: size,
    chunkSize: size,
    stickBytes: size,
    maxFileBytes: (v, p) => (v === null ? null : size(v, p)),
  }),
  'media:plan': object({ bundleDir: path, stickBytes: integer({ min: 1 }) }),
  'bundle:open': object({ folders: array(path, { min: 1, max: 64 }) }),
  'job:pull': object({
    ...selection,
    bundleDir: path,
    chunkSize: optional(integer({ min: 1 << 20 })),
    force: boolean,
    incremental: optional(boolean),
  }),
  'job:verify': object({
    folders: array(path, { min: 1, max: 64 }),
    trustedKeyFile: optional(path),
    imageSignatures: optional(imageSignatures),
  }),
  'job:push': object({
    folders: array(path, { min: 1, max: 64 }),
    target: connection,
    dryRun: boolean,
    trustedKeyFile: optional(path),
    imageSignatures: optional(imageSignatures),
  }),
  'job:copy': object({
    bundleDir: path,
    destination: path,
    stick: integer({ min: 1, max: 10_000 }),
    files: array(string({ min: 1, max: 512 }), { min: 1, max: 100_000 }),
  }),
  'job:cancel': jobId,
  'job:pause': jobId,
  'job:resume': jobId,
  'history:list': historyFilter,
  'history:detail': object({ transferId: string({ min: 1, max: 128 }) }),
  'history:audit': empty,
  'history:export': object({
    format: oneOf(['html', 'csv', 'json', 'pdf'] as const),
    transferId: string({ min: 1, max: 128 }),
  }),
  'dialog:choose': object({
    kind: oneOf(['folder', 'file'] as const),
    title: string({ max: 200 }),
    defaultPath: optional(path),
  }),
  'dialog:save': object({
    title: string({ max: 200 }),
    suggestedName: string({ min: 1, max: 255, pattern: /^[^/\\]+$/ }),
    content: string({ max: 64 << 20 }),
  }),
  // ---- issue 13, part B ----
  'bundle:find': empty,
  'media:eject': object({ mountPoint: path }),
  'job:list': empty,
  'job:retry': object({
    jobId: string({ min: 1, max: 64 }),
    source: optional(connection),
    target: optional(connection),
  }),
  'job:interrupted': empty,
  'job:restart': jobId,
  'job:dismiss': jobId,
  'history:export-list': object({
    format: oneOf(['html', 'csv', 'json', 'pdf'] as const),
    filter: historyFilter,
  }),
  'key:export': empty,
  'receipt:import': object({ file: path, trustedKeyFile: optional(path) }),
};

export const channels = Object.keys(requestValidators) as Channel[];

/** Event channels, listed once; the type check below keeps the list and IpcEvents in step. */
export const eventChannels = ['job:event', 'job:state'] as const satisfies readonly EventChannel[];
type MissingEvents = Exclude<EventChannel, (typeof eventChannels)[number]>;
const _allEventsListed: MissingEvents extends never ? true : never = true;
void _allEventsListed;

export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && Object.hasOwn(requestValidators, name);
export const isEventChannel = (name: unknown): name is EventChannel =>
  typeof name === 'string' && (eventChannels as readonly string[]).includes(name);
