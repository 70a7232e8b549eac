// A YAML file read with its line numbers kept, so a zod issue at ['scorers', 2, 'regex', 'pattern']
// becomes "my-task.yaml:14: scorers.2.regex.pattern: ..." (JSON.parse and plain yaml.parse lose them).
import { existsSync, readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, SampleFormatError } from '../core/index.js';

export type FieldPath = readonly (string | number)[];

export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the node at `path`, or of its nearest ancestor that exists. */
  lineOf(path: FieldPath): number;
  /** 1-based line of the key `key` in the map at `path` (where unknown keys are reported). */
  keyLine(path: FieldPath, key: string): number;
  /** SampleFormatError(file, line of path, dotted path, problem). */
  error(path: FieldPath, problem: string): SampleFormatError;
}

export function readYamlSource(file: string): YamlSource {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file`);
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(readFileSync(file, 'utf8'), { lineCounter, uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    const line = problem.linePos?.[0].line ?? 1;
    throw new SampleFormatError(file, line, '(yaml)', problem.message.split('\n')[0]!);
  }
  const lineOf = (path: FieldPath): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const keyLine = (path: FieldPath, key: string): number => {
    const parent = path.length ? document.getIn(path, true) : document.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    return lineOf(path);
  };
  const error = (path: FieldPath, message: string) =>
    new SampleFormatError(file, lineOf(path), path.map(String).join('.') || '(file)', message);
  return { file, value: document.toJS(), lineOf, keyLine, error };
}

/** Validates `value` (found at `at` in the file) with `schema`; the first issue names its line and field. */
export function parseAt<T>(source: YamlSource, schema: z.ZodType<T>, value: unknown, at: FieldPath = []): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // A misspelt key also makes the intended key missing: report the misspelling, it is the cause.
  const issue = parsed.error.issues.find((item) => item.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
  const path = [...at, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeys(schema, issue.path as (string | number)[]);
    const suggestion = closest(key, known);
    throw new SampleFormatError(
      source.file,
      source.keyLine(path, key),
      [...path, key].join('.'),
      `unknown key '${key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}` +
        (known.length ? `; known: ${known.join(', ')}` : ''),
    );
  }
  throw source.error(path, issue.message);
}

/** The keys an object schema allows at `path` (object shapes only; [] where it cannot tell). */
function knownKeys(schema: z.ZodType, path: (string | number)[]): string[] {
  let current: unknown = schema;
  for (const step of path) {
    const shape = (current as { shape?: Record<string, unknown> }).shape;
    if (!shape || typeof step !== 'string') return [];
    current = unwrap(shape[step]);
  }
  const shape = (unwrap(current) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { unwrap?: () => unknown; def?: { type?: string } } | undefined;
  while (current?.unwrap && (current.def?.type === 'optional' || current.def?.type === 'default'))
    current = current.unwrap() as typeof current;
  return current;
}

/** The known word within two edits of `word` (Levenshtein), if exactly one is closest. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++)
        current[j] = Math.min(
          previous[j]! + 1,
          current[j - 1]! + 1,
          previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      previous = current;
    }
    return previous[b.length]!;
  };
  const ranked = known.map((candidate) => ({
    candidate,
    edits: distance(word.toLowerCase(), candidate.toLowerCase()),
  }));
  const best = Math.min(...ranked.map((entry) => entry.edits));
  const winners = ranked.filter((entry) => entry.edits === best);
  return best <= 2 && winners.length === 1 ? winners[0]!.candidate : undefined;
}
