// Packages, as d8's packages.go carries them: the selected packages like modules (plan-modules.ts
// with the package catalog: `<edition>/packages/<p>:<v>`, `.../<p>/version:<channel|v>`, digests
// and extras) into package-<p>.tar, and — on every pull, whatever is selected, as d8's
// PullPackageVersions does — every tag of every package's `version` repository into
// package-versions.tar, so a cluster's package catalog stays current. A source without a packages
// catalog has neither, silently (d8 warns and goes on).
import type { ModuleFilter } from './module-filter.ts';
import type { PlanContext } from './plan-context.ts';
import { PACKAGE_CATALOG, planModules, type ModulePlan } from './plan-modules.ts';

export interface PackagesPlan {
  packages: ModulePlan[];
  /** Packages whose release images travel in package-versions.tar. */
  versions: string[];
}

export async function planPackages(
  ctx: PlanContext,
  options: { filter: ModuleFilter; packages: boolean; onlyExtraImages: boolean },
): Promise<PackagesPlan> {
  const catalog = ctx.repo(PACKAGE_CATALOG.base);
  const names = (await ctx.tags(catalog)).sort();
  if (names.length === 0 && options.filter.mode !== 'include') return { packages: [], versions: [] };
  const packages = options.packages
    ? await planModules(ctx, {
        filter: options.filter,
        suffix: '',
        catalog: PACKAGE_CATALOG,
        onlyExtraImages: options.onlyExtraImages,
      })
    : [];
  const versions: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const repo = ctx.repo(`${PACKAGE_CATALOG.base}/${name}/${PACKAGE_CATALOG.releaseSegment}`);
      const tags = await ctx.limit(() => ctx.tags(repo));
      for (const tag of tags) ctx.add(repo, tag, `packages/${name}/version`, tag);
      if (tags.length) versions.push(name);
    }),
  );
  return { packages, versions: versions.sort() };
}
