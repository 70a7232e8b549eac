// Helpers shared by the two synthetic database generators: minute-resolution clock ending at
// "now" = 2100-12-31 23:59:00, bulk inserts, and weighted picks from a seeded Rng.
import type Database from 'better-sqlite3';
import type { Rng } from '../../stats/random.js';

/** Minutes since 2098-01-01 00:00 UTC. */
export const BASE_MS = Date.UTC(2098, 0, 1);
export const NOW_MIN = (Date.UTC(2100, 11, 31, 23, 59) - BASE_MS) / 60000;
export const DAY = 1440;

export function minutesOf(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return (Date.UTC(year, month - 1, day, hour, minute) - BASE_MS) / 60000;
}

export function fmt(minutes: number): string {
  const date = new Date(BASE_MS + Math.round(minutes) * 60000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:00`;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function between(rng: Rng, low: number, high: number): number {
  return low + rng.next() * (high - low);
}

export function normalIn(rng: Rng, mean: number, sd: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, mean + sd * rng.normal()));
}

/** Picks `count` distinct items. */
export function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  return rng.shuffle([...items]).slice(0, Math.min(count, items.length));
}

export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Collects rows per table and writes them in one transaction with prepared statements. */
export class TableWriter {
  private readonly rows = new Map<string, unknown[][]>();
  private readonly columns = new Map<string, string[]>();
  private readonly counters = new Map<string, number>();

  nextId(table: string, start = 1): number {
    const value = (this.counters.get(table) ?? start - 1) + 1;
    this.counters.set(table, value);
    return value;
  }

  add(table: string, row: Record<string, unknown>): void {
    if (!this.columns.has(table)) this.columns.set(table, Object.keys(row));
    const columns = this.columns.get(table)!;
    let list = this.rows.get(table);
    if (!list) this.rows.set(table, (list = []));
    // Every stored text value is lowercase (reference §9).
    list.push(
      columns.map((column) => {
        const value = row[column];
        if (value === undefined) return null;
        return typeof value === 'string' ? value.toLowerCase() : value;
      }),
    );
  }

  count(table: string): number {
    return this.rows.get(table)?.length ?? 0;
  }

  flush(db: Database.Database): void {
    const write = db.transaction(() => {
      for (const [table, rows] of this.rows) {
        const columns = this.columns.get(table)!;
        const statement = db.prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of rows) statement.run(...row);
      }
    });
    write();
  }
}

/** Picks one item with probability proportional to `weight(item)`. */
export function weighted<T>(rng: Rng, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let draw = rng.next() * total;
  for (const item of items) {
    draw -= weight(item);
    if (draw < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Picks `count` distinct items, weighted. */
export function weightedDistinct<T>(rng: Rng, items: readonly T[], weight: (item: T) => number, count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    const item = weighted(rng, pool, weight);
    out.push(item);
    pool.splice(pool.indexOf(item), 1);
  }
  return out;
}
