// `ferry history`: the operations recorded on this station, newest first, narrowed by date, image or
// digest. Answers from indexed columns (kind, digest, subject), then reads only the entries of the
// operations it returns.
import { UsageError } from '../errors.ts';
import type {
  Direction,
  ImageBody,
  OperationBody,
  OutcomeBody,
  OutcomeStatus,
  SignatureBody,
} from './bodies.ts';
import { bodyOf, type Entry, type EntryKind } from './entry.ts';
import type { Ledger } from './ledger.ts';
import type { SupersededBody } from './interrupted-pulls.ts';
import { describeImageSignature, signatureAccepted } from '../verify/image-signature-verdict.ts';

export interface HistoryFilter {
  since?: Date;
  /** Part of an image reference: source or target (`vendor/app`, `vendor/app:v1`, a full reference). */
  image?: string;
  /** An image, blob or artifact digest, or a chunk's SHA-256 (`sha256:` may be left off). */
  digest?: string;
  direction?: Direction;
  limit?: number;
}

export interface HistoryImage {
  reference: string;
  digest: string;
  platforms: string[];
  bytes: number;
  target: string;
  /** Verify: 'ok' or 'damaged'; push: 'pushed' or 'refused'. */
  status?: string;
  /** Under --key/--policy: the image signature's verdict in one line, and whether it was accepted. */
  signature?: { accepted: boolean; text: string };
}

export interface OperationSummary {
  operationId: string;
  transferId: string;
  direction: Direction;
  operator: string;
  host: string;
  startedAt: string;
  endedAt?: string;
  /** 'unfinished' when the job never recorded an outcome (killed, power lost). */
  status: OutcomeStatus | 'unfinished';
  seconds?: number;
  bundleDir: string;
  sources?: string[];
  target?: { registry: string; path: string };
  error?: { code: string; message: string };
  totals?: OutcomeBody['totals'];
  pushed?: number;
  refused?: number;
  incremental?: OutcomeBody['incremental'];
  skipped?: OutcomeBody['skipped'];
  signature?: { status: SignatureBody['status']; fingerprint?: string; trusted?: boolean };
  /** Earlier runs of this pull, killed, that this one finished. */
  resumed?: OutcomeBody['resumed'];
  /** A killed run: the operation that finished its transfer. */
  supersededBy?: string;
  images: HistoryImage[];
}

/** '2026-11-01', '2026-11-01T14:00', an ISO time, or an age: '7d', '12h', '30m'. */
export function parseSince(text: string, now = new Date()): Date {
  const age = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (age) {
    const ms = { d: 86_400_000, h: 3_600_000, m: 60_000 }[age[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() - Number(age[1]) * ms);
  }
  const date = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())
    ? new Date(text.trim())
    : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--since '${text}' is not a date: use 2026-11-01, 2026-11-01T14:00 or an age like 7d`,
    );
  }
  return date;
}

export function normaliseDigest(text: string): string {
  const t = text.trim().toLowerCase();
  return /^[a-f0-9]{64}$/.test(t) ? `sha256:${t}` : t;
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Operation ids matching the filter, newest first. */
function matchingOperations(ledger: Ledger, filter: HistoryFilter): string[] {
  return ledger.run((db) => {
    // A killed run that a later run finished is listed under that run (its `resumed`), not apart.
    const where: string[] = [
      "kind = 'operation'",
      `operation_id NOT IN (SELECT operation_id FROM entries WHERE kind = 'superseded'
         EXCEPT SELECT operation_id FROM entries WHERE kind = 'outcome')`,
    ];
    const params: unknown[] = [];
    if (filter.since) {
      where.push('recorded_at >= ?');
      params.push(filter.since.toISOString());
    }
    if (filter.direction) {
      where.push('subject = ?');
      params.push(filter.direction);
    }
    if (filter.digest) {
      where.push('operation_id IN (SELECT operation_id FROM entries WHERE digest = ?)');
      params.push(normaliseDigest(filter.digest));
    }
    if (filter.image) {
      const like = `%${likeEscape(filter.image)}%`;
      where.push(
        `operation_id IN (SELECT operation_id FROM entries WHERE kind = 'image' AND (subject LIKE ? ESCAPE '\\'
           OR json_extract(body, '$.target.repository') || coalesce(':' || json_extract(body, '$.target.tag'), '') LIKE ? ESCAPE '\\'
           OR json_extract(body, '$.push.target') LIKE ? ESCAPE '\\'))`,
      );
      params.push(like, like, like);
    }
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(1, Math.floor(filter.limit))}` : '';
    const rows = db
      .prepare(
        `SELECT operation_id AS id FROM entries WHERE ${where.join(' AND ')} ORDER BY seq DESC${limit}`,
      )
      .all(...params) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  });
}

/** Summaries of `operationIds` (in that order) from their entries. */
export function summarise(entries: Entry[], operationIds: string[]): OperationSummary[] {
  const byOp = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = byOp.get(e.operationId);
    if (list) list.push(e);
    else byOp.set(e.operationId, [e]);
  }
  const out: OperationSummary[] = [];
  for (const id of operationIds) {
    const list = byOp.get(id) ?? [];
    const start = list.find((e) => e.kind === 'operation');
    if (!start) continue;
    const op = bodyOf<OperationBody>(start);
    const endEntry = list.find((e) => e.kind === 'outcome');
    const end = endEntry ? bodyOf<OutcomeBody>(endEntry) : undefined;
    const supersededEntry = list.find((e) => e.kind === 'superseded');
    const sigEntry = list.find((e) => e.kind === 'signature');
    const sig = sigEntry ? bodyOf<SignatureBody>(sigEntry) : undefined;
    const transferId = list.map((e) => e.transferId).find((t) => t !== '') ?? '';
    out.push({
      operationId: id,
      transferId,
      direction: op.direction,
      operator: op.operator,
      host: op.host,
      startedAt: op.startedAt,
      ...(end ? { endedAt: end.endedAt, seconds: end.seconds } : {}),
      status: end?.status ?? 'unfinished',
      bundleDir: op.bundleDir,
      ...(op.sources ? { sources: op.sources } : {}),
      ...(op.target ? { target: op.target } : {}),
      ...(end?.error ? { error: end.error } : {}),
      ...(end?.totals ? { totals: end.totals } : {}),
      ...(end?.pushed !== undefined ? { pushed: end.pushed, refused: end.refused ?? 0 } : {}),
      ...(end?.incremental ? { incremental: end.incremental } : {}),
      ...(end?.skipped ? { skipped: end.skipped } : {}),
      ...(end?.resumed ? { resumed: end.resumed } : {}),
      ...(supersededEntry ? { supersededBy: bodyOf<SupersededBody>(supersededEntry).by } : {}),
      ...(sig
        ? {
            signature: {
              status: sig.status,
              ...('fingerprint' in sig && sig.fingerprint ? { fingerprint: sig.fingerprint } : {}),
              ...('trusted' in sig && sig.trusted !== undefined ? { trusted: sig.trusted } : {}),
            },
          }
        : {}),
      images: list
        .filter((e) => e.kind === 'image')
        .map((e) => {
          const i = bodyOf<ImageBody>(e);
          const status =
            i.push?.status ?? (i.verified === undefined ? undefined : i.verified ? 'ok' : 'damaged');
          return {
            reference: i.source,
            digest: i.digest,
            platforms: i.platforms,
            bytes: i.bytes,
            target:
              i.push?.target ?? `${i.target.repository}${i.target.tag ? `:${i.target.tag}` : `@${i.digest}`}`,
            ...(status ? { status } : {}),
            ...(i.signatureVerdict
              ? {
                  signature: {
                    accepted: signatureAccepted(i.signatureVerdict),
                    text: describeImageSignature(i.signatureVerdict),
                  },
                }
              : {}),
          };
        }),
    });
  }
  return out;
}

export interface HistoryOptions {
  /**
   * 'all' (the default) lists every operation's images. 'without-totals' leaves `images` empty where
   * the outcome has totals, for a list that shows only counts and sizes: an edition's pull has
   * 10,000 image entries, and reading them all made the app's History list block for ~90 ms per
   * edition, while a transfer ran in the same process.
   */
  images?: 'all' | 'without-totals';
}

const SUMMARY_KINDS: EntryKind[] = ['operation', 'outcome', 'signature', 'superseded'];

export function history(
  ledger: Ledger,
  filter: HistoryFilter = {},
  options: HistoryOptions = {},
): OperationSummary[] {
  const ids = matchingOperations(ledger, filter);
  const all = (of: string[]) => summarise(ledger.entriesOf(of, [...SUMMARY_KINDS, 'image']), of);
  if (options.images !== 'without-totals') return all(ids);
  const brief = summarise(ledger.entriesOf(ids, SUMMARY_KINDS), ids);
  const untotalled = brief.filter((o) => !o.totals).map((o) => o.operationId);
  if (untotalled.length === 0) return brief;
  const full = new Map(all(untotalled).map((o) => [o.operationId, o]));
  return brief.map((o) => full.get(o.operationId) ?? o);
}
