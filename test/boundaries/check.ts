// Layer boundaries, checked mechanically (like go-containerregistry's depcheck test).
// Platform rules:
// - electron/engine and electron/cli never import 'electron';
// - renderer/ and shared/ never import Node built-ins (node:* or bare 'fs', 'path', ...) nor 'electron';
// - renderer/ reaches the engine only through the preload api (no imports from electron/);
// - shared/ is pure: every import resolves to a file inside shared/;
// - only electron/main and electron/preload touch ipcMain / ipcRenderer.
// Layer rules (on every file but tests, which may reach across layers to build fixtures):
// - each engine folder imports only the engine folders `engineLayers` allows it (an import is
//   resolved to the file it names, never judged by its spelling);
// - the engine never imports the CLI, the main process, the preload or the renderer;
// - the CLI never imports the main process, and neither imports the preload or the renderer;
// - the CLI and the main process import from the engine only its facade, the modules of
//   electron/engine/api/ (one an area, so a command loads only the engine it uses).
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface Violation {
  file: string;
  rule: string;
  detail: string;
}

// The engine's units: its folders, and the files at its root (errors.ts is the unit `errors`).
// A unit may import itself, `shared/`, npm packages and Node, and the units listed here — nothing
// else. The order reads bottom-up: every unit lists only units above it in this table.
const base = ['redact', 'errors', 'version', 'util'];
export const engineLayers: Record<string, string[]> = {
  redact: [],
  errors: ['redact'],
  version: [],
  util: ['redact', 'errors'],
  hash: base,
  k8s: base,
  ref: base,
  oci: [...base, 'ref', 'hash'],
  transport: [...base],
  plan: [...base, 'ref', 'oci'],
  store: [...base, 'hash', 'ref', 'oci', 'transport', 'plan'],
  copy: [...base, 'ref', 'oci', 'plan', 'store'],
  bundle: [...base, 'hash', 'ref', 'oci', 'plan', 'store'],
  verify: [...base, 'hash', 'ref', 'oci', 'plan', 'bundle'],
  signing: [...base, 'bundle'],
  media: [...base, 'hash', 'oci', 'bundle', 'signing'],
  distribution: [...base, 'bundle'],
  ledger: [...base, 'ref', 'plan', 'bundle', 'verify', 'signing', 'media'],
  deckhouse: [...base, 'hash', 'k8s', 'ref', 'oci', 'transport', 'plan', 'store', 'copy', 'bundle'],
  jobs: [
    ...base,
    ...['hash', 'k8s', 'ref', 'oci', 'transport', 'plan', 'store', 'copy', 'bundle', 'verify'],
    ...['signing', 'media', 'ledger', 'deckhouse', 'distribution'],
  ],
  // The facade: what the CLI and the main process may import, and all they may import.
  api: [
    ...base,
    ...['hash', 'k8s', 'ref', 'oci', 'transport', 'plan', 'store', 'copy', 'bundle', 'verify'],
    ...['signing', 'media', 'ledger', 'deckhouse', 'jobs', 'distribution'],
  ],
};

const sourceExt = /\.(ts|tsx|js|mjs|cjs|jsx)$/;
const testFile = /\.test\.(ts|tsx)$/;
const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (sourceExt.test(e.name)) yield p;
  }
}

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || builtins.has(spec.split('/')[0] ?? spec);

function importsOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

const layers = ['electron/engine', 'electron/cli', 'electron/main', 'electron/preload', 'renderer', 'shared'];

/** The layer folder a project-relative path lies in, if any. */
function layerOf(rel: string): string | undefined {
  return layers.find((l) => rel === l || rel.startsWith(`${l}/`));
}

/** The engine unit of a path inside electron/engine: its first folder, or its root file's stem. */
function engineUnitOf(rel: string): string {
  const inside = rel.slice('electron/engine/'.length);
  const first = inside.split('/')[0] ?? inside;
  return first.replace(sourceExt, '');
}

/** Which layers a layer must never import (besides the platform rules). */
const forbiddenLayers: Record<string, string[]> = {
  'electron/engine': ['electron/cli', 'electron/main', 'electron/preload', 'renderer'],
  'electron/cli': ['electron/main', 'electron/preload', 'renderer'],
  'electron/main': ['electron/cli', 'renderer'],
  'electron/preload': ['electron/engine', 'electron/cli', 'electron/main', 'renderer'],
};

/** The CLI and the main process are adapters: they see the engine only through its facade. */
const adapters = ['electron/cli', 'electron/main'];
const engineFacade = 'electron/engine/api/';

/** Checks the layer folders under `root` (the project, or a fixture tree shaped like it). */
export function findBoundaryViolations(root: string): Violation[] {
  const out: Violation[] = [];
  for (const layer of layers) {
    for (const file of walk(join(root, ...layer.split('/')))) {
      const rel = relative(root, file).split(sep).join('/');
      const source = readFileSync(file, 'utf8');
      const isTest = testFile.test(rel);
      for (const spec of importsOf(source)) {
        const push = (rule: string) => out.push({ file: rel, rule, detail: spec });
        if ((layer === 'electron/engine' || layer === 'electron/cli') && isElectron(spec)) {
          push(`${layer} must not import electron`);
        }
        const forbiddenPlatform = isNodeBuiltin(spec) || isElectron(spec);
        if ((layer === 'renderer' || layer === 'shared') && forbiddenPlatform) {
          push(`${layer} must not import Node built-ins or electron`);
        }
        if (!spec.startsWith('.')) {
          if (layer === 'shared' && !forbiddenPlatform) push('shared must import only shared files');
          continue;
        }
        const target = relative(root, resolve(dirname(file), spec))
          .split(sep)
          .join('/');
        const targetLayer = layerOf(target);
        if (layer === 'shared' && targetLayer !== 'shared') push('shared must import only shared files');
        if (layer === 'renderer' && targetLayer?.startsWith('electron/')) {
          push('renderer reaches the engine only through the preload api');
        }
        if (isTest || !targetLayer) continue;
        if (forbiddenLayers[layer]?.includes(targetLayer)) push(`${layer} must not import ${targetLayer}`);
        if (
          adapters.includes(layer) &&
          targetLayer === 'electron/engine' &&
          !target.startsWith(engineFacade)
        ) {
          push(`${layer} imports the engine only through ${engineFacade}`);
        }
        if (layer === 'electron/engine' && targetLayer === 'electron/engine') {
          const from = engineUnitOf(rel);
          const to = engineUnitOf(target);
          const allowed = engineLayers[from];
          if (from === to) continue;
          if (!allowed) push(`engine unit ${from} is not in the layer table`);
          else if (!allowed.includes(to)) push(`engine ${from} must not import engine ${to}`);
        }
      }
      if (
        layer !== 'electron/main' &&
        layer !== 'electron/preload' &&
        /\bipc(Main|Renderer)\b/.test(source)
      ) {
        out.push({
          file: rel,
          rule: 'only electron/main and electron/preload touch ipcMain/ipcRenderer',
          detail: 'ipc',
        });
      }
    }
  }
  return out;
}
