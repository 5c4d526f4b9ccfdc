// A Deckhouse bundle pushed as `d8 mirror push` does: module images under `<root><modules suffix>`
// (default /modules), everything else under the root at its bundle path; after the copy, one
// discovery tag `<root><suffix>:<module>` for each module whose images all arrived (a cluster must
// not list a module it cannot pull). Packages likewise get `<root>/packages:<package>` (d8 push.go
// createPackagesIndex), also for a bundle d8 wrote; a package of which only the release images
// travel (package-versions.tar) gets none, as its images are not in the target. d8 CLI plugins in a
// bundle d8 wrote (`deckhouse-cli/plugins/<n>`) get `<root>/deckhouse-cli/plugins:<n>` (d8
// createPluginsIndex). For a bundle without any of these it is the plain layout.
import type { PushLayout } from '../bundle/push-layout.ts';
import type { ImageRecord } from '../bundle/transfer-manifest.ts';
import { joinPath, moduleOfRecord, packageOfPath } from '../bundle/d8-layout.ts';
import { pushModuleDiscoveryTags } from './discovery.ts';
import { normalizeModulesSuffix, pushRepository } from './layout-paths.ts';

function modulesOf(records: ImageRecord[]): string[] {
  return [...new Set(records.flatMap((r) => moduleOfRecord(r) ?? []))].sort();
}

/** Packages with images of their own in the bundle (not only `packages/<p>/version`). */
function packagesOf(records: ImageRecord[]): string[] {
  const of = (r: ImageRecord) => {
    const name = packageOfPath(r.target.repository);
    return name !== undefined && r.target.repository !== `packages/${name}/version` ? [name] : [];
  };
  return [...new Set(records.flatMap(of))].sort();
}

/** d8 CLI plugins (Ferry pulls none; a d8 bundle may carry them). */
function pluginsOf(records: ImageRecord[]): string[] {
  const of = (r: ImageRecord) =>
    /^deckhouse-cli\/plugins\/([^/]+)(?:\/|$)/.exec(r.target.repository)?.[1] ?? [];
  return [...new Set(records.flatMap(of))].sort();
}

/** Everything in `records` but what is in `failed`: the names that arrived whole. */
const whole = (all: string[], failed: string[]) => all.filter((n) => !failed.includes(n));

/** The layout for a push to `<registry>/<prefix>`; `modulesPathSuffix` as d8's flag takes it. */
export function deckhousePushLayout(prefix: string, modulesPathSuffix?: string): PushLayout {
  const suffix = normalizeModulesSuffix(modulesPathSuffix);
  const repository = joinPath(prefix, suffix);
  const packagesRepository = joinPath(prefix, 'packages');
  const report = (modules: string[], allModules: string[], packages: string[], allPackages: string[]) => ({
    // The report names what arrived whole; with none, it still says where they go.
    ...(allModules.length ? { modules: { repository, names: modules } } : {}),
    ...(allPackages.length ? { packages: { repository: packagesRepository, names: packages } } : {}),
  });
  return {
    targetOf: (record) => pushRepository(prefix, record, suffix),
    planned: (records) => {
      const [modules, packages] = [modulesOf(records), packagesOf(records)];
      return report(modules, modules, packages, packages);
    },
    async afterCopy(target, { records, failed }, options) {
      const [allModules, allPackages] = [modulesOf(records), packagesOf(records)];
      const modules = whole(allModules, modulesOf(failed));
      const packages = whole(allPackages, packagesOf(failed));
      const plugins = whole(pluginsOf(records), pluginsOf(failed));
      for (const [kind, names, repo] of [
        ['module', modules, repository],
        ['package', packages, packagesRepository],
        ['plugin', plugins, joinPath(prefix, 'deckhouse-cli/plugins')],
      ] as const) {
        if (!names.length) continue;
        options.onEvent?.({
          type: 'log',
          level: 'info',
          message: `tagging ${names.length} ${kind}(s) in ${options.registry}/${repo}`,
        });
        await pushModuleDiscoveryTags(target, repo, names, options.signal, kind);
      }
      return report(modules, allModules, packages, allPackages);
    },
  };
}
