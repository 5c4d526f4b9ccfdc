// A Deckhouse bundle pushed as `d8 mirror push` does: module images under `<root><modules suffix>`
// (default /modules), everything else under the root at its bundle path; after the copy, one
// discovery tag `<root><suffix>:<module>` for each module whose images all arrived (a cluster must
// not list a module it cannot pull). For a bundle without modules it is the plain layout.
import type { PushLayout } from '../bundle/push-layout.ts';
import type { ImageRecord } from '../bundle/transfer-manifest.ts';
import { joinPath, moduleOfRecord } from '../bundle/d8-layout.ts';
import { pushModuleDiscoveryTags } from './discovery.ts';
import { normalizeModulesSuffix, pushRepository } from './layout-paths.ts';

function modulesOf(records: ImageRecord[]): string[] {
  return [...new Set(records.flatMap((r) => moduleOfRecord(r) ?? []))].sort();
}

/** The layout for a push to `<registry>/<prefix>`; `modulesPathSuffix` as d8's flag takes it. */
export function deckhousePushLayout(prefix: string, modulesPathSuffix?: string): PushLayout {
  const suffix = normalizeModulesSuffix(modulesPathSuffix);
  const repository = joinPath(prefix, suffix);
  const report = (names: string[]) => (names.length ? { modules: { repository, names } } : {});
  return {
    targetOf: (record) => pushRepository(prefix, record, suffix),
    planned: (records) => report(modulesOf(records)),
    async afterCopy(target, { records, failed }, options) {
      const all = modulesOf(records);
      const broken = new Set(modulesOf(failed));
      const whole = all.filter((m) => !broken.has(m));
      if (whole.length) {
        options.onEvent?.({
          type: 'log',
          level: 'info',
          message: `tagging ${whole.length} module(s) in ${options.registry}/${repository}`,
        });
        await pushModuleDiscoveryTags(target, repository, whole, options.signal);
      }
      // The report names the modules that arrived whole; with none, it still says where they go.
      return all.length ? { modules: { repository, names: whole } } : {};
    },
  };
}
