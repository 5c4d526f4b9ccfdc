import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBoundaryViolations } from './check.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/boundary', import.meta.url));

describe('layer boundaries', () => {
  it('hold in the project tree', () => {
    expect(findBoundaryViolations(root)).toEqual([]);
  });

  it('fail on deliberately bad files', () => {
    const found = findBoundaryViolations(fixture).map((v) => `${v.file}: ${v.rule} (${v.detail})`);
    expect(found).toEqual(
      expect.arrayContaining([
        'electron/engine/imports-electron.ts: electron/engine must not import electron (electron)',
        'electron/cli/uses-ipc.ts: only electron/main and electron/preload touch ipcMain/ipcRenderer (ipc)',
        'renderer/imports-node.ts: renderer must not import Node built-ins or electron (node:fs)',
        'renderer/imports-node.ts: renderer reaches the engine only through the preload api (../electron/engine/imports-electron.ts)',
        'shared/imports-fs.ts: shared must not import Node built-ins or electron (fs)',
        'shared/imports-fs.ts: shared must import only shared files (undici)',
      ]),
    );
    expect(found).toHaveLength(6);
  });
});
