// Renders job events: one rewritten status line on a terminal, one line per image otherwise,
// JSON lines with --json (for scripts and the app's log view).
import { resolvingMessage, type JobEvent, type JobEventListener } from '../../shared/jobs.ts';
import { formatBytes } from '../../shared/format.ts';
import type { CommandIO } from './command.ts';

export function progressRenderer(io: CommandIO, json: boolean): JobEventListener & { done(): void } {
  const out = io.stderr;
  const tty = out.isTTY === true && !json;
  const started = Date.now();
  let lineOpen = false;
  const clear = () => {
    if (lineOpen) out.write('\r\x1b[2K');
    lineOpen = false;
  };
  const listener = (event: JobEvent) => {
    // Per-image byte shares are for the app's table; the CLI's lines and JSON stay as they were.
    if (event.type === 'image-bytes') return;
    if (json) {
      io.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    switch (event.type) {
      case 'phase':
      case 'log':
        clear();
        out.write(`${event.message}\n`);
        break;
      case 'image':
        if (tty && event.status === 'done') return;
        clear();
        out.write(
          event.status === 'done'
            ? `  ✓ ${event.image}\n`
            : `  ✗ ${event.image}: ${event.message ?? 'failed'}\n`,
        );
        break;
      case 'resolving':
        if (!tty) return;
        clear();
        out.write(resolvingMessage(event.imagesDone, event.imagesTotal));
        lineOpen = true;
        break;
      case 'progress': {
        if (!tty) return;
        const seconds = (Date.now() - started) / 1000;
        const rate = seconds > 0 ? event.bytesDone / seconds : 0;
        const eta = rate > 0 ? Math.ceil((event.bytesTotal - event.bytesDone) / rate) : 0;
        clear();
        out.write(
          `${formatBytes(event.bytesDone)} / ${formatBytes(event.bytesTotal)} · ${formatBytes(rate)}/s · ETA ${eta}s · images ${event.imagesDone}/${event.imagesTotal}`,
        );
        lineOpen = true;
        break;
      }
    }
  };
  return Object.assign(listener, { done: clear });
}
