import { startRegistry } from './registry.ts';
import { createRegistryClient } from './registry-client.ts';
import { randomBytes } from 'node:crypto';
for (const v of ['http', 'tls-auth'] as const) {
const reg = await startRegistry(v);
const c = createRegistryClient(reg);
const b = randomBytes(100);
await c.pushBlob('a/b', b);
let t = performance.now();
for (let i = 0; i < 200; i++) await c.raw('GET', '/v2/');
console.log(v, 'GET /v2/ ms/req', ((performance.now() - t) / 200).toFixed(2));
t = performance.now();
for (let i = 0; i < 200; i++) await c.pushBlob('a/b', b);
console.log(v, 'HEAD blob ms/req', ((performance.now() - t) / 200).toFixed(2));
t = performance.now();
for (let i = 0; i < 100; i++) await c.pushBlob('a/b', randomBytes(100));
console.log(v, 'upload ms/blob', ((performance.now() - t) / 100).toFixed(2));
t = performance.now();
await Promise.all(Array.from({length: 100}, () => c.pushBlob('a/c', randomBytes(100))));
console.log(v, 'parallel upload ms/blob', ((performance.now() - t) / 100).toFixed(2));
await c.close(); await reg.stop();
}
