// Progress on stderr: a redrawn bar with done/total, rate and ETA on a TTY; plain lines every few
// seconds otherwise (CI logs, pipes), so a log shows the run moving without thousands of redraws.
export interface ProgressReporter {
  /** total: the units this process will run, when the dataset size is known (arrays, --limit). */
  start(total: number | undefined): void;
  update(done: number, errors: number): void;
  finish(message: string): void;
}

export interface ProgressOptions {
  /** Seconds between plain lines when the stream is not a TTY. */
  plainEverySeconds?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** "1 h 02 min", "3 min 05 s", "42 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** "120/1895 units (6%), 3 errors, 41.2/s, ETA 42 s" — the words both the bar and the plain lines use. */
export function progressText(done: number, total: number | undefined, errors: number, elapsedSeconds: number): string {
  const rate = done / Math.max(elapsedSeconds, 1e-3);
  const counted = total
    ? `${done}/${total} units (${Math.floor((100 * done) / Math.max(total, 1))}%)`
    : `${done} units`;
  const eta = total && done > 0 && done < total ? `, ETA ${formatDuration((total - done) / rate)}` : '';
  return `${counted}, ${errors} errors, ${rate.toFixed(1)}/s${eta}`;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  label = 'eval',
  options: ProgressOptions = {},
): ProgressReporter {
  const now = options.now ?? Date.now;
  const every = (options.plainEverySeconds ?? 10) * 1000;
  let total: number | undefined;
  let started = now();
  let lastDraw = Number.NEGATIVE_INFINITY; // the first unit always shows
  return {
    start(expected) {
      total = expected;
      started = now();
      if (!stream.isTTY) stream.write(`${label}: starting${total !== undefined ? `, ${total} units` : ''}\n`);
    },
    update(done, errors) {
      const time = now();
      const elapsed = (time - started) / 1000;
      if (stream.isTTY) {
        // Redraw at most 10 times a second: a fast baseline finishes thousands of units a second.
        if (time - lastDraw < 100 && done !== total) return;
        lastDraw = time;
        const width = 28;
        const filled = total ? Math.min(width, Math.round((width * done) / Math.max(total, 1))) : 0;
        const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
        stream.write(`\r\x1b[K${label} ${bar}${progressText(done, total, errors, elapsed)}`);
      } else if (time - lastDraw >= every || done === total) {
        lastDraw = time;
        stream.write(`${label}: ${progressText(done, total, errors, elapsed)}\n`);
      }
    },
    finish(message) {
      if (stream.isTTY) stream.write('\r\x1b[K');
      stream.write(`${message}\n`);
    },
  };
}

export const silentProgress: ProgressReporter = { start() {}, update() {}, finish() {} };
