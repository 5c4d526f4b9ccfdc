// What `ferry pull --dry-run` prints for a Deckhouse source: the plan in the words d8's summary
// uses (platform versions and where each channel points, security databases, modules with their
// versions), one line each, so a run can be checked before a byte is written.
import type { DeckhousePlan } from './planner.ts';

const channelList = (aliases: Record<string, string | undefined>): string =>
  Object.entries(aliases)
    .map(([channel, version]) => `${channel}=${version ?? '?'}`)
    .join(', ') || 'none';

export function planSummary(plan: DeckhousePlan): string[] {
  const lines = [`plan for ${plan.source}: ${plan.requests.length} image reference(s)`];
  if (plan.platform) {
    const p = plan.platform;
    lines.push(
      `platform: ${p.versions.join(', ') || 'no versions'}; channels ${channelList(p.aliases)}; ${p.listedImages} installer-listed image reference(s)`,
    );
  } else lines.push('platform: left behind');
  lines.push(`installer: ${plan.installer ?? 'none'}`);
  lines.push(`security databases: ${plan.security.join(', ') || 'none'}`);
  if (plan.modules.length === 0) lines.push('modules: none');
  for (const m of plan.modules) {
    lines.push(
      `module ${m.name}: ${m.versions.join(', ') || 'no versions'}; channels ${channelList(m.channels)}; ${m.appImages} app and ${m.extraImages} extra image reference(s)`,
    );
  }
  for (const p of plan.packages) {
    lines.push(
      `package ${p.name}: ${p.versions.join(', ') || 'no versions'}; channels ${channelList(p.channels)}; ${p.appImages} app and ${p.extraImages} extra image reference(s)`,
    );
  }
  if (plan.packageVersions.length)
    lines.push(`package release images (package-versions.tar): ${plan.packageVersions.join(', ')}`);
  for (const e of plan.extras)
    lines.push(`beyond d8 (${e.extra}; --no-extra ${e.extra} leaves it out): ${e.detail}`);
  for (const s of plan.skipped) lines.push(`skipped ${s.item}: ${s.reason}`);
  return lines;
}
