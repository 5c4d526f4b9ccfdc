// "What to carry" as the Source step gives it (references typed or an images file, or a Deckhouse
// edition with its filters) turned into the engine's pull selection, for the preview and the pull
// alike. A typed name without a registry host comes from the source registry.
import type { DeckhouseRequest, ImageSelection } from '../../../shared/dto.ts';
import { UsageError } from '../../engine/api/errors.ts';
import {
  imageRequest,
  parsePlatform,
  parseRepositoryPath,
  qualifyReference,
  readImagesFile,
  type DeckhouseSelection,
} from '../../engine/api/input.ts';
import type { PullSelection } from '../../engine/api/pull.ts';

/** The Deckhouse source as the planner takes it: the same selection `ferry pull --source` makes. */
function deckhouseSelection(registry: string, request: DeckhouseRequest): DeckhouseSelection {
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

export async function pullSelectionOf(selection: ImageSelection): Promise<PullSelection> {
  if (selection.deckhouse) {
    return { deckhouse: deckhouseSelection(selection.source.registry, selection.deckhouse) };
  }
  const platforms = selection.platforms.map(parsePlatform);
  const lines = selection.images.map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
  const images = lines.map((l) => imageRequest(qualifyReference(l, selection.source.registry), platforms));
  if (selection.imagesFile) images.push(...(await readImagesFile(selection.imagesFile, platforms)));
  if (images.length === 0) {
    throw new UsageError('nothing to carry: type at least one image reference or choose an images file');
  }
  return { images };
}
