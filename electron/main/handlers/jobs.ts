// The long jobs as thin adapters over the engine's own jobs — the same pull, verify and push the CLI
// runs — with the station's ledger and key, the app's logins, and progress streamed as job events.
import type {
  CopyJobRequest,
  CopyResult,
  PullJobRequest,
  PullResult,
  PushJobRequest,
  PushResult,
  VerifyJobRequest,
  VerifyResult,
} from '../../../shared/dto.ts';
import { groupImages } from '../../../shared/counts.ts';
import { checkManifestSignature, verify } from '../../engine/api/bundles.ts';
import { parseRepositoryPath } from '../../engine/api/input.ts';
import { pull } from '../../engine/api/pull.ts';
import { push, pushOutputs } from '../../engine/api/push.ts';
import { readTrustedKey, type Station } from '../../engine/api/station.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import type { JobRequest, RetryRequest } from '../../../shared/jobs.ts';
import type { JobContext, JobSpec } from '../jobs/job-runner.ts';
import { signatureInfo } from './bundle.ts';
import { imageSignatureInfo, signaturePolicyOf } from './image-signatures.ts';
import { transportFor } from './connection.ts';
import { pullSelectionOf } from './selection.ts';

export interface JobDeps {
  station: Station;
  credentials: CredentialStore;
  env: NodeJS.ProcessEnv;
}

export async function runPull(
  request: PullJobRequest,
  deps: JobDeps,
  context: JobContext,
): Promise<PullResult> {
  const options = {
    bundleDir: request.bundleDir,
    ...(request.chunkSize ? { chunkSize: request.chunkSize } : {}),
    signatures: request.signatures,
    transport: transportFor(request.source, deps.credentials.source(), deps.env, 'source'),
    resume: true,
    ...(request.incremental ? { incremental: true } : {}),
    // Only the first run may replace an earlier bundle: a resume must keep what the paused run wrote.
    force: request.force && context.attempt === 0,
    station: deps.station,
    signal: context.signal,
    onEvent: context.emit,
  };
  const manifest = await pull({ ...options, ...(await pullSelectionOf(request)) });
  return {
    transferId: manifest.transferId,
    bundleDir: request.bundleDir,
    totals: manifest.totals,
    images: distinctImages(manifest.images),
    files: manifest.archives.flatMap((a) =>
      a.parts.map((p) => ({ file: p.file, size: p.size, sha256: p.sha256 })),
    ),
    signature: signatureInfo(await checkManifestSignature(request.bundleDir)),
  };
}

/** One row per image (source repository and digest: shared/counts.ts), however many channels or
 *  targets list it. */
function distinctImages(images: Array<{ source: string; digest: string; size: number }>) {
  return groupImages(images).map(([i]) => ({ source: i!.source, digest: i!.digest, size: i!.size }));
}

export async function runVerify(
  request: VerifyJobRequest,
  deps: JobDeps,
  context: JobContext,
): Promise<VerifyResult> {
  const signaturePolicy = await signaturePolicyOf(request.imageSignatures);
  const report = await verify(request.folders, {
    station: deps.station,
    ...(request.trustedKeyFile ? { trustedKey: await readTrustedKey(request.trustedKeyFile) } : {}),
    ...(signaturePolicy ? { signaturePolicy } : {}),
    signal: context.signal,
    onEvent: context.emit,
  });
  const verdicts = new Map((report.imageSignatures ?? []).map((s) => [s.source, s.verdict]));
  const stickOf = new Map(report.files.flatMap((f) => (f.folder ? [[f.file, f.folder] as const] : [])));
  // A damaged blob may span several chunk files (engine: "a, b"), and those may sit on several sticks.
  const withStick = <T extends { file?: string }>(x: T) => {
    const sticks = [...new Set((x.file ?? '').split(', ').flatMap((f) => stickOf.get(f) ?? []))];
    return sticks.length ? { ...x, stick: sticks.join(', ') } : x;
  };
  return {
    ok: report.ok,
    transferId: report.transferId,
    seconds: report.seconds,
    blobsChecked: report.blobsChecked,
    bytesChecked: report.bytesChecked,
    files: report.files.map(({ folder: _folder, ...f }) => withStick(f)),
    images: report.images.map((i) => {
      const verdict = verdicts.get(i.source);
      return verdict ? { ...i, signature: imageSignatureInfo(verdict) } : i;
    }),
    problems: report.problems.map((p) =>
      withStick({ kind: p.kind, message: p.message, images: p.images, ...(p.file ? { file: p.file } : {}) }),
    ),
    signature: signatureInfo(report.signature),
  };
}

export async function runPush(
  request: PushJobRequest,
  deps: JobDeps,
  context: JobContext,
): Promise<PushResult> {
  const signaturePolicy = await signaturePolicyOf(request.imageSignatures);
  const report = await push({
    bundleDir: request.folders,
    target: request.target.registry.trim(),
    transport: transportFor(request.target, deps.credentials.source(), deps.env, 'target'),
    dryRun: request.dryRun,
    station: deps.station,
    ...(request.trustedKeyFile ? { trustedKey: await readTrustedKey(request.trustedKeyFile) } : {}),
    ...(signaturePolicy ? { signaturePolicy } : {}),
    signal: context.signal,
    onEvent: context.emit,
  });
  const result: PushResult = {
    ok: report.ok,
    dryRun: request.dryRun,
    transferId: report.transferId,
    registry: report.registry,
    images: report.images.map((i) => ({
      source: i.source,
      target: i.target,
      digest: i.digest,
      status: i.status,
      ...(i.error ? { error: i.error } : {}),
      ...(i.signatureVerdict ? { signature: imageSignatureInfo(i.signatureVerdict) } : {}),
    })),
  };
  if (request.dryRun) return result;
  const { registry } = parseRepositoryPath(request.target.registry.trim());
  const held = deps.credentials.get(registry);
  const outputs = await pushOutputs({
    target: request.target.registry.trim(),
    report,
    ...(held ? { login: held } : {}),
    insecure: request.target.insecure,
    ...(request.target.caFile
      ? {
          ca: {
            file: request.target.caFile,
            name: `the CA file ${request.target.caFile}`,
            hint: "; check the Target step's CA file and push again",
          },
        }
      : {}),
    // The receipt travels back to the connected side: what arrived, signed by this station.
    receipt: deps.station,
  });
  if (outputs.pullSecret) result.pullSecretYaml = outputs.pullSecret;
  // A Deckhouse bundle (push reports its modules): the ModuleSource that points a cluster at them.
  if (outputs.moduleSource) result.moduleSourceYaml = outputs.moduleSource.yaml;
  if (outputs.receipt) result.receipt = outputs.receipt;
  return result;
}

/**
 * The runner's spec of each job the app starts: its run over the engine, its title in the user's
 * words, what it was started with (for a reloaded page and a retry) and the folder it writes.
 */
export function jobSpecOf(started: JobRequest, deps: JobDeps, copy: CopyRunner): JobSpec {
  switch (started.kind) {
    case 'pull': {
      const r = started.request;
      return {
        kind: 'pull',
        title: `Pull into ${r.bundleDir}`,
        started,
        writes: r.bundleDir,
        run: (c) => runPull(r, deps, c),
      };
    }
    case 'verify': {
      const r = started.request;
      return {
        kind: 'verify',
        title: `Check ${r.folders.join(' + ')}`,
        started,
        run: (c) => runVerify(r, deps, c),
      };
    }
    case 'push': {
      const r = started.request;
      return {
        kind: 'push',
        title: `${r.dryRun ? 'Dry run of a push' : 'Push'} to ${r.target.registry.trim()}`,
        started,
        run: (c) => runPush(r, deps, c),
      };
    }
    case 'copy': {
      const r = started.request;
      return {
        kind: 'copy',
        title: `Copy stick ${r.stick} to ${r.destination}`,
        started,
        writes: r.destination,
        run: (c) => copy(r, c),
      };
    }
  }
}

export type CopyRunner = (request: CopyJobRequest, context: JobContext) => Promise<CopyResult>;

/** A failed job's request with the connection the person corrected (the side it failed on). */
export function correctedRequest(started: JobRequest, fix: Omit<RetryRequest, 'jobId'>): JobRequest {
  if (started.kind === 'pull' && fix.source)
    return { kind: 'pull', request: { ...started.request, source: fix.source, force: false } };
  if (started.kind === 'pull') return { kind: 'pull', request: { ...started.request, force: false } };
  if (started.kind === 'push' && fix.target)
    return { kind: 'push', request: { ...started.request, target: fix.target } };
  return started;
}
