import { startRegistry } from '/work/main/test/harness/registry.ts';
import { seedGeneric, seedDeckhouse } from '/work/main/test/harness/fixtures.ts';
for (const v of ['http', 'tls', 'tls-auth'] as const) {
  let t = performance.now();
  const reg = await startRegistry(v);
  const start = performance.now() - t;
  t = performance.now();
  const g = await seedGeneric(reg);
  const tg = performance.now() - t;
  t = performance.now();
  const d = await seedDeckhouse(reg);
  const td = performance.now() - t;
  console.log(v, 'start', start.toFixed(0), 'generic', tg.toFixed(0), 'deckhouse', td.toFixed(0), 'manifests', g.manifests.length, d.manifests.length, 'blobs', d.blobs.length, 'bytes', d.uniqueBlobBytes);
  await reg.stop();
}
{
  const reg = await startRegistry('http');
  const t = performance.now();
  const g = await seedGeneric(reg, { images: 16, layerSize: 4 << 20, layersPerImage: 3 });
  console.log('bench generic', (performance.now() - t).toFixed(0), 'ms', g.uniqueBlobBytes, g.manifests.length);
  await reg.stop();
}
