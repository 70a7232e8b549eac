// The statement check in front of the SQL sandbox. better-sqlite3 exposes no authorizer
// (sqlite3_set_authorizer), and preparing a statement is not harmless: SQLite applies many PRAGMAs
// (query_only, temp_store_directory, hard_heap_limit...) while it *compiles* them, and VACUUM INTO
// creates its output file even on a read-only, query_only connection (measured). So the text is checked
// before SQLite sees it, with SQLite's own tokenizer rules (tokenize.c): comments, '...' strings,
// "..." / `...` / [...] identifiers, x'..' blobs and identifier characters (letters, digits, _, $,
// any non-ASCII). Every identifier, quoted identifier and string literal is checked, because SQLite
// accepts a string literal as a table name (`FROM 'pragma_database_list'` works).
//
// What reaches SQLite: one statement starting with SELECT, WITH, VALUES or EXPLAIN [QUERY PLAN] of
// those, or a write verb (INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP, ALTER, ANALYZE, REINDEX),
// which compiles without side effects and which the executor refuses to run unless SQLite reports the
// compiled statement read-only (sqlite3_stmt_readonly). Refused here: PRAGMA, ATTACH, DETACH, VACUUM,
// transactions, several statements, `pragma_*` table-valued functions other than the schema ones
// (pragma_database_list gives the file's absolute path), and the functions that can reach files or
// native code (load_extension, fts3_tokenizer, and the CLI's readfile/writefile/edit/fsdir family,
// which this build lacks; test/scoring pins the build's function and module lists).

/** Every statement verb SQLite has; a statement starting with another word is a syntax error there. */
const SQLITE_VERBS = new Set([
  'alter',
  'analyze',
  'attach',
  'begin',
  'commit',
  'create',
  'delete',
  'detach',
  'drop',
  'end',
  'explain',
  'insert',
  'pragma',
  'reindex',
  'release',
  'replace',
  'rollback',
  'savepoint',
  'select',
  'update',
  'vacuum',
  'values',
  'with',
]);
/** Statements that run. */
const READ_VERBS = new Set(['select', 'with', 'values']);
/** Statements SQLite compiles without side effects and the executor refuses as writes (SQLite's own message). */
const WRITE_VERBS = new Set(['insert', 'update', 'delete', 'replace', 'create', 'drop', 'alter', 'analyze', 'reindex']);
/** Schema-introspection pragma functions: they read the schema only (no paths, no settings). */
const ALLOWED_PRAGMA_FUNCTIONS = new Set([
  'pragma_table_info',
  'pragma_table_xinfo',
  'pragma_table_list',
  'pragma_index_list',
  'pragma_index_info',
  'pragma_index_xinfo',
  'pragma_foreign_key_list',
]);
/** Functions that reach files, native code or process state (a function name cannot be a string literal). */
const DENIED_FUNCTIONS = new Set([
  'load_extension',
  'fts3_tokenizer',
  'sqlite_log',
  'readfile',
  'writefile',
  'edit',
  'lsmode',
  'sqlar_compress',
  'sqlar_uncompress',
]);
/** Table-valued functions and virtual tables that read files or raw pages (a table name can be a string). */
const DENIED_TABLES = new Set(['fsdir', 'zipfile', 'sqlite_dbpage', 'sqlite_dbdata', 'sqlite_dbptr']);

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'blob' | 'param' | 'punct';
export interface SqlToken {
  kind: SqlTokenKind;
  /** Words and quoted identifiers lowercased (ASCII only, as SQLite compares them); string contents as written. */
  text: string;
  /** The token as written. */
  raw: string;
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isIdChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f ||
  c === 0x24 ||
  c >= 0x80;
const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (s) => s.toLowerCase());

/** SQLite's tokenizer, reduced to what the check needs. Unterminated quotes take the rest of the text (SQLite then fails). */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const quoted = (close: string, doubled: boolean): string => {
    let out = '';
    i++;
    while (i < sql.length) {
      const ch = sql[i]!;
      if (ch === close) {
        if (doubled && sql[i + 1] === close) {
          out += close;
          i += 2;
          continue;
        }
        i++;
        return out;
      }
      out += ch;
      i++;
    }
    return out;
  };
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    const ch = sql[i]!;
    const from = i;
    const push = (kind: SqlTokenKind, text: string) => tokens.push({ kind, text, raw: sql.slice(from, i) });
    if (isSpace(c)) i++;
    else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'") {
      const text = quoted("'", true);
      push('string', text);
    } else if (ch === '"' || ch === '`') {
      const text = asciiLower(quoted(ch, true));
      push('quoted', text);
    } else if (ch === '[') {
      const text = asciiLower(quoted(']', false));
      push('quoted', text);
    } else if ((ch === 'x' || ch === 'X') && sql[i + 1] === "'") {
      i++;
      const text = quoted("'", false);
      push('blob', text);
    } else if (ch === '?' || ch === ':' || ch === '@' || ch === '$' || ch === '#') {
      i++;
      while (i < sql.length && isIdChar(sql.charCodeAt(i))) i++;
      push('param', asciiLower(sql.slice(from, i)));
    } else if (isIdChar(c)) {
      // Numbers too: a digit run glued to identifier characters is one illegal token in SQLite, and
      // checking it as a word can only refuse more.
      while (i < sql.length && (isIdChar(sql.charCodeAt(i)) || (sql[i] === '.' && /[0-9]/.test(ch)))) i++;
      push('word', asciiLower(sql.slice(from, i)));
    } else {
      i++;
      push('punct', ch);
    }
  }
  return tokens;
}

/** Why the sandbox refuses `sql`, or undefined when it may go to SQLite. */
export function sqlRefusal(sql: string): string | undefined {
  const tokens = tokenizeSql(sql);
  if (tokens.length === 0) return undefined; // SQLite answers "contains no statements"
  const semicolon = tokens.findIndex((token) => token.kind === 'punct' && token.text === ';');
  if (semicolon >= 0 && tokens.slice(semicolon).some((token) => !(token.kind === 'punct' && token.text === ';')))
    return 'The supplied SQL string contains more than one statement';
  let verbAt = 0;
  if (tokens[0]!.kind === 'word' && tokens[0]!.text === 'explain') {
    verbAt = 1;
    if (tokens[1]?.text === 'query' && tokens[2]?.text === 'plan') verbAt = 3;
  }
  const verb = tokens[verbAt];
  if (verb === undefined) return 'incomplete input';
  const verbText = verb.kind === 'word' ? verb.text : '';
  // Not a statement at all: SQLite's own answer, without asking it.
  if (!SQLITE_VERBS.has(verbText)) return `near "${clip(verb.raw)}": syntax error`;
  if (!READ_VERBS.has(verbText) && !WRITE_VERBS.has(verbText))
    return `refused by the SQL sandbox: ${verbText.toUpperCase()} statements are not allowed (only SELECT, WITH and VALUES queries run on this read-only database)`;
  for (const token of tokens) {
    if (token.kind === 'punct' || token.kind === 'param' || token.kind === 'blob') continue;
    const text = token.kind === 'string' ? asciiLower(token.text) : token.text;
    if (text.includes('pragma_') && !ALLOWED_PRAGMA_FUNCTIONS.has(text))
      return `refused by the SQL sandbox: '${clip(token.text)}' is not allowed (of the pragma functions only ${[...ALLOWED_PRAGMA_FUNCTIONS].join(', ')} run)`;
    if (DENIED_TABLES.has(text) || (token.kind !== 'string' && DENIED_FUNCTIONS.has(text)))
      return `refused by the SQL sandbox: ${clip(token.text)} is not allowed`;
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
