// Layer boundaries, checked mechanically (like go-containerregistry's depcheck test):
// - electron/engine and electron/cli never import 'electron';
// - renderer/ and shared/ never import Node built-ins (node:* or bare 'fs', 'path', ...) nor 'electron';
// - renderer/ reaches the engine only through the preload api (no imports from electron/);
// - shared/ is pure: it imports only other shared/ files;
// - only electron/main and electron/preload touch ipcMain / ipcRenderer.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface Violation {
  file: string;
  rule: string;
  detail: string;
}

const sourceExt = /\.(ts|tsx|js|mjs|cjs|jsx)$/;
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

/** Checks the layer folders under `root` (the project, or a fixture tree shaped like it). */
export function findBoundaryViolations(root: string): Violation[] {
  const out: Violation[] = [];
  const layers = [
    'electron/engine',
    'electron/cli',
    'electron/main',
    'electron/preload',
    'renderer',
    'shared',
  ];
  for (const layer of layers) {
    for (const file of walk(join(root, ...layer.split('/')))) {
      const rel = relative(root, file).split(sep).join('/');
      const source = readFileSync(file, 'utf8');
      for (const spec of importsOf(source)) {
        if ((layer === 'electron/engine' || layer === 'electron/cli') && isElectron(spec)) {
          out.push({ file: rel, rule: `${layer} must not import electron`, detail: spec });
        }
        const forbiddenPlatform = isNodeBuiltin(spec) || isElectron(spec);
        if ((layer === 'renderer' || layer === 'shared') && forbiddenPlatform) {
          out.push({ file: rel, rule: `${layer} must not import Node built-ins or electron`, detail: spec });
        }
        if (layer === 'renderer' && spec.startsWith('.') && /(^|\/)electron\//.test(spec)) {
          out.push({
            file: rel,
            rule: 'renderer reaches the engine only through the preload api',
            detail: spec,
          });
        }
        if (
          layer === 'shared' &&
          !forbiddenPlatform &&
          !spec.startsWith('./') &&
          !(spec.startsWith('../') && !spec.includes('/../'))
        ) {
          out.push({ file: rel, rule: 'shared must import only shared files', detail: spec });
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
