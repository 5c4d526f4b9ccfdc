// The Deckhouse ModuleSource the Import Done step offers after a Deckhouse bundle was pushed: the
// same resource `ferry push --module-source FILE` writes (engine/deckhouse/module-source.ts), built
// from the Target step's connection instead of flags. The pull Secret has its own box on that step,
// so this text is the ModuleSource alone; its dockerCfg carries the login the app holds.
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { RegistryConnection } from '../../../shared/dto.ts';
import { IoError, moduleSource, type ModuleSourceOptions, type RegistryLogin } from '../../engine/api.ts';

async function caOf(connection: RegistryConnection): Promise<string | undefined> {
  if (!connection.caFile) return undefined;
  try {
    return await readFile(connection.caFile, 'utf8');
  } catch (err) {
    throw new IoError(
      `cannot read the CA file ${connection.caFile} for the ModuleSource: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}; check the Target step's CA file and push again`,
      { cause: err },
    );
  }
}

/**
 * A ModuleSource (deckhouse.io/v1alpha1) for the modules pushed to `<registry>/<modulesRepository>`:
 * scheme HTTP for a plain-HTTP registry, else HTTPS with the CA file the person gave as `ca`.
 */
export async function moduleSourceYaml(
  connection: RegistryConnection,
  registry: string,
  modulesRepository: string,
  login?: RegistryLogin,
): Promise<string> {
  const ca = await caOf(connection);
  const options: ModuleSourceOptions = {
    repo: `${registry}/${modulesRepository}`,
    host: registry,
    insecure: connection.insecure,
    ...(ca ? { ca } : {}),
    ...(login ? { login } : {}),
  };
  return stringify(moduleSource(options));
}
