// Counts unit errors by message so a summary can say "37 × connection refused" instead of one line per unit.
// Bounded: past MAX_DISTINCT different messages, new ones are counted under one "other" entry.
import { redactSecrets } from '../core/index.js';

const MAX_DISTINCT = 1000;
const MAX_LENGTH = 300;
export const OTHER_ERRORS = '(other messages)';

export class ErrorTally {
  private readonly counts = new Map<string, number>();

  add(message: string): void {
    // The first line is the reason; what follows (a stack, a server's HTML page) is in samples.jsonl.
    // Redacted here too: the terminal prints these before any file is written.
    let key = (redactSecrets(message).split('\n')[0] ?? '').trim();
    if (key.length > MAX_LENGTH) key = `${key.slice(0, MAX_LENGTH)}…`;
    if (!this.counts.has(key) && this.counts.size >= MAX_DISTINCT) key = OTHER_ERRORS;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The n most frequent messages, most frequent first (ties in first-seen order). */
  top(n: number): { message: string; count: number }[] {
    return [...this.counts.entries()]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, n);
  }
}
