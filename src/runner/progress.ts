// Progress on stderr: a redrawn bar on a TTY, plain lines otherwise (CI logs, pipes).
export interface ProgressReporter {
  start(total: number | undefined): void;
  update(done: number, errors: number): void;
  finish(message: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, label = 'eval'): ProgressReporter {
  let total: number | undefined;
  let lastPlain = 0;
  const started = Date.now();
  const rate = (done: number) => done / Math.max((Date.now() - started) / 1000, 1e-3);
  return {
    start(expected) {
      total = expected;
    },
    update(done, errors) {
      const perSecond = rate(done).toFixed(1);
      if (stream.isTTY) {
        const width = 28;
        const filled = total ? Math.round((width * done) / total) : 0;
        const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
        stream.write(`\r${label} ${bar}${done}${total ? `/${total}` : ''} units, ${errors} errors, ${perSecond}/s   `);
      } else if (Date.now() - lastPlain > 5000 || done === total) {
        lastPlain = Date.now();
        stream.write(`${label}: ${done}${total ? `/${total}` : ''} units done, ${errors} errors, ${perSecond}/s\n`);
      }
    },
    finish(message) {
      if (stream.isTTY) stream.write('\r\x1b[K');
      stream.write(`${message}\n`);
    },
  };
}

export const silentProgress: ProgressReporter = { start() {}, update() {}, finish() {} };
