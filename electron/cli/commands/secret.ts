// `ferry secret`: the kubernetes.io/dockerconfigjson Secret a cluster needs for imagePullSecrets.
import { UsageError } from '../../engine/api/errors.ts';
import { parseRepositoryPath } from '../../engine/api/input.ts';
import { pullSecretYaml } from '../../engine/api/push.ts';
import type { Command } from '../command.ts';

export const secretCommand: Command = {
  name: 'secret',
  usage: 'ferry secret <registry-host[:port]> -u USER -p PASS [--name N] [--namespace NS]',
  options: {
    'registry-login': {
      type: 'string',
      short: 'u',
      arg: 'USER',
      help: 'registry login (env D8_MIRROR_REGISTRY_LOGIN)',
    },
    'registry-password': {
      type: 'string',
      short: 'p',
      arg: 'PASS',
      help: 'registry password (env D8_MIRROR_REGISTRY_PASSWORD)',
    },
    name: { type: 'string', arg: 'NAME', help: 'Secret name (default ferry-registry)' },
    namespace: { type: 'string', arg: 'NS', help: 'Secret namespace (default: none, kubectl picks)' },
  },
  async run(args, io) {
    const [target, ...extra] = args.positionals;
    if (!target || extra.length)
      throw new UsageError('usage: ferry secret <registry-host[:port]> -u USER -p PASS');
    const { registry } = parseRepositoryPath(target);
    const username = (args.values['registry-login'] as string | undefined) ?? io.env.D8_MIRROR_REGISTRY_LOGIN;
    const password =
      (args.values['registry-password'] as string | undefined) ?? io.env.D8_MIRROR_REGISTRY_PASSWORD;
    if (!username || !password)
      throw new UsageError('a pull Secret needs the registry login and password: pass -u USER -p PASS');
    io.stdout.write(
      pullSecretYaml(
        { host: registry, username, password },
        args.values.name as string | undefined,
        args.values.namespace as string | undefined,
      ),
    );
    return 0;
  },
};
