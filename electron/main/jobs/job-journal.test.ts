// The journal of interrupted pulls and pushes: what a run leaves running or paused is on disk after
// each change; the next run offers it until it is resumed or dismissed; finished jobs, checks and
// copies are never kept; a torn or foreign file offers nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../shared/jobs.ts';
import { JobJournal, JOURNAL_FILE } from './job-journal.ts';

const home = mkdtempSync(join(tmpdir(), 'ferry-journal-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const summary = (
  jobId: string,
  status: JobSummary['status'],
  kind: 'pull' | 'verify' = 'pull',
): JobSummary => ({
  jobId,
  kind,
  status,
  title: `job ${jobId}`,
  startedAt: '2026-12-02T10:00:00.000Z',
  seconds: 1,
  phase: '',
  progress: { bytesDone: 0, bytesTotal: 0, imagesDone: 0, imagesTotal: 0 },
  images: {},
  started:
    kind === 'pull'
      ? {
          kind: 'pull',
          request: {
            source: { registry: 'r:5000', insecure: true, tlsSkipVerify: false },
            images: ['a:1'],
            platforms: [],
            signatures: false,
            bundleDir: `/b/${jobId}`,
            force: true,
          },
        }
      : { kind: 'verify', request: { folders: ['/b'] } },
});

describe('JobJournal', () => {
  it('keeps running and paused pulls for the next start, until resumed or dismissed', async () => {
    const first = new JobJournal(home);
    expect(first.interrupted()).toEqual([]);
    first.record([
      summary('run', 'running'),
      summary('pause', 'paused'),
      summary('done', 'succeeded'),
      summary('check', 'running', 'verify'),
    ]);
    await first.flushed();
    const written = JSON.parse(readFileSync(join(home, JOURNAL_FILE), 'utf8')) as Array<{ jobId: string }>;
    expect(written.map((j) => j.jobId)).toEqual(['run', 'pause']);
    expect(JSON.stringify(written)).not.toMatch(/password/i);

    const next = new JobJournal(home);
    expect(next.interrupted().map((j) => j.jobId)).toEqual(['run', 'pause']);
    expect(next.take('run')?.started.request).toMatchObject({ bundleDir: '/b/run' });
    expect(next.take('run')).toBeUndefined();
    next.record([]);
    await next.flushed();
    expect(new JobJournal(home).interrupted().map((j) => j.jobId)).toEqual(['pause']);
  });

  it('offers nothing from a torn or foreign file', () => {
    writeFileSync(join(home, JOURNAL_FILE), '[{"jobId": 1}, {"nope": true}');
    expect(new JobJournal(home).interrupted()).toEqual([]);
    writeFileSync(
      join(home, JOURNAL_FILE),
      JSON.stringify([{ jobId: 'x', title: 't', startedAt: 's', started: { kind: 'copy', request: {} } }]),
    );
    expect(new JobJournal(home).interrupted()).toEqual([]);
  });
});
