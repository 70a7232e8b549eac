// Whole-file JSON datasets (MIRAGE benchmark.json, PubMedQA ori_pqal.json): line numbers for items
// that JSON.parse cannot give, so loader errors can name file and line like the JSONL ones do.
import { SampleFormatError } from './errors.js';

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

/** Parses JSON; a syntax error becomes SampleFormatError(file, line, 'json', ...). */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    throw new SampleFormatError(file, lineAt(text, position), 'json', message);
  }
}
