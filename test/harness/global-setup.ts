// vitest globalSetup: runs once in the main process. It only creates a per-run directory where each
// registry started by a test worker leaves a pid file; the teardown kills any registry a crashed or
// killed worker left behind. Registries themselves are started lazily by the tests that need them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDir, killRecordedRegistries, RUN_DIR_ENV } from './registry.ts';

export default function setup(): () => void {
  const runDir = createRunDir();
  // Workers are forked after global setup, so they inherit this variable.
  process.env[RUN_DIR_ENV] = runDir;
  // Tests (and the ferry processes they spawn) never write into the user's real ledger.
  const home = mkdtempSync(join(tmpdir(), 'ferry-test-home-'));
  process.env.FERRY_HOME ??= home;
  return function teardown(): void {
    const killed = killRecordedRegistries(runDir);
    if (killed > 0) console.warn(`test harness: killed ${killed} leftover docker-registry process(es)`);
    rmSync(runDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    delete process.env[RUN_DIR_ENV];
  };
}
