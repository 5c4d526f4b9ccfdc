// What `ferry verify` (and the app's import wizard) learns about a bundle.
import type { ImageSignatureResult } from './image-signatures.ts';

export type ProblemKind =
  'missing-file' | 'size' | 'checksum' | 'gostsum' | 'blob-digest' | 'missing-blob' | 'archive' | 'manifest';

export interface VerifyProblem {
  kind: ProblemKind;
  message: string;
  /** The file on the media to copy again. */
  file?: string;
  /** Byte range inside the archive. */
  range?: { start: number; end: number };
  digest?: string;
  images: string[];
}

export interface VerifyReport {
  ok: boolean;
  transferId: string;
  /** Every file of the bundle; `folder` is the one holding it when the bundle spans several (sticks). */
  files: Array<{
    file: string;
    size: number;
    status: 'ok' | 'missing' | 'size' | 'checksum';
    folder?: string;
  }>;
  images: Array<{ source: string; digest: string; target: string; ok: boolean }>;
  /** Blobs and manifests found intact. */
  blobsChecked: number;
  /** Bytes read and hashed (every chunk file, plus blobs re-hashed one by one). */
  bytesChecked: number;
  /** The Ferry the bundle carries (its files are checked too; a damaged one is a problem). */
  carriedFerry?: { platforms: string[]; version: string; files: number; intact: boolean };
  problems: VerifyProblem[];
  seconds: number;
  /** With cosign keys given: each image's signature verdict (a failing one makes `ok` false). */
  imageSignatures?: ImageSignatureResult[];
}
