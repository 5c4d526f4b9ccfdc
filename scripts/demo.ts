// `npm run demo`: the main job on built-in sample data. Starts two local registries (a plain-HTTP
// "internet" side and a TLS + password "air-gapped" side), seeds the first with sample images
// (multi-arch, signed, with an SBOM referrer), then runs the real CLI: pull into USB-sized chunks,
// inspect, verify, push, print the pull Secret, and show the ledger. Everything is removed at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/harness/registry.ts';
import { seedGeneric } from '../test/harness/seed-generic.ts';

const ferryBin = fileURLToPath(new URL('../bin/ferry.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ferry-demo-'));
const bundle = join(work, 'usb-stick');

function step(title: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const shown = args.map((a) => (a === process.env.FERRY_DEMO_HIDE ? '***' : a)).join(' ');
  process.stdout.write(`\n━━ ${title}\n$ ferry ${shown}\n`);
  // The demo's ledger lives in its own folder: sample transfers never enter the station's real history.
  const r = spawnSync(process.execPath, [ferryBin, ...args], {
    stdio: 'inherit',
    env: { ...process.env, FERRY_HOME: join(work, 'station'), ...env },
  });
  if (r.status !== 0) throw new Error(`ferry ${args[0]} exited with ${r.status}`);
}

const [source, target] = await Promise.all([startRegistry('http'), startRegistry('tls-auth')]);
try {
  process.stdout.write(
    `Source registry (connected side):  http://${source.host}\nTarget registry (isolated side):   https://${target.host} (TLS, htpasswd)\n`,
  );
  const seed = await seedGeneric(source, { images: 6, layerSize: 1 << 20, layersPerImage: 2 });
  const list = join(work, 'images.txt');
  writeFileSync(list, `${seed.imageRefs.join('\n')}\n`);
  process.stdout.write(
    `Seeded ${seed.imageRefs.length} sample images (${(seed.uniqueBlobBytes / 2 ** 20).toFixed(1)} MiB):\n  ${seed.imageRefs.join('\n  ')}\n`,
  );

  step('Connected side: pull into 2 MiB "sticks"', [
    'pull',
    bundle,
    '--images-file',
    list,
    '--insecure',
    '--chunk-size',
    '2MiB',
  ]);
  step('Look inside the bundle', ['inspect', bundle]);
  step('Isolated side: verify every byte', ['verify', bundle]);
  process.env.FERRY_DEMO_HIDE = target.password!;
  const env = {
    SSL_CERT_FILE: target.caFile!,
    D8_MIRROR_REGISTRY_LOGIN: target.username!,
    D8_MIRROR_REGISTRY_PASSWORD: target.password!,
  };
  step('Isolated side: push into the private registry', ['push', bundle, `${target.host}/mirror`], env);
  step('Pull Secret for the cluster', ['secret', target.host, '--namespace', 'default'], env);
  step('Auditor: the ledger of this station', ['history']);
  step('Auditor: nobody edited the history', ['audit', 'verify']);
  process.stdout.write('\nDone: every image arrived with its digest unchanged.\n');
} finally {
  await Promise.all([source.stop(), target.stop()]);
  rmSync(work, { recursive: true, force: true });
}
