// The app's History list runs in the main process, beside any transfer: it must not read every image
// entry of every edition a station ever pulled (10,000 each) to show a count per row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleTotals, type TransferManifest } from '../../engine/bundle/transfer-manifest.ts';
import type { EntryKind } from '../../engine/ledger/entry.ts';
import { closeLedgers } from '../../engine/ledger/ledger.ts';
import { OperationRecorder } from '../../engine/ledger/recorder.ts';
import { Station } from '../../engine/ledger/station.ts';
import { listTransfers } from './history.ts';

const homes: string[] = [];
afterEach(() => {
  closeLedgers();
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

const digest = (n: number) => `sha256:${String(n).padStart(64, '0')}`;

/** A pull of `count` images, the first on two channels (two records, one image by the count rule). */
function manifest(count: number): TransferManifest {
  const blobs = Array.from({ length: count }, (_, i) => ({
    digest: digest(1000 + i),
    size: 100 + i,
    archive: 'images.tar',
    layout: '',
    offset: i * 1024,
  }));
  const image = (i: number, tag: string) => ({
    source: `reg.example/app-${i}:${tag}`,
    digest: digest(i),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 10,
    platforms: ['linux/amd64'],
    target: { repository: `app-${i}`, tag },
    archive: 'images.tar',
    layout: '',
    artifacts: [],
    contents: [blobs[i]!.digest],
  });
  const images = [image(0, 'beta'), ...Array.from({ length: count }, (_, i) => image(i, 'stable'))];
  const archives = [
    {
      name: 'images.tar',
      size: count * 1024,
      chunked: false,
      parts: [{ file: 'images.tar', index: 0, start: 0, size: count * 1024, sha256: '0'.repeat(64) }],
      layouts: [''],
    },
  ];
  return {
    format: 'ferry-bundle',
    formatVersion: 1,
    transferId: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    tool: { name: 'ferry', version: 'test' },
    images,
    archives,
    blobs,
    totals: bundleTotals({ images, blobs, archives }),
  };
}

describe('the History list', () => {
  it("counts each transfer's images from its totals, reading no image entry of a finished operation", () => {
    const home = mkdtempSync(join(tmpdir(), 'ferry-history-list-'));
    homes.push(home);
    const station = new Station({ home, operator: 'tester', host: 'station' });
    const pulled = manifest(30);
    const pull = OperationRecorder.begin(station, {
      direction: 'pull',
      bundleDir: home,
      sources: ['reg.example'],
      requested: pulled.images.map((i) => i.source),
    });
    pull.pulled(pulled, { status: 'unsigned' });
    // A run killed before its outcome: no totals, its row is still listed.
    OperationRecorder.begin(station, {
      direction: 'pull',
      bundleDir: join(home, 'other'),
      sources: ['reg.example'],
      requested: ['reg.example/app-0:stable'],
    });

    const asked: EntryKind[][] = [];
    const ledger = station.ledger;
    const entriesOf = ledger.entriesOf.bind(ledger);
    ledger.entriesOf = (ids, kinds) => {
      if (ids.includes(pull.operationId)) asked.push(kinds ?? []);
      return entriesOf(ids, kinds);
    };
    const rows = listTransfers(station, {});

    expect(rows.map((r) => [r.outcome, r.images])).toEqual([
      ['unfinished', 0],
      ['succeeded', 30],
    ]);
    expect(rows[1]!.bytes).toBe(pulled.totals.blobBytes);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((kinds) => kinds.length === 0 || kinds.includes('image'))).toEqual([]);
  });
});
