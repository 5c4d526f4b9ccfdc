// Process wiring for the `ferry` command (bin/ferry.js checks the Node version first).
import { limitHeapGrowth } from '../engine/api/runtime.ts';
import { runCli } from './main.ts';

limitHeapGrowth();

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

// No top-level await: the self-contained distribution bundles this file as CommonJS, which starts
// about 10 ms faster than an ES module (docs/distribution.md).
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
