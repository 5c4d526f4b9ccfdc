// Bundles the `ferry` command line (electron/cli/bin.ts) and everything it imports, npm dependencies
// included, into plain JavaScript for the distributions: nothing is type-stripped at start-up and no
// node_modules tree is walked. Commands stay separate chunks (they are loaded on demand), so
// `ferry --version` reads a few small files. CommonJS rather than ES modules: Node starts a CommonJS
// entry about 10 ms faster (no ES module loader), a third of what Ferry adds to Node's own start-up.
// Built with Vite's SSR build (Rolldown underneath, the bundler scripts/build-app.ts already uses),
// which resolves packages the way Node does.
//
// Three things a bundle cannot do the way the sources do, handled here without touching the engine:
// - worker threads started as `new Worker(new URL('./x.ts', import.meta.url))` get their own
//   self-contained bundle `x.cjs` next to the chunks, and the URL is rewritten to it;
// - `createRequire(import.meta.url)('../../package.json')` (the version) is inlined as an object;
// - better-sqlite3 finds its addon by searching its package folder; here it loads
//   `better_sqlite3.node` from the bundle's own folder, where the build puts the platform's prebuild.
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The addon's file name inside the bundle folder. */
export const ADDON_FILE = 'better_sqlite3.node';
/** The entry module of the bundle. */
export const ENTRY_FILE = 'ferry.cjs';

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The package's folder in node_modules. */
  dir: string;
}

export interface CliBundle {
  /** Files written into the output folder (names relative to it). */
  files: string[];
  /** Worker entry files among them. */
  workers: string[];
  /** npm packages whose code is in the bundle, plus the ones compiled into the addon. */
  packages: BundledPackage[];
}

const WORKER_URL = /new URL\((['"])\.\/([\w-]+)\.ts\1,\s*import\.meta\.url\)/g;
const JSON_REQUIRE = /createRequire\(import\.meta\.url\)\((['"])(\.{1,2}\/[^'"]+\.json)\1\)/g;
const BETTER_SQLITE3 = '\0ferry-dist:better-sqlite3';
const NODE_MODULES = `${sep}node_modules${sep}`;
const PACKAGE_FIELDS = ['name', 'version', 'description', 'license', 'author'];

function pick(json: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in json).map((k) => [k, json[k]]));
}

function packageDirOf(id: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = id.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = id.slice(at + marker.length).split(sep);
  const depth = rest[0]?.startsWith('@') ? 2 : 1;
  return id.slice(0, at + marker.length) + rest.slice(0, depth).join(sep);
}

function sourceRewrites(workers: Map<string, string>): Plugin {
  return {
    name: 'ferry-dist-sources',
    enforce: 'pre',
    transform(code, id) {
      if (id.includes(`${sep}node_modules${sep}`) || !id.endsWith('.ts')) return null;
      let out = code.replace(WORKER_URL, (_m, _q, name: string) => {
        workers.set(name, join(dirname(id), `${name}.ts`));
        return `new URL('./${name}.cjs', import.meta.url)`;
      });
      out = out.replace(JSON_REQUIRE, (_m, _q, rel: string) => {
        const file = resolve(dirname(id), rel);
        let json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        // Of package.json only what describes Ferry: its scripts and dependency lists stay home.
        if (basename(file) === 'package.json') json = pick(json, PACKAGE_FIELDS);
        return `(${JSON.stringify(json)})`;
      });
      return out === code ? null : { code: out, map: null };
    },
  };
}

function betterSqlite3(): Plugin {
  const lib = join(root, 'node_modules', 'better-sqlite3', 'lib');
  return {
    name: 'ferry-dist-better-sqlite3',
    enforce: 'pre',
    resolveId(source) {
      return source === 'better-sqlite3' ? BETTER_SQLITE3 : null;
    },
    load(id) {
      if (id !== BETTER_SQLITE3) return null;
      // better-sqlite3's per-platform entry points (lib/linux-x64.js, ...) do exactly this with a
      // path into its prebuilds folder; the distribution has one addon, next to the chunks.
      return [
        `import { createRequire } from 'node:module';`,
        `import createDatabase from ${JSON.stringify(join(lib, 'database.js'))};`,
        `import SqliteError from ${JSON.stringify(join(lib, 'sqlite-error.js'))};`,
        `const Database = createDatabase(() => createRequire(import.meta.url)('./${ADDON_FILE}'), false);`,
        `Database.SqliteError = SqliteError;`,
        `export default Database;`,
      ].join('\n');
    },
  };
}

function collectModules(into: Set<string>, files: string[]): Plugin {
  return {
    name: 'ferry-dist-collect',
    generateBundle(_options, bundle) {
      for (const [fileName, item] of Object.entries(bundle)) {
        files.push(fileName);
        if (item.type === 'chunk') for (const id of item.moduleIds) into.add(id);
      }
    },
  };
}

async function bundle(
  input: Record<string, string>,
  outDir: string,
  plugins: Plugin[],
  chunkPrefix: string,
): Promise<void> {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    mode: 'production',
    plugins,
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: true,
      outDir,
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
      rolldownOptions: {
        input,
        external: [/^node:/],
        platform: 'node',
        // Ferry's own modules do nothing when imported but define things (none is imported for its
        // side effects alone), so a name taken from the engine facade (electron/engine/api/) pulls
        // in only the module that defines it, not everything the facade re-exports: without this,
        // `ferry --version` would load the whole engine (2 MB) before printing a line.
        treeshake: {
          moduleSideEffects: (id: string, external: boolean) => external || id.includes(NODE_MODULES),
        },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: `${chunkPrefix}[name]-[hash].cjs`,
        },
      },
    },
  });
}

/** Bundles the CLI into `outDir` (which should be empty): `ferry.cjs`, its chunks and the workers. */
export async function bundleCli(outDir: string): Promise<CliBundle> {
  const workers = new Map<string, string>();
  const modules = new Set<string>();
  const files: string[] = [];
  await bundle(
    { ferry: join(root, 'electron', 'cli', 'bin.ts') },
    outDir,
    [sourceRewrites(workers), betterSqlite3(), collectModules(modules, files)],
    '',
  );
  if (workers.size > 0) {
    // A build of their own: a worker file imports no chunk of the main bundle.
    await bundle(
      Object.fromEntries(workers),
      outDir,
      [sourceRewrites(new Map()), betterSqlite3(), collectModules(modules, files)],
      'worker-',
    );
  }

  const dirs = new Set([...modules].map(packageDirOf).filter((d): d is string => d !== undefined));
  // The addon: better-sqlite3's native half, with node-addon-api's headers compiled in.
  dirs.add(join(root, 'node_modules', 'better-sqlite3'));
  dirs.add(join(root, 'node_modules', 'node-addon-api'));
  // node_modules may be reached through a symlink: one entry per package folder, whatever the path.
  const real = new Set([...dirs].map((d) => realpathSync(d)));
  const packages = [...real]
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string;
      };
      return { name: pkg.name, version: pkg.version, license: pkg.license ?? 'UNKNOWN', dir };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { files: files.sort(), workers: [...workers.keys()].map((w) => `${w}.cjs`), packages };
}
