// The CLI's progress lines: on a terminal the plan phase's count of resolved images rewrites one
// status line, which the copy's byte line then takes over; a pipe gets only the phase lines; --json
// gets every event.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/jobs.ts';
import { progressRenderer } from './progress.ts';

function renderedBy(tty: boolean, json: boolean, events: JobEvent[]): { stdout: string; stderr: string } {
  const capture = () => {
    const stream = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
    return { stream, text: () => text };
  };
  const stdout = capture();
  const stderr = capture();
  const render = progressRenderer(
    { stdout: stdout.stream, stderr: stderr.stream, env: {}, signal: new AbortController().signal },
    json,
  );
  for (const e of events) render(e);
  render.done();
  return { stdout: stdout.text(), stderr: stderr.text() };
}

const events: JobEvent[] = [
  { type: 'phase', phase: 'plan', message: 'resolving 600 image(s)' },
  { type: 'resolving', imagesDone: 1, imagesTotal: 600 },
  { type: 'resolving', imagesDone: 600, imagesTotal: 600 },
  { type: 'phase', phase: 'copy', message: 'copying 2401 blob(s), 5.0 MiB' },
];

describe('progressRenderer', () => {
  it('rewrites one status line with the images resolved on a terminal', () => {
    const { stderr } = renderedBy(true, false, events);
    expect(stderr).toBe(
      'resolving 600 image(s)\n' +
        'resolving 1 of 600 image(s)' +
        '\r\x1b[2Kresolving 600 of 600 image(s)' +
        '\r\x1b[2Kcopying 2401 blob(s), 5.0 MiB\n',
    );
  });

  it('leaves the count out of a pipe, and gives every event to --json', () => {
    expect(renderedBy(false, false, events).stderr).toBe(
      'resolving 600 image(s)\ncopying 2401 blob(s), 5.0 MiB\n',
    );
    const lines = renderedBy(false, true, events).stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as JobEvent)).toEqual(events);
  });
});
