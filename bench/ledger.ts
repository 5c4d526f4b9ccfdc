// Ledger speed: recording one transfer of 10,000 images and 50,000 blobs (goal: under 10 s), history
// queries over a ledger holding 1,000 transfers (goal: each under 100 ms), and the lookups every pull
// and every history view make once the ledger holds several such editions (goal: each under 100 ms,
// however many entries the earlier transfers left). All go through the same code the jobs use
// (OperationRecorder, history()), into a fresh FERRY_HOME in a temp dir.
// Usage: node bench/ledger.ts [--images N] [--blobs N] [--transfers N] [--editions N]
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TransferManifest } from '../electron/engine/bundle/transfer-manifest.ts';
import { auditLedger } from '../electron/engine/ledger/audit.ts';
import { history } from '../electron/engine/ledger/history.ts';
import { interruptedPulls } from '../electron/engine/ledger/interrupted-pulls.ts';
import { closeLedgers } from '../electron/engine/ledger/ledger.ts';
import { OperationRecorder } from '../electron/engine/ledger/recorder.ts';
import { Station } from '../electron/engine/ledger/station.ts';

const RECORD_GOAL_S = 10;
const QUERY_GOAL_MS = 100;
const QUERY_ROUNDS = 7;

const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;

/** A transfer manifest shaped like a real pull: multi-platform images sharing some blobs. */
function syntheticManifest(images: number, blobs: number, label: string): TransferManifest {
  const blobRecords = Array.from({ length: blobs }, (_, i) => ({
    digest: digest(),
    size: 1_000_000 + i,
    archive: 'images.tar',
    layout: '',
    offset: i * 1_001_000,
  }));
  const perImage = Math.max(1, Math.floor(blobs / images));
  const imageRecords = Array.from({ length: images }, (_, i) => {
    const own = blobRecords.slice(i * perImage, (i + 1) * perImage).map((b) => b.digest);
    const rootDigest = own[0] ?? digest();
    return {
      source: `registry.example.com/${label}/app-${i}:1.${i % 7}`,
      digest: rootDigest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: 1024,
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      target: { repository: `${label}/app-${i}`, tag: `1.${i % 7}` },
      archive: 'images.tar',
      layout: '',
      artifacts:
        i % 4 === 0
          ? [
              {
                kind: 'sig' as const,
                subject: rootDigest,
                tag: `sha256-${rootDigest.slice(7)}.sig`,
                digest: digest(),
                mediaType: 'application/vnd.oci.image.manifest.v1+json',
              },
            ]
          : [],
      contents: own,
    };
  });
  const archiveSize = blobs * 1_001_000;
  const chunkSize = 4_000_000_000;
  const parts = Array.from({ length: Math.max(1, Math.ceil(archiveSize / chunkSize)) }, (_, i) => ({
    file: `images.tar.${String(i).padStart(4, '0')}.chunk`,
    index: i,
    start: i * chunkSize,
    size: Math.min(chunkSize, archiveSize - i * chunkSize),
    sha256: createHash('sha256').update(`${label}-${i}`).digest('hex'),
  }));
  return {
    format: 'ferry-bundle',
    formatVersion: 1,
    transferId: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    tool: { name: 'ferry', version: 'bench' },
    images: imageRecords,
    archives: [{ name: 'images.tar', size: archiveSize, chunked: parts.length > 1, parts, layouts: [''] }],
    blobs: blobRecords,
    totals: {
      images,
      blobs,
      blobBytes: blobRecords.reduce((n, b) => n + b.size, 0),
      archiveBytes: archiveSize,
      files: parts.length,
    },
  };
}

function beginPull(station: Station, manifest: TransferManifest): OperationRecorder {
  return OperationRecorder.begin(station, {
    direction: 'pull',
    bundleDir: tmpdir(),
    sources: ['registry.example.com'],
    requested: manifest.images.map((i) => i.source),
  });
}

function recordPull(station: Station, manifest: TransferManifest): void {
  beginPull(station, manifest).pulled(manifest, {
    status: 'signed',
    fingerprint: station.key.fingerprint,
    publicKey: station.key.publicKey,
  });
}

function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(1)} ms`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median and slowest of QUERY_ROUNDS runs, after one that warms the statement and page caches (as
 *  a second query in the app would find them), and how many rows the last run found. */
function timeQuery(query: () => unknown[]): { med: number; max: number; found: number } {
  query();
  const times: number[] = [];
  let found = 0;
  for (let r = 0; r < QUERY_ROUNDS; r++) {
    const t = performance.now();
    found = query().length;
    times.push((performance.now() - t) / 1000);
  }
  return { med: median(times), max: Math.max(...times), found };
}

function positive(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} '${text}' must be a whole number ≥ 1`);
  return n;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      images: { type: 'string' },
      blobs: { type: 'string' },
      transfers: { type: 'string' },
      editions: { type: 'string' },
    },
  });
  const images = positive(values.images, 10_000, '--images');
  const blobs = positive(values.blobs, 50_000, '--blobs');
  const transfers = positive(values.transfers, 1_000, '--transfers');
  const editions = positive(values.editions, 5, '--editions');
  const root = mkdtempSync(join(tmpdir(), 'ferry-bench-ledger-'));
  let missed = 0;
  try {
    console.log(`node      ${process.version}`);
    console.log(
      `machine   ${availableParallelism()} core(s), load average (1 min) ${loadavg()[0]!.toFixed(2)}`,
    );

    // 1. One big transfer.
    const big = new Station({ home: join(root, 'big'), operator: 'bench', host: 'bench' });
    void big.ledger; // open (and migrate) before timing
    void big.key;
    const manifest = syntheticManifest(images, blobs, 'big');
    const started = performance.now();
    recordPull(big, manifest);
    const recordSeconds = (performance.now() - started) / 1000;
    const bigAudit = auditLedger(big.ledger);
    const dbBytes = ['ledger.db', 'ledger.db-wal']
      .map((f) => {
        try {
          return statSync(join(big.home, f)).size;
        } catch {
          return 0;
        }
      })
      .reduce((a, b) => a + b, 0);
    const recordOk = recordSeconds < RECORD_GOAL_S && bigAudit.ok;
    if (!recordOk) missed++;
    console.log(
      `\nRecording one transfer of ${images} images and ${blobs} blobs (${bigAudit.entries} ledger entries)`,
    );
    console.log(
      `  recorded in        ${recordSeconds.toFixed(2)} s   (goal < ${RECORD_GOAL_S} s) ${recordOk ? '✓ met' : '✗ MISSED'}`,
    );
    console.log(`  ledger on disk     ${(dbBytes / 1e6).toFixed(1)} MB (database + WAL)`);
    console.log(
      `  audit verify       ${bigAudit.seconds.toFixed(2)} s over the whole chain, ${bigAudit.ok ? 'intact' : 'BROKEN'}`,
    );

    // 2. History with many transfers.
    const many = new Station({ home: join(root, 'many'), operator: 'bench', host: 'bench' });
    const fillStarted = performance.now();
    const manifests: TransferManifest[] = [];
    for (let i = 0; i < transfers; i++) {
      const m = syntheticManifest(10, 50, `team-${i % 37}`);
      manifests.push(m);
      recordPull(many, m);
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const probe = manifests[Math.floor(transfers / 2)]!;
    const queries: Array<[string, () => unknown[]]> = [
      ['history (all)', () => history(many.ledger)],
      ['history --limit 20', () => history(many.ledger, { limit: 20 })],
      ['history --digest <layer>', () => history(many.ledger, { digest: probe.blobs[17]!.digest })],
      ['history --digest <image>', () => history(many.ledger, { digest: probe.images[3]!.digest })],
      ['history --image team-5/app-3', () => history(many.ledger, { image: 'team-5/app-3' })],
      ['history --since 1h', () => history(many.ledger, { since: new Date(Date.now() - 3_600_000) })],
    ];
    console.log(
      `\nHistory queries with ${transfers} transfers recorded (${auditLedger(many.ledger).entries} entries, filled in ${fillSeconds.toFixed(1)} s); median of ${QUERY_ROUNDS} runs`,
    );
    for (const [name, query] of queries) {
      const { med, max, found } = timeQuery(query);
      const ok = med * 1000 < QUERY_GOAL_MS && found > 0;
      if (!ok) missed++;
      console.log(
        `  ${name.padEnd(30)} ${ms(med).padStart(9)}  (max ${ms(max)}, ${found} operation(s))  goal < ${QUERY_GOAL_MS} ms ${ok ? '✓ met' : '✗ MISSED'}`,
      );
    }

    // 3. The same lookups once the ledger holds several editions' pulls.
    for (let i = 1; i < editions; i++) recordPull(big, syntheticManifest(images, blobs, `edition-${i}`));
    recordPull(big, syntheticManifest(10, 50, 'after'));
    const small = syntheticManifest(10, 50, 'next');
    const op = beginPull(big, small);
    const lookups: Array<[string, () => unknown[]]> = [
      [
        'end of a pull: runs it resumes',
        () =>
          interruptedPulls(big.ledger, {
            operationId: op.operationId,
            transferId: small.transferId,
            bundleDir: tmpdir(),
          }),
      ],
      // The newest operations, small ones: what the app's History shows first.
      ['history --limit 2', () => history(big.ledger, { limit: 2 })],
      // The app's History list: every operation, counted from its totals.
      ['history for the list (counts)', () => history(big.ledger, {}, { images: 'without-totals' })],
    ];
    console.log(
      `\nLookups after ${editions} editions of ${images} images and ${blobs} blobs (${auditLedger(big.ledger).entries} entries); median of ${QUERY_ROUNDS} runs`,
    );
    for (const [name, lookup] of lookups) {
      const { med, max } = timeQuery(lookup);
      const ok = med * 1000 < QUERY_GOAL_MS;
      if (!ok) missed++;
      console.log(
        `  ${name.padEnd(32)} ${ms(med).padStart(9)}  (max ${ms(max)})  goal < ${QUERY_GOAL_MS} ms ${ok ? '✓ met' : '✗ MISSED'}`,
      );
    }
  } finally {
    closeLedgers();
    rmSync(root, { recursive: true, force: true });
  }
  return missed === 0 ? 0 : 1;
}

process.exitCode = main();
