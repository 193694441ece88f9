import { createRequire } from 'node:module';

/** cli-progress (CommonJS) is loaded only when a bar is drawn, on a terminal: pipes, CI and --json never pay for it. */
const loadCliProgress = () => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

/** Progress of a long command, always on stderr so stdout stays the command's output (or its one JSON document). */
export interface Progress {
  /** Starts the next step; `label` says what it does. */
  step(label: string): void;
  /** Marks every step done and releases the terminal. Safe to call twice. */
  done(): void;
}

export interface ProgressOptions {
  /** How many `step` calls the work makes. */
  total: number;
  /** Under `--json` no bar is drawn (scripts read stderr too); steps are plain lines. */
  json: boolean;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * A bar on an interactive terminal; plain `• label` lines otherwise (pipes, CI logs and `--json`), because a bar's
 * cursor movements turn into noise in a file.
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.json || stream.isTTY !== true) {
    return {
      step: (label) => void stream.write(`• ${label}\n`),
      done: () => {},
    };
  }
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    { stream, format: '{bar} {value}/{total} {label}', hideCursor: true, clearOnComplete: false, gracefulExit: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let completed = 0;
  let stopped = false;
  return {
    step(label) {
      if (!started) {
        bar.start(options.total, 0, { label });
        started = true;
        return;
      }
      completed = Math.min(completed + 1, options.total);
      bar.update(completed, { label });
    },
    done() {
      if (stopped || !started) return;
      stopped = true;
      bar.update(options.total, { label: 'done' });
      bar.stop();
    },
  };
}
