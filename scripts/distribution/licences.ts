// LICENSES.txt of a distribution: Ferry's own licence, then the full licence text of every npm
// package whose code ships in it (taken from the bundle's module graph, so the list cannot drift from
// what is actually bundled), SQLite's dedication, and Node.js's LICENSE (which covers V8, OpenSSL,
// ICU, libuv and the rest of what the runtime links in).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundledPackage } from './bundle.ts';
import { DistBuildError } from './runtimes.ts';

const LICENCE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt))?$/i;
const RULE = '='.repeat(78);

const licenceFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => LICENCE_FILE.test(f))
    .sort();

const repositoryOf = (dir: string): string | undefined => {
  const { repository } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    repository?: string | { url?: string };
  };
  return typeof repository === 'string' ? repository : repository?.url;
};

function licenceTexts(pkg: BundledPackage, all: BundledPackage[]): string[] {
  let files = licenceFiles(pkg.dir).map((f) => join(pkg.dir, f));
  if (files.length === 0) {
    // A monorepo's packages share its one LICENSE, and some publish without a copy (@sigstore/verify):
    // such a package takes the text a package bundled beside it, from the same repository and under
    // the same licence, ships.
    const repository = repositoryOf(pkg.dir);
    const sibling = all.find(
      (p) =>
        p !== pkg &&
        p.license === pkg.license &&
        repository !== undefined &&
        repositoryOf(p.dir) === repository &&
        licenceFiles(p.dir).length > 0,
    );
    files = sibling ? licenceFiles(sibling.dir).map((f) => join(sibling.dir, f)) : [];
  }
  if (files.length === 0) {
    throw new DistBuildError(
      `${pkg.name}@${pkg.version} ships no licence file (${pkg.dir}); its code would be distributed without one`,
    );
  }
  return files.map((f) => readFileSync(f, 'utf8').trim());
}

export function licencesText(options: {
  ferryVersion: string;
  ferryLicense: string;
  packages: BundledPackage[];
  node: { version: string; licence: string };
}): string {
  const seen = new Set<string>();
  const packages = options.packages.filter((p) => {
    const key = `${p.name}@${p.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const sections = [
    `Ferry ${options.ferryVersion}\nLicensed under ${options.ferryLicense} (https://spdx.org/licenses/${options.ferryLicense}.html).\n\n` +
      `This distribution also contains the software listed below, each under its own licence.\n\n` +
      packages.map((p) => `  ${p.name}@${p.version}  ${p.license}`).join('\n') +
      `\n  SQLite (compiled into better_sqlite3.node)  public domain\n  Node.js ${options.node.version}  MIT and others (see its LICENSE)`,
    ...packages.map(
      (p) => `${p.name}@${p.version} (${p.license})\n\n${licenceTexts(p, packages).join('\n\n')}`,
    ),
    'SQLite (compiled into better_sqlite3.node)\n\n' +
      'The author disclaims copyright to this source code. In place of a legal notice, here is a blessing:\n' +
      '  May you do good and not evil.\n  May you find forgiveness for yourself and forgive others.\n' +
      '  May you share freely, never taking more than you give.\n' +
      '(https://www.sqlite.org/copyright.html: SQLite is in the public domain.)',
    `Node.js ${options.node.version}\n\n${options.node.licence.trim()}`,
  ];
  return `${sections.join(`\n\n${RULE}\n\n`)}\n`;
}
