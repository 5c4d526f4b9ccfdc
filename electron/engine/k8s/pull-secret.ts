// What a cluster needs to pull from the private registry: a kubernetes.io/dockerconfigjson Secret.
import { stringify } from 'yaml';

export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

/** `{"auths":{"<host>":{"username","password","auth"}}}`: docker's config.json shape. */
export function dockerConfigJson(login: RegistryLogin): string {
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
  return JSON.stringify({
    auths: { [login.host]: { username: login.username, password: login.password, auth } },
  });
}

export function pullSecretYaml(login: RegistryLogin, name = 'ferry-registry', namespace?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(dockerConfigJson(login)).toString('base64') },
  });
}
