// Builds the desktop app into out/ (see docs/desktop.md): the renderer with Vite, and the Electron
// main process and preload script with Vite's library build (Rolldown underneath). Electron cannot
// strip TypeScript types, so main and preload are compiled; the engine is bundled into main.js, its
// npm dependencies stay external (electron-builder packs them, better-sqlite3 unpacked from the asar).
//
//   node scripts/build-app.ts [all|renderer|main] [--out DIR]
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import react from '@vitejs/plugin-react';
import { build, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const external = [
  /^node:/,
  /^electron$/,
  /^electron\//,
  'better-sqlite3',
  'undici',
  'yaml',
  'tar-stream',
  'semver',
  'p-limit',
];

/**
 * Node worker threads the engine starts with `new Worker(new URL('./x.ts', import.meta.url))`: each
 * one found is recorded (buildMain builds it into out/main/workers/x.mjs) and the URL is
 * rewritten to it, so the compiled app starts the compiled worker (Electron cannot run the .ts).
 *
 * In the packaged app main.js sits inside app.asar, and a worker thread cannot be started from
 * inside an asar archive; electron-builder unpacks out/main/workers/ (build/electron-builder.yml),
 * so the URL is resolved against app.asar.unpacked. Outside a package the replace changes nothing.
 * The workers are `.mjs` because nothing in app.asar.unpacked says `"type": "module"`.
 */
function nodeWorkers(found: Map<string, string>): Plugin {
  return {
    name: 'ferry-node-workers',
    // Before Vite's own worker plugin, which would bundle browser workers; these are Node workers.
    enforce: 'pre',
    transform(code, id) {
      if (!code.includes('import.meta.url')) return null;
      let changed = false;
      const out = code.replace(
        /new URL\((['"])\.\/([\w-]+)\.ts\1,\s*import\.meta\.url\)/g,
        (_m, _q, name: string) => {
          found.set(name, join(dirname(id), `${name}.ts`));
          changed = true;
          // String(...) keeps Vite's browser-worker detection away from the rewritten URL.
          return `new URL(String('./workers/${name}.mjs'), import.meta.url.replace('/app.asar/', '/app.asar.unpacked/'))`;
        },
      );
      return changed ? { code: out, map: null } : null;
    },
  };
}

export async function buildRenderer(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: join(root, 'renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome128',
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2048,
    },
  });
}

interface NodeBuildOptions {
  /** Collects the worker threads found (see nodeWorkers). */
  workers?: Map<string, string>;
  external?: Array<string | RegExp>;
  extension?: string;
}

async function buildNode(
  entries: Record<string, string>,
  outDir: string,
  format: 'es' | 'cjs',
  options: NodeBuildOptions = {},
): Promise<void> {
  const extension = options.extension ?? (format === 'cjs' ? 'cjs' : 'js');
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [nodeWorkers(options.workers ?? new Map<string, string>())],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2048,
      lib: {
        entry: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, resolve(root, file)])),
        formats: [format],
        fileName: (_format, name) => `${name}.${extension}`,
      },
      rolldownOptions: { external: options.external ?? external, platform: 'node' },
    },
  });
}

export async function buildMain(outDir: string): Promise<void> {
  const workers = new Map<string, string>();
  await buildNode({ main: 'electron/main/main.ts' }, join(outDir, 'main'), 'es', { workers });
  // The workers found, bundled on their own with everything they import (npm packages too): an
  // unpacked worker file must not import a chunk that stays inside app.asar.
  if (workers.size > 0) {
    await buildNode(Object.fromEntries(workers), join(outDir, 'main', 'workers'), 'es', {
      external: [/^node:/],
      extension: 'mjs',
    });
  }
  // A sandboxed preload runs as one CommonJS script that may require only 'electron'.
  await buildNode({ preload: 'electron/preload/preload.ts' }, join(outDir, 'preload'), 'cjs');
}

async function cli(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
  const what = positionals[0] ?? 'all';
  const out = values.out ?? join(root, 'out');
  if (!['all', 'renderer', 'main'].includes(what))
    throw new Error(`build-app: unknown target '${what}' (all, renderer, main)`);
  if (what === 'all') await rm(out, { recursive: true, force: true });
  if (what !== 'main') await buildRenderer(join(out, 'renderer'));
  if (what !== 'renderer') await buildMain(out);
  console.log(`built ${what} into ${out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
