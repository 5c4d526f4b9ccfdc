// Receipts close the loop across the air gap. After a push, the isolated station writes a small signed
// JSON of what arrived and was pushed (images, blob digests, the target repositories holding them). The
// connected station imports it into its ledger; from then on `pull --incremental` leaves out the blobs
// the receipts prove are already in the target, and push mounts them there from where they are.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { OmittedBlob } from '../plan/omitted-blob.ts';
import { BundleInvalidError, NotFoundError, SignatureError, UsageError } from '../errors.ts';
import type { TrustedKey } from '../signing/public-key.ts';
import { signJson, verifyJson } from '../signing/signed-json.ts';
import type { Signature } from '../signing/station-key.ts';
import type {
  BlobBody,
  ImageBody,
  OperationBody,
  OutcomeBody,
  ReceiptBlobBody,
  ReceiptBody,
  VerificationBody,
} from './bodies.ts';
import { bodyOf, type Entry, type NewEntry } from './entry.ts';
import type { Station } from './station.ts';
import { writeFileAtomic } from '../util/write-file-atomic.ts';

export const RECEIPT_FORMAT = 'ferry-receipt';
export const RECEIPT_FORMAT_VERSION = 1;

export interface ReceiptPush {
  operationId: string;
  registry: string;
  path: string;
  endedAt: string;
  outcome: string;
  images: Array<{ source: string; target: string; digest: string; status: string }>;
  blobs: Array<{ digest: string; size: number; repositories: string[] }>;
}

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  formatVersion: number;
  receiptId: string;
  transferId: string;
  issuedAt: string;
  station: { host: string; operator: string; fingerprint: string };
  /** The last verification of the bundle on the issuing station, if any. */
  verified?: { ok: boolean; at: string };
  pushes: ReceiptPush[];
}

export interface SignedReceipt {
  receipt: Receipt;
  signature: Signature;
}

function group(entries: Entry[]): Map<string, Entry[]> {
  const byOp = new Map<string, Entry[]>();
  for (const e of entries) byOp.set(e.operationId, [...(byOp.get(e.operationId) ?? []), e]);
  return byOp;
}

/** Builds the receipt for `transferId` from this station's push records, signs it, records that it was issued. */
export function issueReceipt(station: Station, transferId: string): SignedReceipt {
  const ledger = station.ledger;
  const found = ledger.operationsOfTransfer(transferId);
  if (found.operationIds.length === 0) {
    throw new NotFoundError(
      `transfer ${transferId} is not in this station's ledger: run 'ferry history' to find it`,
    );
  }
  const entries = ledger.entriesOf(found.operationIds);
  const pushes: ReceiptPush[] = [];
  let verified: Receipt['verified'];
  for (const [operationId, ops] of group(entries)) {
    const op = ops.find((e) => e.kind === 'operation');
    const outcome = ops.find((e) => e.kind === 'outcome');
    if (!op || !outcome) continue;
    const start = bodyOf<OperationBody>(op);
    const end = bodyOf<OutcomeBody>(outcome);
    if (start.direction === 'verify') {
      const v = ops.find((e) => e.kind === 'verification');
      if (v) verified = { ok: bodyOf<VerificationBody>(v).ok, at: end.endedAt };
      continue;
    }
    if (start.direction !== 'push' || !start.target) continue;
    const images = ops
      .filter((e) => e.kind === 'image')
      .map((e) => bodyOf<ImageBody>(e))
      .filter((i) => i.push)
      .map((i) => ({ source: i.source, target: i.push!.target, digest: i.digest, status: i.push!.status }));
    if (!images.some((i) => i.status === 'pushed')) continue;
    const blobs = ops
      .filter((e) => e.kind === 'blob')
      .map((e) => bodyOf<BlobBody>(e))
      .filter((b) => (b.repositories ?? []).length > 0)
      .map((b) => ({ digest: b.digest, size: b.size, repositories: b.repositories! }));
    pushes.push({
      operationId,
      registry: start.target.registry,
      path: start.target.path,
      endedAt: end.endedAt,
      outcome: end.status,
      images,
      blobs,
    });
  }
  if (pushes.length === 0) {
    throw new NotFoundError(
      `transfer ${found.transferId} was not pushed from this station: run 'ferry push' first (a receipt says what arrived)`,
    );
  }
  const key = station.key;
  const receipt: Receipt = {
    format: RECEIPT_FORMAT,
    formatVersion: RECEIPT_FORMAT_VERSION,
    receiptId: randomUUID(),
    transferId: found.transferId,
    issuedAt: new Date().toISOString(),
    station: { host: station.host, operator: station.operator, fingerprint: key.fingerprint },
    ...(verified ? { verified } : {}),
    pushes,
  };
  const signed = { receipt, signature: signJson(receipt, key) };
  ledger.append({ operationId: randomUUID(), transferId: receipt.transferId }, [
    { kind: 'receipt', subject: receipt.receiptId, body: receiptBody(receipt, 'issued') },
  ]);
  return signed;
}

function receiptBody(receipt: Receipt, action: ReceiptBody['action'], file?: string): ReceiptBody {
  return {
    action,
    receiptId: receipt.receiptId,
    transferId: receipt.transferId,
    issuedAt: receipt.issuedAt,
    issuer: receipt.station,
    pushes: receipt.pushes.map((p) => ({
      registry: p.registry,
      path: p.path,
      images: p.images.filter((i) => i.status === 'pushed').length,
      blobs: p.blobs.length,
      endedAt: p.endedAt,
    })),
    images: receipt.pushes.flatMap((p) => p.images),
    ...(file ? { file } : {}),
  };
}

export async function writeReceipt(file: string, signed: SignedReceipt): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(signed, null, 2)}\n`);
}

export interface ImportedReceipt {
  receipt: Receipt;
  fingerprint: string;
  /** False when the same receipt was imported before (nothing recorded twice). */
  recorded: boolean;
  blobs: number;
  bytes: number;
}

/** Checks a receipt's signature (and signer, with a trusted key) and records it in the ledger. */
export async function importReceipt(
  station: Station,
  file: string,
  trusted?: TrustedKey,
): Promise<ImportedReceipt> {
  let parsed: Partial<SignedReceipt>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<SignedReceipt>;
  } catch (err) {
    throw new UsageError(`cannot read the receipt ${file}: ${(err as Error).message}`, { cause: err });
  }
  const receipt = parsed.receipt;
  if (receipt?.format !== RECEIPT_FORMAT || !Array.isArray(receipt.pushes) || !receipt.receiptId) {
    throw new BundleInvalidError(
      `${file} is not a Ferry receipt (written by 'ferry receipt <transfer-id> -o FILE')`,
    );
  }
  if (receipt.formatVersion > RECEIPT_FORMAT_VERSION) {
    throw new BundleInvalidError(
      `${file} has receipt format ${receipt.formatVersion}, newer than this Ferry understands: upgrade Ferry`,
    );
  }
  const fingerprint = verifyJson(receipt, parsed.signature);
  if (!fingerprint) {
    throw new SignatureError(
      `${file}'s signature does not match its content: it was changed after it was signed`,
    );
  }
  // The receipt names its station's key; a receipt signed by another key than the one it names
  // was re-signed by someone else.
  if (receipt.station?.fingerprint !== fingerprint) {
    throw new SignatureError(
      `${file} names the station key ${receipt.station?.fingerprint ?? '(none)'} but is signed by ${fingerprint}: refused`,
    );
  }
  if (trusted && trusted.fingerprint !== fingerprint) {
    throw new SignatureError(
      `${file} is signed by ${fingerprint}, not by the trusted key ${trusted.fingerprint}: refused`,
    );
  }
  const ledger = station.ledger;
  const blobs = new Map<string, number>();
  for (const p of receipt.pushes) for (const b of p.blobs) blobs.set(b.digest, b.size);
  const bytes = [...blobs.values()].reduce((n, s) => n + s, 0);
  const already = ledger.run(
    (db) =>
      db
        .prepare(
          "SELECT 1 FROM entries WHERE kind = 'receipt' AND subject = ? AND json_extract(body, '$.action') = 'imported'",
        )
        .get(receipt.receiptId) !== undefined,
  );
  if (already) return { receipt, fingerprint, recorded: false, blobs: blobs.size, bytes };
  const entries: NewEntry[] = [
    {
      kind: 'receipt',
      subject: receipt.receiptId,
      body: { ...receiptBody(receipt, 'imported', file), signer: fingerprint },
    },
  ];
  for (const p of receipt.pushes) {
    for (const b of p.blobs) {
      const body: ReceiptBlobBody = {
        receiptId: receipt.receiptId,
        registry: p.registry,
        path: p.path,
        digest: b.digest,
        size: b.size,
        repositories: b.repositories,
      };
      entries.push({ kind: 'receipt-blob', subject: receipt.receiptId, digest: b.digest, body });
    }
  }
  ledger.append({ operationId: randomUUID(), transferId: receipt.transferId }, entries);
  return { receipt, fingerprint, recorded: true, blobs: blobs.size, bytes };
}

/** `registry[/path]` a receipt's push went to, matched against `--incremental-target`. */
function targetMatches(filter: { registry: string; path: string } | undefined, b: ReceiptBlobBody): boolean {
  if (!filter) return true;
  if (filter.registry !== b.registry) return false;
  return filter.path === '' || filter.path.replace(/\/+$/, '') === b.path.replace(/^\/+|\/+$/g, '');
}

/**
 * Blobs that imported receipts prove are in one target registry: digest → where. Without a filter
 * the receipts must all name the same registry (a pull does not know where it will be pushed).
 */
export function blobsInTarget(
  station: Station,
  filter?: { registry: string; path: string },
): { registry: string; receipts: string[]; blobs: Map<string, OmittedBlob> } {
  const rows = station.ledger.entriesOfKind(['receipt-blob']).map((e) => bodyOf<ReceiptBlobBody>(e));
  const matching = rows.filter((b) => targetMatches(filter, b));
  const registries = [...new Set(matching.map((b) => b.registry))];
  if (registries.length > 1) {
    throw new UsageError(
      `the imported receipts name ${registries.length} target registries (${registries.join(', ')}): choose one with --incremental-target REGISTRY[/PATH]`,
    );
  }
  if (matching.length === 0) {
    throw new UsageError(
      rows.length === 0
        ? "no receipts imported yet: run 'ferry receipt import FILE' with the receipt of an earlier push, or pull without --incremental"
        : `no imported receipt names ${filter?.registry}${filter?.path ? `/${filter.path}` : ''}: check --incremental-target`,
    );
  }
  const blobs = new Map<string, OmittedBlob>();
  for (const b of matching) {
    const known = blobs.get(b.digest);
    if (known) {
      for (const r of b.repositories) if (!known.repositories.includes(r)) known.repositories.push(r);
      continue;
    }
    blobs.set(b.digest, {
      digest: b.digest,
      size: b.size,
      registry: b.registry,
      repositories: [...b.repositories],
      receipt: b.receiptId,
    });
  }
  return { registry: registries[0]!, receipts: [...new Set(matching.map((b) => b.receiptId))], blobs };
}
