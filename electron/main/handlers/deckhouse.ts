// A Deckhouse source as the engine's planner takes it (the same selection `ferry pull --source` makes),
// and the plan's summary for the preview: what each channel points at, which modules travel.
import type { DeckhouseRequest, SelectionPreview } from '../../../shared/dto.ts';
import type { DeckhousePlan, DeckhouseSelection } from '../../engine/deckhouse/planner.ts';
import { parseRepositoryPath } from '../../engine/ref/reference.ts';

export function deckhouseSelection(registry: string, request: DeckhouseRequest): DeckhouseSelection {
  const host = parseRepositoryPath(registry.trim());
  const base = host.path ? `${host.registry}/${host.path}` : host.registry;
  return {
    source: `${base}/${request.edition.trim().replace(/^\/+|\/+$/g, '')}`,
    ...(request.deckhouseTag ? { deckhouseTag: request.deckhouseTag } : {}),
    ...(request.sinceVersion ? { sinceVersion: request.sinceVersion } : {}),
    ...(request.includeModules.length ? { includeModules: request.includeModules } : {}),
    ...(request.excludeModules.length ? { excludeModules: request.excludeModules } : {}),
    noPlatform: !request.platform,
    noSecurityDb: !request.securityDatabases,
    noModules: !request.modules,
  };
}

export function planSummary(plan: DeckhousePlan): NonNullable<SelectionPreview['deckhouse']> {
  return {
    channels: (plan.platform?.channels ?? []).map((c) => ({ channel: c.channel, version: c.version })),
    versions: plan.platform?.versions ?? [],
    modules: plan.modules.map((m) => ({ name: m.name, versions: m.versions })),
    securityDatabases: plan.security,
  };
}
