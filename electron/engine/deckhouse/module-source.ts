// What a cluster needs to find the pushed modules: a ModuleSource (deckhouse.io/v1alpha1) whose
// spec.registry.repo is the modules repository in the private registry, with dockerCfg (base64 of
// a docker config.json with the credentials), scheme HTTPS (HTTP with --insecure) and the registry's
// CA when SSL_CERT_FILE named one; and the kubernetes.io/dockerconfigjson Secret for the same login.
import { stringify } from 'yaml';
import { dockerConfigJson, pullSecretYaml, type RegistryLogin } from '../k8s/pull-secret.ts';

export interface ModuleSourceOptions {
  /** The modules repository: `<registry>/<path><modules-path-suffix>`. */
  repo: string;
  /** The registry host the credentials are for. */
  host: string;
  login?: RegistryLogin;
  insecure?: boolean;
  /** PEM of the CA the registry's certificate chains to. */
  ca?: string;
  /** metadata.name (default 'deckhouse', the source a Deckhouse cluster reads its modules from). */
  name?: string;
}

/** base64 of `{"auths":{"<host>":{...}}}`; an anonymous registry gets an entry with no credentials. */
export function dockerCfg(host: string, login?: RegistryLogin): string {
  const json = login ? dockerConfigJson(login) : JSON.stringify({ auths: { [host]: {} } });
  return Buffer.from(json).toString('base64');
}

export function moduleSource(options: ModuleSourceOptions, withCredentials = true): Record<string, unknown> {
  const registry: Record<string, string> = { repo: options.repo };
  if (withCredentials) registry.dockerCfg = dockerCfg(options.host, options.login);
  registry.scheme = options.insecure ? 'HTTP' : 'HTTPS';
  if (options.ca) registry.ca = options.ca;
  return {
    apiVersion: 'deckhouse.io/v1alpha1',
    kind: 'ModuleSource',
    metadata: { name: options.name ?? 'deckhouse' },
    spec: { registry },
  };
}

/** The file `--module-source FILE` writes: the ModuleSource, then (with a login) the pull Secret. */
export function moduleSourceFile(options: ModuleSourceOptions): string {
  const docs = [stringify(moduleSource(options))];
  if (options.login) docs.push(pullSecretYaml(options.login));
  return docs.join('---\n');
}

/** The ModuleSource for a terminal: credentials left out, with a comment saying where they are. */
export function moduleSourcePreview(options: ModuleSourceOptions, file?: string): string {
  const note = options.login
    ? `# dockerCfg (the registry credentials) is left out here; ${file ? `${file} has` : 'ferry push --module-source FILE writes'} the complete resource\n`
    : '';
  return note + stringify(moduleSource(options, !options.login));
}
