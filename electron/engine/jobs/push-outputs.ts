// The files a cluster needs after a push, made once for the CLI and the app: the pull Secret for the
// target registry, the ModuleSource pointing a Deckhouse cluster at the pushed modules, and the
// station's signed receipt of what arrived (it travels back to the connected side for incremental
// pulls). Each adapter decides what to write where; the content is the engine's.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { joinPath } from '../bundle/d8-layout.ts';
import { normalizeModulesSuffix } from '../deckhouse/layout-paths.ts';
import {
  moduleSource,
  moduleSourceFile,
  moduleSourcePreview,
  type ModuleSourceOptions,
} from '../deckhouse/module-source.ts';
import { IoError } from '../errors.ts';
import { pullSecretYaml, type RegistryLogin } from '../k8s/pull-secret.ts';
import { issueReceipt, writeReceipt } from '../ledger/receipts.ts';
import type { Station } from '../ledger/station.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import type { PushReport } from './push.ts';

export interface PushOutputsRequest {
  /** The push target, `host[:port][/path]`. */
  target: string;
  report: PushReport;
  login?: { username?: string | undefined; password?: string | undefined };
  /** The target speaks plain HTTP (the ModuleSource's scheme). */
  insecure: boolean;
  /** The CA the target's certificate chains to, for the ModuleSource's `ca`. */
  ca?: { file: string; /** how the person named it, for the error */ name: string; hint?: string };
  /** A ModuleSource even for a bundle without modules (`--module-source FILE` asks for one). */
  moduleSource?: boolean;
  /** Deckhouse: the modules path when the report names none. */
  modulesPathSuffix?: string;
  /** Sign a receipt with this station's key and keep it in its data folder. */
  receipt?: Station;
}

export interface ModuleSourceOutput {
  /** `<registry>/<modules repository>` */
  repo: string;
  /** The modules pushed whole. */
  names: string[];
  /** The ModuleSource resource alone, credentials in its dockerCfg. */
  yaml: string;
  /** The ModuleSource and (with a login) the pull Secret: what `--module-source FILE` holds. */
  file: string;
  /** For a terminal: credentials left out, with a note where they are (`written` names the file). */
  preview(written?: string): string;
}

export interface PushOutputs {
  /** kubernetes.io/dockerconfigjson Secret for the target; only with a login. */
  pullSecret?: string;
  moduleSource?: ModuleSourceOutput;
  receipt?: { file: string; json: string };
}

async function readCa(ca: NonNullable<PushOutputsRequest['ca']>): Promise<string> {
  try {
    return await readFile(ca.file, 'utf8');
  } catch (err) {
    throw new IoError(
      `cannot read ${ca.name} for the ModuleSource's ca: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}${ca.hint ?? ''}`,
      { cause: err },
    );
  }
}

async function moduleSourceOf(
  request: PushOutputsRequest,
  login: RegistryLogin | undefined,
): Promise<ModuleSourceOutput> {
  const { registry, path } = parseRepositoryPath(request.target);
  const modules = request.report.modules;
  const repository = modules?.repository ?? joinPath(path, normalizeModulesSuffix(request.modulesPathSuffix));
  const ca = request.ca ? await readCa(request.ca) : undefined;
  const options: ModuleSourceOptions = {
    repo: `${registry}/${repository}`,
    host: registry,
    insecure: request.insecure,
    ...(ca ? { ca } : {}),
    ...(login ? { login } : {}),
  };
  return {
    repo: options.repo,
    names: modules?.names ?? [],
    yaml: stringify(moduleSource(options)),
    file: moduleSourceFile(options),
    preview: (written) => moduleSourcePreview(options, written),
  };
}

/** The files for a push that happened (not a dry run). */
export async function pushOutputs(request: PushOutputsRequest): Promise<PushOutputs> {
  const { registry } = parseRepositoryPath(request.target);
  const { username, password } = request.login ?? {};
  const login = username && password ? { host: registry, username, password } : undefined;
  const out: PushOutputs = {};
  if (login) out.pullSecret = pullSecretYaml(login);
  if (request.report.modules || request.moduleSource) out.moduleSource = await moduleSourceOf(request, login);
  const station = request.receipt;
  if (station && request.report.images.some((i) => i.status === 'pushed')) {
    const folder = join(station.home, 'receipts');
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${request.report.transferId}.receipt.json`);
    const receipt = issueReceipt(station, request.report.transferId);
    await writeReceipt(file, receipt);
    out.receipt = { file, json: `${JSON.stringify(receipt, null, 2)}\n` };
  }
  return out;
}
