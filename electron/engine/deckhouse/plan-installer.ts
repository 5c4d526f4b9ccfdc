// The installer image d8 carries in installer.tar: `<registry root>/installer:<tag>` (default
// `latest`, `--installer-tag`), where the registry root is the source without its edition segment
// (d8's GetEditionFromRegistryPath: `registry.deckhouse.ru/deckhouse/ee` → `.../deckhouse`; a last
// segment that is no edition stays). It lands at the bundle path `installer`, which d8's push (and
// Ferry's) sends to `<target>/installer`. A missing installer is a warning in d8 (installer.go
// validateInstallerAccess), and one here.
import type { PlanContext } from './plan-context.ts';

/** d8's editions (pkg/edition.go): a source ending in one of these has the installer beside it. */
const EDITIONS = new Set(['ee', 'fe', 'se', 'be', 'se-plus', 'ce']);

export const DEFAULT_INSTALLER_TAG = 'latest';

/** `deckhouse/ee` → `deckhouse/installer`; `mirror/deckhouse` → `mirror/deckhouse/installer`. */
export function installerRepository(root: string): string {
  const parts = root.split('/');
  const base = EDITIONS.has(parts.at(-1)!) ? parts.slice(0, -1) : parts;
  return [...base, 'installer'].join('/');
}

/** Plans the installer; returns its reference, or undefined when the source has none (warned). */
export async function planInstaller(
  ctx: PlanContext,
  tag = DEFAULT_INSTALLER_TAG,
): Promise<string | undefined> {
  const repository = installerRepository(ctx.root);
  const where = `${ctx.registry}/${repository}:${tag}`;
  // d8 warns and goes on whatever the access check says (not found, or a license without the
  // installer): so does Ferry; only a cancel stops the plan.
  let problem: string | undefined;
  try {
    if (!(await ctx.exists(repository, tag))) problem = 'not found';
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    problem = (err as Error).message;
  }
  if (problem !== undefined) {
    ctx.emit({
      type: 'log',
      level: 'warn',
      message: `${where}: ${problem}: the bundle has no installer.tar (d8 warns and goes on the same way)`,
    });
    return undefined;
  }
  ctx.add(repository, tag, 'installer', tag);
  return where;
}
