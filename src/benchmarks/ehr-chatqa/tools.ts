// The six tools of reference §3, with the exact return formats the upstream agents see. Table and
// column names are checked against the schema before they reach SQL (upstream interpolates them).
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { defineTool, toolSpec, type Tool, type ToolSpec } from '../../core/index.js';
import { pyRepr, pyRowsRepr, pyRstrip, pyStr, pyStrip, pyStrRepr, type SqlCell } from '../../scoring/sql-result.js';
import { openReadOnly } from './db.js';
import type { SqlRunner } from '../../scoring/sql-sandbox.js';
import { sharedRunner } from '../../scoring/sql-sandbox.js';
import type { ValueIndex } from './value-index.js';
import { fixtureWebSearch, pyJsonList, type WebSearch } from './web-search.js';

export const TOOL_NAMES = [
  'table_search',
  'column_search',
  'value_substring_search',
  'value_similarity_search',
  'sql_execute',
  'web_search',
] as const;

export interface EhrToolsOptions {
  dbPath: string;
  valueIndex: ValueIndex;
  webSearch?: WebSearch;
  /** Upper bound on sql_execute's timeout argument, seconds (default 60). */
  maxTimeoutS?: number;
  runner?: SqlRunner;
}

export interface ToolOutcome {
  result: string;
  /** Set when the call failed (bad arguments, SQL error, timeout); `result` then holds the text the agent sees. */
  error?: string;
  durationMs: number;
}

/** Bytes of rows a tool sends to the agent (upstream: unlimited); the rest is counted in a note. */
export const TOOL_RESULT_BYTES = 1024 * 1024;

export class EhrTools {
  readonly db: Database.Database;
  readonly tables = new Map<string, string[]>();
  readonly runner: SqlRunner;
  readonly tools: Tool[];
  private readonly webSearch: WebSearch;

  constructor(readonly options: EhrToolsOptions) {
    this.db = openReadOnly(options.dbPath);
    this.runner = options.runner ?? sharedRunner(options.dbPath);
    this.webSearch = options.webSearch ?? fixtureWebSearch;
    for (const { name } of this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]) {
      this.tables.set(
        name,
        (this.db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name),
      );
    }
    const indexed = options.valueIndex.indexedColumns().join(', ');
    const k = z.coerce.number().int().min(1).max(1000).default(100);
    this.tools = [
      defineTool({
        name: 'table_search',
        description: 'List every table in the database, comma-separated. Takes no real input.',
        inputSchema: z.object({ tool_input: z.string().optional().describe('ignored') }),
        execute: () => this.tableSearch(),
      }),
      defineTool({
        name: 'column_search',
        description: 'Show the schema (CREATE TABLE) and 3 sample rows of the given tables.',
        inputSchema: z.object({ table_names: z.string().describe('comma-separated table names') }),
        execute: ({ table_names }) => this.columnSearch(table_names),
      }),
      defineTool({
        name: 'value_substring_search',
        description: 'Distinct stored values of table.column that contain the given text (case-insensitive).',
        inputSchema: z.object({ table: z.string(), column: z.string(), value: z.string(), k }),
        execute: ({ table, column, value, k: limit }) => this.valueSubstringSearch(table, column, value, limit),
      }),
      defineTool({
        name: 'value_similarity_search',
        description: `Stored values of table.column closest in meaning to the given text (top k, no threshold). Use when the user's words may differ from stored values. Supported columns: ${indexed}.`,
        inputSchema: z.object({ table: z.string(), column: z.string(), value: z.string(), k }),
        execute: ({ table, column, value, k: limit }) => this.valueSimilaritySearch(table, column, value, limit),
      }),
      defineTool({
        name: 'sql_execute',
        description: 'Run one read-only SQLite query and return the first k rows as a Python list of tuples.',
        inputSchema: z.object({ query: z.string(), k, timeout: z.coerce.number().positive().default(60) }),
        execute: ({ query, k: limit, timeout }) => this.sqlExecute(query, limit, timeout),
      }),
      defineTool({
        name: 'web_search',
        description:
          'Search the web for clinical knowledge that is not in the database (drug brands, drug classes, code ranges).',
        inputSchema: z.object({ query: z.string() }),
        execute: ({ query }) => this.webSearchTool(query),
      }),
    ];
  }

  specs(): ToolSpec[] {
    return this.tools.map(toolSpec);
  }

  /** Runs a tool by name with raw arguments; never throws (errors become the text the agent sees). */
  async call(name: string, args: unknown): Promise<ToolOutcome> {
    const started = Date.now();
    const tool = this.tools.find((candidate) => candidate.name === name);
    if (!tool) {
      const result = `Error: unknown tool '${name}'. Available tools: ${TOOL_NAMES.join(', ')}, respond.`;
      return { result, error: result, durationMs: Date.now() - started };
    }
    const parsed = tool.inputSchema.safeParse(args ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`)
        .join('; ');
      const result = `Error: invalid arguments for ${name}: ${detail}`;
      return { result, error: result, durationMs: Date.now() - started };
    }
    try {
      const result = await tool.execute(parsed.data, {});
      const failed = result.startsWith('Error') ? result : undefined;
      return failed
        ? { result, error: failed, durationMs: Date.now() - started }
        : { result, durationMs: Date.now() - started };
    } catch (error) {
      const result = `Error: ${error instanceof Error ? error.message : String(error)}`;
      return { result, error: result, durationMs: Date.now() - started };
    }
  }

  tableSearch(): string {
    return [...this.tables.keys()].join(', ');
  }

  /**
   * Upstream's column_search, byte for byte: each comma-separated name (stripped) gets a CREATE TABLE
   * rebuilt from PRAGMA table_info / foreign_key_list / index_list plus 3 sample rows, or its own error
   * line; blocks are joined by two blank lines. Names are matched case-insensitively against the schema
   * (upstream interpolates them into SQL) and shown as the agent wrote them, as upstream does.
   */
  columnSearch(tableNames: string): string {
    return tableNames
      .split(',')
      .map((name) => {
        const shown = pyStrip(name);
        const table = [...this.tables.keys()].find((known) => known.toLowerCase() === shown.toLowerCase());
        return table ? this.tableInfo(table, shown) : `Error: table_names {'${shown}'} not found in database`;
      })
      .join('\n\n\n');
  }

  private tableInfo(table: string, shown: string): string {
    const columns = this.db.prepare(`PRAGMA table_info("${table}")`).all() as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    const keys = this.db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as {
      table: string;
      from: string;
      to: string | null;
    }[];
    const indexes = this.db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; origin: string }[];
    // Upstream quirks kept: every "INT" becomes "INTEGER" (BIGINT -> BIGINTEGER), any TIMESTAMP type is
    // TIMESTAMP, primary-key columns in table order, one FOREIGN KEY line per PRAGMA row (a composite key
    // gives one line per column), UNIQUE shows an index's first column only.
    const type = (declared: string) => {
      const upper = declared ? declared.toUpperCase().replaceAll('INT', 'INTEGER') : '';
      return upper.includes('TIMESTAMP') ? 'TIMESTAMP' : upper;
    };
    let schema = `CREATE TABLE ${shown} (`;
    schema += columns.map((c) => pyRstrip(`\n\t${c.name} ${type(c.type)} ${c.notnull ? 'NOT NULL' : ''}`)).join(',');
    const primary = columns.filter((c) => c.pk > 0).map((c) => c.name);
    if (primary.length > 0) schema += `,\n\tPRIMARY KEY (${primary.join(', ')})`;
    for (const key of keys) schema += `,\n\tFOREIGN KEY (${key.from}) REFERENCES ${key.table} (${key.to ?? 'None'})`;
    for (const index of indexes.filter((i) => i.origin === 'u')) {
      const first = this.db.prepare(`PRAGMA index_info("${index.name.replaceAll('"', '""')}")`).get() as
        | { name: string | null }
        | undefined;
      if (first) schema += `,\n\tUNIQUE (${first.name ?? 'None'})`;
    }
    schema = `${schema.replace(/[,\n]+$/, '')}\n)`;
    const statement = this.db.prepare(`SELECT * FROM "${table}" LIMIT 3`).raw(true);
    statement.safeIntegers(true);
    const sample = (statement.all() as SqlCell[][]).map((row) => row.map(pyStr).join('\t'));
    return `${schema}\n/*\n3 rows from ${shown} table:\n${columns.map((c) => c.name).join('\t')}\n${sample.join('\n')}\n*/`;
  }

  /** The name check upstream lacks: returns an error text, or undefined when table.column exists. */
  private checkColumn(table: string, column: string): string | undefined {
    const columns = this.tables.get(table);
    if (!columns) return `no such table: ${table}`;
    if (!columns.includes(column)) return `no such column: ${table}.${column}`;
    return undefined;
  }

  /** Runs in the SQL sandbox like sql_execute (a LIKE pattern is agent text: it gets the same timeout). */
  async valueSubstringSearch(table: string, column: string, value: string, k = 100): Promise<string> {
    const problem = this.checkColumn(table, column);
    if (problem) return `Error retrieving matching values: ${problem}`;
    const outcome = await this.runner.execute(
      `SELECT DISTINCT "${column}" FROM "${table}" WHERE "${column}" LIKE ? COLLATE NOCASE LIMIT ?`,
      {
        timeoutMs: (this.options.maxTimeoutS ?? 60) * 1000,
        keep: k,
        params: [`%${value}%`, k],
        maxBytes: TOOL_RESULT_BYTES,
      },
    );
    if (!outcome.ok)
      return `Error retrieving matching values: ${outcome.timedOut ? 'the search timed out' : outcome.error}`;
    const values = [...new Set(outcome.rows.map((row) => row[0]).filter((cell) => cell !== null))];
    if (values.length === 0) return `No values in ${table}.${column} contain '${value}'.`;
    return `Values in ${table}.${column} containing '${value}': [${values.map((cell) => pyRepr(cell)).join(', ')}].`;
  }

  async valueSimilaritySearch(table: string, column: string, value: string, k = 100): Promise<string> {
    const problem = this.checkColumn(table, column);
    if (problem) return `Error performing similarity search: ${problem}`;
    try {
      const matches = await this.options.valueIndex.search(table, column, value.toLowerCase(), k);
      if (matches.length === 0) return `No matches found in ${table}.${column} for '${value}'.`;
      if (matches.length === 1) return `I found one close match in ${table}.${column}: '${matches[0]}'.`;
      return `I found close matches in ${table}.${column}: [${matches.map(pyStrRepr).join(', ')}].`;
    } catch (error) {
      return `Error performing similarity search: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async sqlExecute(query: string, k = 100, timeoutS = 60): Promise<string> {
    const timeout = Math.min(timeoutS, this.options.maxTimeoutS ?? 60);
    const outcome = await this.runner.execute(query, {
      timeoutMs: timeout * 1000,
      keep: k,
      maxBytes: TOOL_RESULT_BYTES,
    });
    if (!outcome.ok)
      return outcome.timedOut
        ? `Error: Query execution timed out after ${formatSeconds(timeout)} seconds`
        : `Error: ${outcome.error}`;
    const shown = outcome.rows.slice(0, k);
    const text = pyRowsRepr(shown);
    const total = outcome.truncated ? `at least ${outcome.total}` : String(outcome.total);
    if (outcome.bytesCapped)
      return `${text}\n\nNote: There are ${outcome.total - shown.length} results not shown (out of ${total} total results); output is capped at ${TOOL_RESULT_BYTES} bytes.`;
    if (outcome.total <= k) return text;
    return `${text}\n\nNote: There are ${outcome.total - k} results not shown (out of ${total} total results).`;
  }

  async webSearchTool(query: string): Promise<string> {
    return pyJsonList(await this.webSearch.search(query));
  }

  close(): void {
    this.db.close();
  }
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : String(seconds);
}
