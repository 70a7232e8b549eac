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
  const issue = parsed.error.issues[0]!;
  const path = [...at, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    throw new SampleFormatError(
      source.file,
      source.keyLine(path, key),
      [...path, key].join('.'),
      `unknown key '${key}'${issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : ''}`,
    );
  }
  throw source.error(path, issue.message);
}
