// `d8 mirror push`'s extras on `ferry push`: the modules path suffix, and the ModuleSource that points
// a cluster at the pushed modules (printed without credentials; written whole by --module-source).
import { readFile } from 'node:fs/promises';
import { joinPath } from '../engine/bundle/d8-layout.ts';
import { normalizeModulesSuffix } from '../engine/deckhouse/layout-paths.ts';
import {
  moduleSourceFile,
  moduleSourcePreview,
  type ModuleSourceOptions,
} from '../engine/deckhouse/module-source.ts';
import { IoError } from '../engine/errors.ts';
import type { PushReport } from '../engine/jobs/push.ts';
import { parseRepositoryPath } from '../engine/ref/reference.ts';
import type { CommandIO, OptionSpec, ParsedArgs } from './command.ts';
import type { NoEffectFlags } from './deckhouse-flags.ts';
import { writeFileAtomic } from '../engine/util/write-file-atomic.ts';

/** `d8 mirror push` flags that change nothing in Ferry (see deckhouse-flags.ts noEffectNotes). */
export const pushNoEffectFlags: NoEffectFlags = {
  'tmp-dir': {
    type: 'string',
    arg: 'DIR',
    help: 'd8 compatibility: where d8 unpacks the bundle',
    noEffect: 'Ferry reads blobs straight out of the archives and needs no temporary space',
  },
};

export const deckhousePushFlags: Record<string, OptionSpec> = {
  ...pushNoEffectFlags,
  'modules-path-suffix': {
    type: 'string',
    arg: 'PATH',
    help: 'Deckhouse bundles: put modules under <path>/PATH (default /modules)',
  },
  'module-source': {
    type: 'string',
    arg: 'FILE',
    help: 'Deckhouse bundles: write a ModuleSource (and the pull Secret) for the pushed modules to FILE',
  },
};

async function caFrom(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = env.SSL_CERT_FILE;
  if (!file) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new IoError(
      `cannot read SSL_CERT_FILE ${file} for the ModuleSource's ca: ${(err as NodeJS.ErrnoException).code ?? ''}`,
      {
        cause: err,
      },
    );
  }
}

/** After a push: print the ModuleSource for a Deckhouse bundle's modules, and write it when asked. */
export async function reportModuleSource(
  args: ParsedArgs,
  io: CommandIO,
  target: string,
  report: PushReport,
  login: { username?: string | undefined; password?: string | undefined },
): Promise<void> {
  const file = args.values['module-source'] as string | undefined;
  if (args.values['dry-run'] || (!report.modules && file === undefined)) return;
  const { registry, path } = parseRepositoryPath(target);
  const repository =
    report.modules?.repository ??
    joinPath(path, normalizeModulesSuffix(args.values['modules-path-suffix'] as string | undefined));
  const ca = await caFrom(io.env);
  const options: ModuleSourceOptions = {
    repo: `${registry}/${repository}`,
    host: registry,
    insecure: args.values.insecure === true,
    ...(ca ? { ca } : {}),
    ...(login.username && login.password
      ? { login: { host: registry, username: login.username, password: login.password } }
      : {}),
  };
  if (file !== undefined) await writeFileAtomic(file, moduleSourceFile(options), 0o600);
  if (args.values.json) return;
  const names = report.modules?.names ?? [];
  io.stdout.write(
    `\nModuleSource for ${names.length} module(s) at ${options.repo}${file ? ` (written to ${file})` : ''}:\n${moduleSourcePreview(options, file)}`,
  );
}
