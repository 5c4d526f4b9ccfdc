// Everything the Prepare wizard collects before it starts a pull.
import type {
  Drive,
  ImageSelection,
  MediaEstimate,
  PullJobRequest,
  SelectionPreview,
} from '../../shared/dto.ts';
import { emptyConnection, toConnection, type ConnectionDraft } from '../components/ConnectionForm.tsx';

export interface DeckhouseDraft {
  edition: string;
  /** Which releases: every channel's, one version, or every version since one. */
  release: 'channels' | 'tag' | 'since';
  version: string;
  include: string;
  exclude: string;
  platform: boolean;
  securityDatabases: boolean;
  modules: boolean;
}

export interface PrepareDraft {
  source: ConnectionDraft;
  what: 'images' | 'deckhouse';
  deckhouse: DeckhouseDraft;
  images: string;
  imagesFile: string;
  platforms: string;
  signatures: boolean;
  preview?: SelectionPreview;
  /** The removable drive the bundle goes onto, or undefined for a folder on this computer. */
  drive?: Drive;
  bundleDir: string;
  /** Chunk size in MiB as typed; '' for one file per archive where it fits. */
  chunkMiB: string;
  /** A stick seen on the Media step: after switching to a folder, the sticks are like this one. */
  stickLike?: Drive;
  /** For a folder on this computer: the sticks it will be copied to (0: like `stickLike`). */
  stickGB: number;
  stickFilesystem: 'vfat' | 'exfat' | 'ntfs';
  estimate?: MediaEstimate;
  force: boolean;
  /** Leave out blobs the target holds, by the imported receipts (an incremental pull). */
  incremental: boolean;
}

export const initialDraft: PrepareDraft = {
  source: emptyConnection,
  what: 'images',
  deckhouse: {
    edition: '',
    release: 'channels',
    version: '',
    include: '',
    exclude: '',
    platform: true,
    securityDatabases: true,
    modules: true,
  },
  images: '',
  imagesFile: '',
  platforms: '',
  signatures: true,
  bundleDir: '',
  chunkMiB: '2048',
  stickGB: 32,
  stickFilesystem: 'vfat',
  force: false,
  incremental: false,
};

export const imageLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

export const platformList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);

/** What one stick holds, in bytes: the drive's free space, or a nominal stick's usable size. */
export function stickBytes(d: PrepareDraft): number {
  if (d.drive) return d.drive.freeBytes;
  if (d.stickGB === 0 && d.stickLike) return d.stickLike.freeBytes;
  return Math.floor(d.stickGB * 1e9 * 0.95);
}

export function maxFileBytes(d: PrepareDraft): number | null {
  if (d.drive) return d.drive.maxFileBytes;
  if (d.stickGB === 0 && d.stickLike) return d.stickLike.maxFileBytes;
  return d.stickFilesystem === 'vfat' ? 4 * 1024 ** 3 - 1 : null;
}

export function requestedChunk(d: PrepareDraft): number {
  const n = Number(d.chunkMiB.trim() || '0');
  return Number.isFinite(n) && n > 0 ? Math.floor(n * 1024 * 1024) : 0;
}

/** What the wizard asks the main process to preview and pull. */
export function selectionOf(d: PrepareDraft): ImageSelection {
  const common = {
    source: toConnection(d.source),
    platforms: platformList(d.platforms),
    signatures: d.signatures,
  };
  if (d.what === 'deckhouse') {
    const h = d.deckhouse;
    const version = h.version.trim();
    return {
      ...common,
      images: [],
      deckhouse: {
        edition: h.edition.trim(),
        ...(h.release === 'tag' && version ? { deckhouseTag: version } : {}),
        ...(h.release === 'since' && version ? { sinceVersion: version } : {}),
        includeModules: imageLines(h.include),
        excludeModules: imageLines(h.exclude),
        platform: h.platform,
        securityDatabases: h.securityDatabases,
        modules: h.modules,
      },
    };
  }
  return {
    ...common,
    images: imageLines(d.images),
    ...(d.imagesFile.trim() ? { imagesFile: d.imagesFile.trim() } : {}),
  };
}

/** Something to preview has been given. */
export const hasSelection = (d: PrepareDraft) =>
  d.what === 'deckhouse'
    ? d.deckhouse.edition.trim() !== ''
    : imageLines(d.images).length > 0 || d.imagesFile.trim() !== '';

/**
 * The draft a pull was started with, rebuilt from main's record of it (a reloaded page, or a job
 * opened from the transfers panel): the Transfer step and a retry need the source and the folder.
 */
export function draftOfPull(r: PullJobRequest): PrepareDraft {
  return {
    ...initialDraft,
    source: {
      ...emptyConnection,
      registry: r.source.registry,
      insecure: r.source.insecure,
      tlsSkipVerify: r.source.tlsSkipVerify,
      caFile: r.source.caFile ?? '',
    },
    what: r.deckhouse ? 'deckhouse' : 'images',
    images: r.images.join('\n'),
    imagesFile: r.imagesFile ?? '',
    platforms: r.platforms.join(' '),
    signatures: r.signatures,
    bundleDir: r.bundleDir,
    chunkMiB: r.chunkSize ? String(r.chunkSize / (1024 * 1024)) : '',
    force: false,
    incremental: r.incremental === true,
  };
}
