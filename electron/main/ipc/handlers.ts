// Every IPC channel's handler, built over the engine and the station. This module never imports
// 'electron': what it needs from Electron (dialogs, PDF printing, safeStorage inside the credential
// store) is passed in, so the test bridge registers exactly these handlers over HTTP.

import { isAbsolute } from 'node:path';
import type { ChooseRequest, Drive, MediaListing } from '../../../shared/dto.ts';
import type { JobRequest } from '../../../shared/jobs.ts';
import type { Channel, RequestOf, ResponseOf } from '../../../shared/ipc.ts';
import { toFerryError, UsageError } from '../../engine/api/errors.ts';
import { writeFileAtomic } from '../../engine/api/files.ts';
import { copyToStick, ejectDrive, estimateMedia, planBundleSticks } from '../../engine/api/media.ts';
import { importReceipt } from '../../engine/api/push.ts';
import { readTrustedKey } from '../../engine/api/station.ts';
import type { Station } from '../../engine/api/station.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { findBundles, openBundle } from '../handlers/bundle.ts';
import { auditStatus, listTransfers, reportText, transferDetail } from '../handlers/history.ts';
import { previewSelection } from '../handlers/selection.ts';
import { transportFor } from '../handlers/connection.ts';
import { correctedRequest, jobSpecOf, type CopyRunner } from '../handlers/jobs.ts';
import { exportTransfers } from '../handlers/history-export.ts';
import { testConnection } from '../handlers/registry.ts';
import type { JobJournal } from '../jobs/job-journal.ts';
import type { JobRunner } from '../jobs/job-runner.ts';

export type Handlers = { [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

/** What the handlers need from the desktop shell (native dialogs, printing). */
export interface Shell {
  choose(request: ChooseRequest): Promise<string | null>;
  /** Asks where to save; null when the person cancels. */
  saveAs(title: string, suggestedName: string): Promise<string | null>;
  /** Prints an HTML page to PDF (Electron's printToPDF); absent where there is no Electron. */
  printToPdf?(html: string): Promise<Buffer>;
}

export interface HandlerDeps {
  station: Station;
  credentials: CredentialStore;
  jobs: JobRunner;
  /** The pulls and pushes a previous run left unfinished (absent: none are kept). */
  journal?: JobJournal;
  listDrives: () => Promise<MediaListing>;
  /** Ejects a listed drive (default: the operating system's own eject). */
  eject?: (drive: Drive) => Promise<void>;
  shell: Shell;
  env: NodeJS.ProcessEnv;
  platform: string;
  version: string;
}

/** Marks a message written for the app's screens (the page shows it as it is, see renderer/errors.ts). */
const inAppWords = { details: { inAppWords: true } };

/** Paths come from the page: only absolute ones, so nothing depends on the app's working folder. */
function absolute<T extends string | undefined>(path: T, what: string): T {
  if (path !== undefined && !isAbsolute(path))
    throw new UsageError(`${what} '${path}' is not a full path: choose it with Browse…`, inAppWords);
  return path;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { station, credentials, jobs, env } = deps;
  const jobDeps = { station, credentials, env };
  const logins = () => credentials.source();
  const control = (ok: boolean, jobId: string) => ({ jobId, changed: ok });
  let currentPreview: AbortController | undefined;
  const copy: CopyRunner = (r, c) => copyToStick(r, { signal: c.signal, onEvent: c.emit });
  const start = (started: JobRequest) => jobs.start(jobSpecOf(started, jobDeps, copy));
  /** Saves text or bytes where the person chooses; null when they cancel the dialog. */
  const saveAs = async (title: string, name: string, content: string | Buffer) => {
    const path = await deps.shell.saveAs(title, name);
    if (path === null) return { path: null };
    await writeFileAtomic(path, content).catch((err: unknown) => {
      throw toFerryError(err);
    });
    return { path };
  };

  return {
    'app:info': async () => ({
      version: deps.version,
      platform: deps.platform,
      dataFolder: station.home,
      credentialStorage: credentials.storage(),
    }),
    'registry:login': async (r) => credentials.save(r),
    'registry:logins': async () => credentials.list(),
    'registry:forget': async (r) => ({ forgotten: credentials.forget(r.registry) }),
    'registry:test': async ({ side, login, ...r }) =>
      testConnection({ ...r, caFile: absolute(r.caFile, 'CA file') }, credentials, env, side, login),
    'images:preview': async (r) => {
      absolute(r.imagesFile, 'images file');
      // A new preview replaces the one still asking the registry: the page shows only the newest.
      currentPreview?.abort();
      const controller = new AbortController();
      currentPreview = controller;
      try {
        return await previewSelection(r, {
          transport: transportFor(r.source, logins(), env, 'source'),
          signatures: r.signatures,
          signal: controller.signal,
        });
      } finally {
        if (currentPreview === controller) currentPreview = undefined;
      }
    },
    'media:list': async () => deps.listDrives(),
    'media:estimate': async (r) => estimateMedia(r),
    'media:plan': async (r) =>
      (await planBundleSticks(absolute(r.bundleDir, 'bundle folder'), r.stickBytes)).plan,
    'bundle:open': async (r) => {
      r.folders.forEach((f) => absolute(f, 'folder'));
      return openBundle(r.folders);
    },
    'job:pull': async (r) => {
      absolute(r.bundleDir, 'bundle folder');
      absolute(r.imagesFile, 'images file');
      return start({ kind: 'pull', request: r });
    },
    'job:verify': async (r) => {
      r.folders.forEach((f) => absolute(f, 'bundle folder'));
      return start({ kind: 'verify', request: r });
    },
    'job:push': async (r) => {
      r.folders.forEach((f) => absolute(f, 'bundle folder'));
      return start({ kind: 'push', request: r });
    },
    'job:copy': async (r) => {
      absolute(r.bundleDir, 'bundle folder');
      absolute(r.destination, 'stick folder');
      return start({ kind: 'copy', request: r });
    },
    'job:cancel': async (r) => control(jobs.cancel(r.jobId), r.jobId),
    'job:pause': async (r) => control(jobs.pause(r.jobId), r.jobId),
    'job:resume': async (r) => control(jobs.resume(r.jobId), r.jobId),
    'history:list': async (r) => listTransfers(station, r),
    'history:detail': async (r) => transferDetail(station, r.transferId),
    'history:audit': async () => auditStatus(station),
    'history:export': async (r) => {
      const base = `ferry-report-${r.transferId.slice(0, 8)}`;
      let content: string | Buffer;
      if (r.format === 'pdf') {
        if (!deps.shell.printToPdf) {
          throw new UsageError(
            'PDF export needs the desktop app: export HTML and print it to PDF from a browser',
            inAppWords,
          );
        }
        content = await deps.shell.printToPdf(reportText(station, r.transferId, 'html'));
      } else {
        content = reportText(station, r.transferId, r.format);
      }
      return saveAs('Export report', `${base}.${r.format}`, content);
    },
    'bundle:find': async () => findBundles((await deps.listDrives()).drives),
    'media:eject': async (r) => {
      const drive = (await deps.listDrives()).drives.find((d) => d.mountPoint === r.mountPoint);
      if (!drive) {
        throw new UsageError(
          `no stick is mounted at ${r.mountPoint} any more: it may be ejected already, so it is safe to unplug`,
          inAppWords,
        );
      }
      await (deps.eject ?? ((d: Drive) => ejectDrive(d, { platform: deps.platform })))(drive);
      return { label: drive.label };
    },
    'job:list': async () => jobs.list(),
    'job:retry': async (r) => {
      const job = jobs.get(r.jobId);
      if (!job) return control(false, r.jobId);
      absolute(r.source?.caFile, 'CA file');
      absolute(r.target?.caFile, 'CA file');
      const fixed = correctedRequest(job.started, r);
      return control(jobs.retry(r.jobId, jobSpecOf(fixed, jobDeps, copy)), r.jobId);
    },
    'job:interrupted': async () => deps.journal?.interrupted() ?? [],
    'job:restart': async (r) => {
      const found = deps.journal?.interrupted().find((j) => j.jobId === r.jobId);
      if (!found)
        throw new UsageError(
          'that transfer is no longer waiting to resume: start it again from the start screen',
        );
      const again: JobRequest =
        found.started.kind === 'pull'
          ? { kind: 'pull', request: { ...found.started.request, force: false } }
          : found.started;
      const started = start(again);
      deps.journal?.take(r.jobId);
      return started;
    },
    'job:dismiss': async (r) => ({ dismissed: deps.journal?.take(r.jobId) !== undefined }),
    'history:export-list': async (r) => {
      const print = deps.shell.printToPdf ? (html: string) => deps.shell.printToPdf!(html) : undefined;
      const { name, content } = await exportTransfers(station, r.filter, r.format, print);
      return saveAs('Export transfers', name, content);
    },
    'key:export': async () => {
      const key = station.key;
      return saveAs('Export the station key', 'ferry-station.pub', key.publicKeyPem());
    },
    'receipt:import': async (r) => {
      absolute(r.file, 'receipt file');
      absolute(r.trustedKeyFile, 'trusted station key');
      const trusted = r.trustedKeyFile ? await readTrustedKey(r.trustedKeyFile) : undefined;
      const imported = await importReceipt(station, r.file, trusted);
      return {
        receiptId: imported.receipt.receiptId,
        transferId: imported.receipt.transferId,
        recorded: imported.recorded,
        blobs: imported.blobs,
        bytes: imported.bytes,
        registries: [...new Set(imported.receipt.pushes.map((p) => p.registry))],
        signedBy: imported.fingerprint,
      };
    },
    'dialog:choose': async (r) => ({ path: await deps.shell.choose(r) }),
    'dialog:save': async (r) => saveAs(r.title, r.suggestedName, r.content),
  };
}
