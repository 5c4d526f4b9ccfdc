#!/usr/bin/env node
// The `ferry` command. The engine is TypeScript run through Node's type stripping (Node >= 22.18).
// The project provides that Node through its `node` devDependency, which npm puts first on PATH for
// `npx ferry` and npm scripts; this file stays plain JavaScript so an older Node gets a clear message.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `ferry: error: Node ${process.versions.node} is too old; Ferry needs Node >= 22.18. ` +
      `Run it through npm ('npx ferry ...' after 'npm ci'), which uses the project's own Node 22.\n`,
  );
  process.exit(2);
}
await import('../electron/cli/bin.ts');
