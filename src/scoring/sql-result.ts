// SQL result sets as Python sees them: Python's float repr and round(), Python literal repr of
// rows (what EHRSQL-style agents read), a small Python-literal parser, and the EHR-ChatQA /
// EHRSQL result-set comparison (cells rounded to 4 decimals, rows sorted, first 100 kept, gold's
// first column compared as a set against every predicted column with None dropped).

/** A cell as it comes from SQLite with safe integers: bigint = INTEGER, number = REAL. */
export type SqlCell = string | number | bigint | null | boolean | Uint8Array;

/** Python's round(x, digits) for floats: correctly rounded, exact ties to even. */
export function pyRound(x: number, digits = 4): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  const fixed = x.toFixed(digits); // exact value, ties away from zero
  if (!isExactTie(x, digits)) return Number(fixed);
  const lastDigit = Number(fixed[fixed.length - 1]);
  if (lastDigit % 2 === 0) return Number(fixed);
  // Step one unit toward zero: the even neighbour.
  const unit = 10 ** -digits;
  const magnitude = Math.abs(Number(fixed)) - unit;
  return Math.sign(x) * Number(magnitude.toFixed(digits));
}

/** Whether x (exactly, in binary) lies halfway between two multiples of 10^-digits. */
function isExactTie(x: number, digits: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  if (mantissa === 0n) return false;
  // 2 * x * 10^digits must be an odd integer.
  let numerator = mantissa * 2n * 10n ** BigInt(digits);
  if (exponent >= 0) return false; // x is an integer
  const denominator = 1n << BigInt(-exponent);
  if (numerator % denominator !== 0n) return false;
  numerator /= denominator;
  return numerator % 2n === 1n;
}

/** Python's repr/str of a float: shortest round-trip digits, '.0' on integers, exponent form below 1e-4 and from 1e16. */
export function pyFloatStr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** Characters Python's str.isprintable() rejects (repr escapes them); the space is printable. */
const PY_NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function pyEscape(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** Python's repr of a str. */
export function pyStrRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && PY_NON_PRINTABLE.test(char)) out += pyEscape(code);
    else out += char;
  }
  return out + quote;
}

/** Python's repr of bytes: printable ASCII as is, \t \n \r, everything else \xNN. */
export function pyBytesRepr(value: Uint8Array): string {
  const quote = value.includes(0x27) && !value.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of value) {
    const char = String.fromCharCode(byte);
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += pyEscape(byte);
    else out += char;
  }
  return out + quote;
}

export function pyRepr(value: SqlCell | SqlCell[] | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatStr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return pyStrRepr(value);
  if (value instanceof Uint8Array) return pyBytesRepr(value);
  return pyTupleRepr(value);
}

/** Python's str() of a cell: a str as is, anything else as its repr. */
export function pyStr(value: SqlCell): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** The characters Python's str.strip() removes (str.isspace()). */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** A regular-expression class of Python's whitespace (what `\s` matches in a Python str pattern). */
export const PY_SPACE_CLASS = `[${PY_SPACE}]`;
const PY_STRIP = new RegExp(`^${PY_SPACE_CLASS}+|${PY_SPACE_CLASS}+$`, 'g');
const PY_RSTRIP = new RegExp(`${PY_SPACE_CLASS}+$`);

/** Python's str.strip() with no argument (JavaScript's trim() differs on \x1c-\x1f, \x85 and \ufeff). */
export function pyStrip(value: string): string {
  return value.replace(PY_STRIP, '');
}

/** Python's str.rstrip() with no argument. */
export function pyRstrip(value: string): string {
  return value.replace(PY_RSTRIP, '');
}

export function pyTupleRepr(row: SqlCell[]): string {
  if (row.length === 1) return `(${pyRepr(row[0])},)`;
  return `(${row.map((cell) => pyRepr(cell)).join(', ')})`;
}

/** `str(rows)` for a list of tuples, as Python prints it. */
export function pyRowsRepr(rows: SqlCell[][]): string {
  return `[${rows.map(pyTupleRepr).join(', ')}]`;
}

const PY_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const PY_SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** Python's float(x) on a str or number; undefined where Python raises. */
export function pyFloat(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (PY_FLOAT.test(text)) return Number(text);
  const special = PY_SPECIAL.exec(text);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/** Upstream `cell(x)`: str(round(float(x), 4)) where float() works, else str(x). */
export function normalizeCell(value: unknown): string {
  const number = pyFloat(value);
  if (number !== undefined) return pyFloatStr(pyRound(number, 4));
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return pyRepr(value as SqlCell[]);
  return String(value);
}

/** Python list comparison of string lists. */
export function compareStringLists(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** Upstream `rows(r)`: a string is parsed as a Python literal (left as is if it does not parse); cells normalised, rows sorted, first 100 kept. */
export function normalizeRows(result: unknown, limit = 100): string[][] | string {
  let value = result;
  if (typeof value === 'string') {
    try {
      value = parsePyLiteral(value);
    } catch {
      return value as string;
    }
  }
  if (!Array.isArray(value)) return String(value);
  const rows = value.map((row) => (Array.isArray(row) ? row.map(normalizeCell) : [normalizeCell(row)]));
  rows.sort(compareStringLists);
  return rows.slice(0, limit);
}

/**
 * The IncreQA comparison: true when some column of `predicted` (None dropped) has exactly the set of
 * the gold rows' first cells. Empty predictions never match.
 */
export function firstColumnSetMatch(gold: unknown, predicted: unknown): boolean {
  const goldRows = normalizeRows(gold);
  const predRows = normalizeRows(predicted);
  if (typeof goldRows === 'string' || typeof predRows === 'string' || predRows.length === 0) return false;
  const goldSet = new Set(goldRows.map((row) => row[0]));
  const width = Math.max(...predRows.map((row) => row.length));
  for (let column = 0; column < width; column++) {
    const values = new Set(
      predRows.map((row) => row[column]).filter((cell): cell is string => cell !== undefined && cell !== 'None'),
    );
    if (values.size === goldSet.size && [...values].every((cell) => goldSet.has(cell))) return true;
  }
  return false;
}

/** ast.literal_eval for lists, tuples, strings, numbers, None, True and False. */
export function parsePyLiteral(text: string): unknown {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`not a Python literal at ${pos}: ${what}`);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const parseValue = (): unknown => {
    skip();
    const char = text[pos];
    if (char === '[' || char === '(') {
      const close = char === '[' ? ']' : ')';
      pos++;
      const items: unknown[] = [];
      skip();
      while (text[pos] !== close) {
        items.push(parseValue());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== close) fail(`expected , or ${close}`);
        skip();
      }
      pos++;
      return items;
    }
    if (char === "'" || char === '"') {
      pos++;
      let out = '';
      while (pos < text.length && text[pos] !== char) {
        if (text[pos] === '\\') {
          const next = text[++pos];
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
          if (next === 'x') {
            out += String.fromCharCode(parseInt(text.slice(pos + 1, pos + 3), 16));
            pos += 3;
            continue;
          }
          out += escapes[next!] ?? `\\${next}`;
          pos++;
        } else out += text[pos++];
      }
      if (text[pos] !== char) fail('unterminated string');
      pos++;
      return out;
    }
    const word = /^(None|True|False|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|[+-]?(?:nan|inf))/i.exec(text.slice(pos));
    if (!word) return fail('unexpected token');
    pos += word[0].length;
    if (word[0] === 'None') return null;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    return /[.en]/i.test(word[0])
      ? Number(word[0].replace(/inf/i, 'Infinity').replace(/^([+-]?)nan$/i, 'NaN'))
      : BigInt(word[0]);
  };
  const value = parseValue();
  skip();
  if (pos !== text.length) fail('trailing text');
  return value;
}
