// Scorer `sql`: runs the model's SQL and the reference (a gold query, or the expected rows) on one
// SQLite file through the sandbox (sql-sandbox.ts: read-only, separate process, hard timeout), and
// compares the result sets as EHRSQL-style evaluation does (cells rounded to 4 decimals, rows sorted).
import type { JsonValue, Scorer, SolverContext } from '../core/index.js';
import { firstColumnSetMatch, normalizeRows, type SqlCell } from './sql-result.js';
import { sharedRunner } from './sql-sandbox.js';

export interface SqlResultScorerOptions {
  /** The SQLite file both queries run against. */
  database: string;
  /** 'rows' (default): equal row multisets; 'first-column-set': IncreQA's gold-first-column set match. */
  compare?: 'rows' | 'first-column-set';
  timeoutMs?: number;
}

/** More rows than this and the comparison is not made (the result is reported as too large). */
const KEEP_ROWS = 10_000;

/** The query in a reply: the last ```sql fenced block, else the last fenced block, else the whole text. */
export function extractSql(text: string): string {
  const fenced = [...text.matchAll(/```([a-zA-Z]*)\s*\n([\s\S]*?)```/g)];
  const sql = fenced.filter((match) => match[1]!.toLowerCase() === 'sql');
  const chosen = (sql.length ? sql : fenced).at(-1);
  return (chosen ? chosen[2]! : text).trim().replace(/;\s*$/, '');
}

const jsonCell = (cell: SqlCell): JsonValue =>
  typeof cell === 'bigint'
    ? Number.isSafeInteger(Number(cell))
      ? Number(cell)
      : cell.toString()
    : cell instanceof Uint8Array
      ? `<${cell.byteLength} bytes>`
      : cell;

async function runQuery(database: string, query: string, timeoutMs: number, context: SolverContext, title: string) {
  const outcome = await sharedRunner(database).execute(query, { timeoutMs, keep: KEEP_ROWS });
  if (outcome.ok)
    context.record({
      type: 'evidence',
      kind: 'sql-result',
      title,
      data: { sql: query, columns: outcome.columns, rows: outcome.rows.slice(0, 50).map((row) => row.map(jsonCell)) },
    });
  return outcome;
}

export function sqlResultScorer({ database, compare = 'rows', timeoutMs = 10_000 }: SqlResultScorerOptions): Scorer {
  return {
    name: 'sql',
    params: { database, compare, timeoutMs, rounding: '4 decimals (Python round), rows sorted' },
    async score(state, context) {
      const query = extractSql(state.output.text);
      if (query === '') return { value: 0, explanation: 'the answer has no SQL' };
      let gold: unknown = state.sample.target;
      if (typeof gold === 'string') {
        const reference = await runQuery(database, gold, timeoutMs, context, 'reference query');
        // A reference that fails is the task's bug, not the model's: the unit fails and says so.
        if (!reference.ok) throw new Error(`sql scorer: the reference query failed: ${reference.error}`);
        if (reference.total > KEEP_ROWS || reference.bytesCapped)
          throw new Error(`sql scorer: the reference result (${reference.total} rows) is too large to compare`);
        gold = reference.rows;
      }
      const predicted = await runQuery(database, query, timeoutMs, context, 'model query');
      if (!predicted.ok)
        return {
          value: 0,
          answer: query,
          explanation: predicted.timedOut
            ? `the query ran past ${timeoutMs} ms`
            : `the query failed: ${predicted.error}`,
        };
      // Rows held back (past KEEP_ROWS or the sandbox's byte cap) cannot be compared: a miss, said so.
      if (predicted.total > KEEP_ROWS || predicted.bytesCapped)
        return {
          value: 0,
          answer: query,
          explanation: `the query returned ${predicted.total} rows: too large to compare`,
        };
      const matched =
        compare === 'first-column-set'
          ? firstColumnSetMatch(gold, predicted.rows)
          : JSON.stringify(normalizeRows(gold, Number.MAX_SAFE_INTEGER)) ===
            JSON.stringify(normalizeRows(predicted.rows, Number.MAX_SAFE_INTEGER));
      return {
        value: matched ? 1 : 0,
        answer: query,
        explanation: `${predicted.total} row(s); ${matched ? 'same result set as the reference' : 'result set differs from the reference'} (${compare})`,
      };
    },
  };
}
