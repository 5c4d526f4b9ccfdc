// "What to carry" as the Source step gives it (references typed or an images file, or a Deckhouse
// edition with its filters) turned into the engine's pull selection, for the preview and the pull
// alike. A typed name without a registry host comes from the source registry.
import type { DeckhouseRequest, ImageSelection, SelectionPreview } from '../../../shared/dto.ts';
import { CancelledError, toFerryError, UsageError } from '../../engine/api/errors.ts';
import {
  imageRequest,
  parsePlatform,
  parseRepositoryPath,
  qualifyReference,
  readImagesFile,
  type DeckhouseSelection,
} from '../../engine/api/input.ts';
import { previewPull, type PullSelection } from '../../engine/api/pull.ts';
import type { TransportOptions } from '../../engine/api/input.ts';

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

/** The typed lines that name images (comments and blank lines dropped). */
const typedLines = (selection: ImageSelection) =>
  selection.images.map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);

export async function pullSelectionOf(selection: ImageSelection): Promise<PullSelection> {
  if (selection.deckhouse) {
    return { deckhouse: deckhouseSelection(selection.source.registry, selection.deckhouse) };
  }
  const platforms = selection.platforms.map(parsePlatform);
  const images = typedLines(selection).map((l) =>
    imageRequest(qualifyReference(l, selection.source.registry), platforms),
  );
  if (selection.imagesFile) images.push(...(await readImagesFile(selection.imagesFile, platforms)));
  if (images.length === 0) {
    throw new UsageError('nothing to carry: type at least one image reference or choose an images file');
  }
  return { images };
}

/**
 * The preview of a selection, line by line: a typed line that is not an image reference is listed
 * with its own error and the others are still resolved, so one bad line hides nothing; each failure
 * carries the line it came from. (A pull stays strict: pullSelectionOf refuses any bad line.)
 */
export async function previewSelection(
  selection: ImageSelection,
  options: { transport: TransportOptions; signatures: boolean; signal: AbortSignal },
): Promise<SelectionPreview> {
  if (selection.deckhouse) return previewPull(await pullSelectionOf(selection), options);
  const platforms = selection.platforms.map(parsePlatform);
  const invalid: SelectionPreview['failed'] = [];
  const inputOf = new Map<string, string>();
  const images = typedLines(selection).flatMap((line) => {
    try {
      const request = imageRequest(qualifyReference(line, selection.source.registry), platforms);
      inputOf.set(request.sourceText, line);
      return [request];
    } catch (err) {
      invalid.push({ source: line, input: line, error: toFerryError(err).toDTO() });
      return [];
    }
  });
  if (selection.imagesFile) images.push(...(await readImagesFile(selection.imagesFile, platforms)));
  const preview: SelectionPreview =
    images.length > 0
      ? await previewPull({ images }, options)
      : { images: [], failed: [], totalBytes: 0, blobCount: 0 };
  // A newer preview replaced this one: its half answers are no answer.
  if (options.signal.aborted) throw new CancelledError('the preview was replaced by a newer one');
  const failed = preview.failed.map((f) => {
    const input = inputOf.get(f.source);
    return input ? { ...f, input } : f;
  });
  return { ...preview, failed: [...invalid, ...failed] };
}
