// Plans a Deckhouse distribution pull the way `d8 mirror pull` defines it: the platform (release
// channels, versions, installer image lists), the security databases and the modules with their
// filters, the installer and the packages. The result is plain ImageRequests whose targets are paths relative to the edition root;
// the bundle writer places them in d8's archives (layout-paths.ts). Flag conflicts are usage errors
// raised before any request is made.
import type { Range, SemVer } from 'semver';
import type { JobEventListener } from '../../../shared/jobs.ts';
import type { ImageRequest } from '../plan/image-graph.ts';
import { UsageError } from '../errors.ts';
import { parseRepositoryPath } from '../ref/reference.ts';
import { isValidTag } from '../ref/reference.ts';
import type { BlobSource } from '../store/store.ts';
import { normalizeModulesSuffix } from './layout-paths.ts';
import { parseModuleConstraint, parseModuleFilter, type ModuleFilter } from './module-filter.ts';
import { extrasFrom, type FerryExtra } from './ferry-extras.ts';
import { PlanContext } from './plan-context.ts';
import { planModules, type ModulePlan } from './plan-modules.ts';
import { DEFAULT_INSTALLER_TAG, planInstaller } from './plan-installer.ts';
import { planPackages } from './plan-packages.ts';
import { planPlatform, type PlatformPlan } from './plan-platform.ts';
import { planSecurity } from './plan-security.ts';
import { parseSinceVersion } from './versions.ts';

/** d8's pull flags, as given. */
export interface DeckhouseSelection {
  /** `<registry>/<path>/<edition>`, e.g. registry.deckhouse.ru/deckhouse/ee. */
  source: string;
  deckhouseTag?: string;
  sinceVersion?: string;
  /** d8's --include-platform range (an exact `=vX.Y.Z` pin comes as deckhouseTag). */
  includePlatform?: string;
  ignoreSuspend?: boolean;
  includeModules?: string[];
  excludeModules?: string[];
  modulesPathSuffix?: string;
  noPlatform?: boolean;
  noSecurityDb?: boolean;
  noModules?: boolean;
  onlyExtraImages?: boolean;
  /** Stop where d8 would skip and warn (a module without channels, an odd extra_images.json entry). */
  strict?: boolean;
  /** d8's --no-installer: leave `<root>/installer` (installer.tar) behind. */
  noInstaller?: boolean;
  /** d8's --installer-tag (default latest). */
  installerTag?: string;
  noPackages?: boolean;
  includePackages?: string[];
  excludePackages?: string[];
  /** d8's --skip-vex-images: no `<tag>.att` lookups. */
  skipVexImages?: boolean;
  /** `--no-extra`: what Ferry carries beyond d8 to leave behind (ferry-extras.ts names, or 'all'). */
  noExtras?: string[];
}

/** A selection checked and parsed: what planDeckhouse works from. */
export interface ParsedSelection {
  registry: string;
  root: string;
  deckhouseTag?: string;
  since?: SemVer;
  platformRange?: { range: Range; anchors: string[] };
  ignoreSuspend: boolean;
  filter: ModuleFilter;
  modulesSuffix: string;
  platform: boolean;
  security: boolean;
  modules: boolean;
  onlyExtraImages: boolean;
  strict: boolean;
  installer: boolean;
  installerTag: string;
  packages: boolean;
  packageFilter: ModuleFilter;
  vex: boolean;
  extras: Set<FerryExtra>;
}

export interface DeckhousePlan {
  source: string;
  requests: ImageRequest[];
  /** Items left out where d8 skips and warns, and why. */
  skipped: Array<{ item: string; reason: string }>;
  platform?: PlatformPlan;
  security: string[];
  modules: ModulePlan[];
  /** The installer image carried (installer.tar), when the source has it. */
  installer?: string;
  packages: ModulePlan[];
  /** Packages whose release images travel in package-versions.tar (always, as d8 does). */
  packageVersions: string[];
  /** What the plan carries beyond d8, each switched off by `--no-extra <extra>`. */
  extras: Array<{ extra: FerryExtra; detail: string }>;
}

export function parseSelection(selection: DeckhouseSelection): ParsedSelection {
  const { registry, path } = parseRepositoryPath(selection.source);
  const root = path.replace(/^\/+|\/+$/g, '');
  if (root === '') {
    throw new UsageError(
      `--source '${selection.source}' names no edition: give registry/path/edition, e.g. registry.deckhouse.ru/deckhouse/ee`,
    );
  }
  if (selection.deckhouseTag !== undefined && selection.sinceVersion !== undefined) {
    throw new UsageError('--deckhouse-tag and --since-version cannot be combined: pick one build or a range');
  }
  if (selection.deckhouseTag !== undefined && !isValidTag(selection.deckhouseTag)) {
    throw new UsageError(`--deckhouse-tag '${selection.deckhouseTag}' is not a valid tag`);
  }
  const extras = extrasFrom(selection.noExtras);
  const impliedAnchors = extras.has('range-anchors');
  const filter = parseModuleFilter(
    selection.includeModules,
    selection.excludeModules,
    'module',
    impliedAnchors,
  );
  const packageFilter = parseModuleFilter(
    selection.includePackages,
    selection.excludePackages,
    'package',
    impliedAnchors,
  );
  const installerTag = selection.installerTag ?? DEFAULT_INSTALLER_TAG;
  if (!isValidTag(installerTag)) throw new UsageError(`--installer-tag '${installerTag}' is not a valid tag`);
  const parsed: ParsedSelection = {
    registry,
    root,
    ignoreSuspend: selection.ignoreSuspend === true,
    filter,
    modulesSuffix: normalizeModulesSuffix(selection.modulesPathSuffix),
    platform: selection.noPlatform !== true,
    security: selection.noSecurityDb !== true,
    // As d8: naming modules to include, or --only-extra-images (pull.go), overrides --no-modules.
    modules: selection.noModules !== true || filter.mode === 'include' || selection.onlyExtraImages === true,
    onlyExtraImages: selection.onlyExtraImages === true,
    strict: selection.strict === true,
    installer: selection.noInstaller !== true,
    installerTag,
    // As modules: naming packages, or --only-extra-images (d8 pull.go), overrides --no-packages.
    packages:
      selection.noPackages !== true || packageFilter.mode === 'include' || selection.onlyExtraImages === true,
    packageFilter,
    vex: selection.skipVexImages !== true,
    extras,
  };
  if (selection.deckhouseTag !== undefined) parsed.deckhouseTag = selection.deckhouseTag;
  if (selection.sinceVersion !== undefined) parsed.since = parseSinceVersion(selection.sinceVersion);
  if (selection.includePlatform !== undefined) {
    if (selection.deckhouseTag !== undefined || selection.sinceVersion !== undefined)
      throw new UsageError(
        '--include-platform cannot be combined with --deckhouse-tag or --since-version: pick one',
      );
    const constraint = parseModuleConstraint(selection.includePlatform, '--include-platform', impliedAnchors);
    if (constraint.kind !== 'range')
      throw new UsageError(`--include-platform '${selection.includePlatform}' is not a version range`);
    parsed.platformRange = { range: constraint.range, anchors: constraint.anchors };
  }
  // Everything switched off still carries the package release images, as d8 (pull.go); a source
  // without them leaves the plan empty, which the pull refuses as "nothing to pull".
  return parsed;
}

export interface PlanOptions {
  signal?: AbortSignal;
  onEvent?: JobEventListener;
  concurrency?: number;
}

/** Reads the source and returns every image the pull must carry. `store` is the source registry. */
export async function planDeckhouse(
  store: BlobSource,
  selection: ParsedSelection,
  options: PlanOptions = {},
): Promise<DeckhousePlan> {
  const ctx = new PlanContext({
    store,
    registry: selection.registry,
    root: selection.root,
    strict: selection.strict,
    vex: selection.vex,
    extras: selection.extras,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { emit: options.onEvent } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const source = `${selection.registry}/${selection.root}`;
  const plan: DeckhousePlan = {
    source,
    requests: [],
    skipped: ctx.skipped,
    security: [],
    modules: [],
    packages: [],
    packageVersions: [],
    extras: ctx.extrasUsed,
  };
  if (selection.platform) {
    plan.platform = await planPlatform(ctx, {
      ignoreSuspend: selection.ignoreSuspend,
      ...(selection.deckhouseTag !== undefined ? { deckhouseTag: selection.deckhouseTag } : {}),
      ...(selection.since ? { since: selection.since } : {}),
      ...(selection.platformRange ? { range: selection.platformRange } : {}),
    });
    const p = plan.platform;
    ctx.log(
      `platform: ${p.versions.length} version(s) ${p.versions.join(', ')}; channels ${
        Object.entries(p.aliases)
          .map(([c, v]) => `${c}=${v}`)
          .join(', ') || 'none'
      }; ${p.listedImages} installer-listed image reference(s)`,
    );
  }
  if (selection.installer) {
    const installer = await planInstaller(ctx, selection.installerTag);
    if (installer) plan.installer = installer;
  }
  if (selection.security) {
    plan.security = await planSecurity(ctx);
    if (plan.security.length) ctx.log(`security databases: ${plan.security.join(', ')}`);
  }
  if (selection.modules) {
    plan.modules = await planModules(ctx, {
      filter: selection.filter,
      suffix: selection.modulesSuffix,
      onlyExtraImages: selection.onlyExtraImages,
    });
    for (const m of plan.modules) ctx.log(`module ${m.name}: ${m.versions.join(', ') || 'no versions'}`);
  }
  // Package release images travel on every pull, as d8's PullPackageVersions; the packages when asked.
  const packages = await planPackages(ctx, {
    filter: selection.packageFilter,
    packages: selection.packages,
    onlyExtraImages: selection.onlyExtraImages,
  });
  plan.packages = packages.packages;
  plan.packageVersions = packages.versions;
  for (const p of plan.packages) ctx.log(`package ${p.name}: ${p.versions.join(', ') || 'no versions'}`);
  plan.requests = ctx.all();
  return plan;
}
