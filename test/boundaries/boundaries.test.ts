import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engineLayers, findBoundaryViolations } from './check.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/boundary', import.meta.url));

describe('layer boundaries', () => {
  it('hold in the project tree', () => {
    expect(findBoundaryViolations(root)).toEqual([]);
  });

  it('fail on deliberately bad files, and only on those', () => {
    const found = findBoundaryViolations(fixture).map((v) => `${v.file}: ${v.rule} (${v.detail})`);
    expect(found.sort()).toEqual(
      [
        'electron/engine/imports-electron.ts: electron/engine must not import electron (electron)',
        'electron/engine/newunit/unplaced.ts: engine unit newunit is not in the layer table (../store/store.ts)',
        'electron/engine/store/uses-jobs.ts: engine store must not import engine jobs (../jobs/pull.ts)',
        'electron/engine/up.ts: electron/engine must not import electron/main (../main/ipc/handlers.ts)',
        'electron/engine/up.ts: electron/engine must not import electron/cli (../cli/main.ts)',
        'electron/cli/up.ts: electron/cli must not import electron/main (../main/handlers/bundle.ts)',
        'electron/main/reaches-in.ts: electron/main imports the engine only through electron/engine/api/ (../engine/store/store.ts)',
        'electron/cli/uses-ipc.ts: only electron/main and electron/preload touch ipcMain/ipcRenderer (ipc)',
        'renderer/imports-node.ts: renderer must not import Node built-ins or electron (node:fs)',
        'renderer/imports-node.ts: renderer reaches the engine only through the preload api (../electron/engine/imports-electron.ts)',
        'shared/imports-fs.ts: shared must not import Node built-ins or electron (fs)',
        'shared/imports-fs.ts: shared must import only shared files (undici)',
        'shared/leak.ts: shared must import only shared files (../electron/engine/errors.ts)',
      ].sort(),
    );
  });

  it('the engine layer table has no cycle: each unit allows only units listed before it', () => {
    const order = Object.keys(engineLayers);
    const upward = Object.entries(engineLayers).flatMap(([unit, allowed]) =>
      allowed
        .filter((a) => order.indexOf(a) < 0 || order.indexOf(a) >= order.indexOf(unit))
        .map((a) => `${unit} → ${a}`),
    );
    expect(upward).toEqual([]);
  });

  it('docs/architecture.md shows the layer table as it is', () => {
    const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const table = /<!-- engine-layers:start -->([\s\S]*?)<!-- engine-layers:end -->/.exec(doc)?.[1] ?? '';
    const rows = Object.fromEntries(
      table
        .split('\n')
        .map((line) => /^\| (\w+) \| (.+) \|$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'unit')
        .map((m) => [m[1]!, m[2] === '—' ? [] : m[2]!.split(', ')]),
    );
    expect(rows).toEqual(engineLayers);
  });
});
