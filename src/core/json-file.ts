// Whole-file JSON datasets (MIRAGE benchmark.json, PubMedQA ori_pqal.json): line numbers for items
// that JSON.parse cannot give, so loader errors can name file and line like the JSONL ones do.
import { parse as parseTolerant, type ParseError } from 'jsonc-parser';
import { SampleFormatError } from './errors.js';

/** `text` without a leading UTF-8 byte-order mark (Excel, Notepad and many exporters write one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.lastIndexOf('\n', offset - 1);
  return { line: lineAt(text, offset), column: offset - before };
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Offsets of the object keys at depth 1 and 2 ("subset" and "subset\u0000id"), in file order.
 * JSON.parse puts integer-like keys ("1000", PMIDs) first, so file order and lines come from here.
 */
export function keyOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  const path: (string | undefined)[] = [];
  const isObject: boolean[] = [];
  let lastString: { value: string; start: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      lastString = { value: JSON.parse(text.slice(start, i + 1)) as string, start };
      continue;
    }
    if (char === ':' && lastString && isObject.at(-1)) {
      path[isObject.length - 1] = lastString.value;
      if (isObject.length <= 2) offsets.set(path.slice(0, isObject.length).join('\u0000'), lastString.start);
    } else if (char === '{' || char === '[') isObject.push(char === '{');
    else if (char === '}' || char === ']') {
      isObject.pop();
      path.length = isObject.length;
    }
    if (char !== ' ' && char !== '\n' && char !== '\r' && char !== '\t') lastString = undefined;
  }
  return offsets;
}

/** lineAt for increasing offsets, counting only the new part each call. */
export function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) return lineAt(text, offset);
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    at = offset;
    return line;
  };
}

/**
 * Where JSON.parse failed: V8's "at position N" when it gives one (Node 20 often does not), else the
 * first error jsonc-parser finds (run only on failure; JSON.parse stays the parser), else the end.
 */
function failureOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const errors: ParseError[] = [];
  parseTolerant(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  return errors[0]?.offset ?? text.length;
}

/**
 * Parses a whole JSON file (a leading BOM is accepted); a syntax error becomes
 * SampleFormatError(file, line, 'json', …) with the column, never a bare character offset.
 */
export function parseJsonFile(file: string, text: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = lineColumnAt(body, failureOffset(body, message));
    // V8 appends the offset or a copy of the text; the location is in the prefix instead.
    const detail = message.replace(/,? ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
    const problem = body.trim() === '' ? 'the file is empty' : `not valid JSON: ${detail}`;
    throw new SampleFormatError(file, line, 'json', problem, {
      cause: error,
      column,
    });
  }
}
