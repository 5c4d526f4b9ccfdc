// Events long jobs emit: the CLI renders them as a progress line or JSON, the app streams them over IPC.

export type JobPhase = 'plan' | 'copy' | 'seal' | 'verify' | 'push';

export type JobEvent =
  | { type: 'phase'; phase: JobPhase; message: string }
  | {
      type: 'progress';
      bytesDone: number;
      bytesTotal: number;
      imagesDone: number;
      imagesTotal: number;
    }
  | { type: 'image'; image: string; status: 'done' | 'failed'; message?: string }
  | { type: 'log'; level: 'info' | 'warn'; message: string };

export type JobEventListener = (event: JobEvent) => void;
