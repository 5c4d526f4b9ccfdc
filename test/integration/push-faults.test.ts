// Push through a 10% rate of connections dropped mid-body — uploads cut off halfway through their
// body, and answers cut off halfway — must still deliver every image. The fault server, because a
// real registry cannot be made to drop a connection in the middle of an upload.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOneLayerImage, startFaultServer, type FaultServer } from '../harness/fault-server.ts';
import { ferry } from '../support/cli.ts';

let server: FaultServer;
let work: string;
let bundle: string;
const refs: string[] = [];
const layers: string[] = [];
// Faults are drawn before the token check: aim them at requests that carry a token.
const authorized = (req: IncomingMessage) => req.headers.authorization !== undefined;

beforeAll(async () => {
  server = await startFaultServer({ auth: 'bearer', referrersApi: false, seed: 7 });
  for (let i = 0; i < 8; i++) {
    const image = addOneLayerImage(server, `vendor/img-${i}`, '1.0', randomBytes(256 << 10));
    refs.push(image.ref);
    layers.push(image.layerDigest);
  }
  work = mkdtempSync(join(tmpdir(), 'ferry-push-faults-'));
  bundle = join(work, 'bundle');
  const pulled = await ferry(['pull', bundle, ...refs.flatMap((r) => ['--image', r]), '--insecure']);
  expect(pulled.code).toBe(0);
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('push through faults', () => {
  it('pushes every image under a 10% rate of mid-body resets on uploads and answers', async () => {
    const drop = { when: authorized, rate: 0.1, action: { kind: 'drop-mid-body' } } as const;
    server.inject({ ...drop, method: 'PUT', path: /\/blobs\/uploads\// });
    server.inject({ ...drop, method: 'PATCH', path: /\/blobs\/uploads\// });
    server.inject({ ...drop, method: 'PUT', path: /\/manifests\// });
    server.inject({ ...drop, method: 'GET', path: /^\/v2\/.+/ });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await ferry(['push', bundle, `${server.host}/copy-${i}`, '--insecure']);
      expect(r.stderr).not.toMatch(/error/i);
      codes.push(r.code);
      for (let k = 0; k < refs.length; k++)
        expect(server.hasBlobIn(`copy-${i}/vendor/img-${k}`, layers[k]!)).toBe(true);
    }
    expect(codes).toEqual([0, 0, 0, 0]);
    // Uploads were cut off (blob and manifest PUTs), not only answers.
    const [blobPuts = 0, , manifestPuts = 0] = server.faultHits();
    expect(blobPuts).toBeGreaterThan(2);
    expect(manifestPuts).toBeGreaterThan(0);
  }, 120_000);
});
