// MIRAGE `benchmark.json` (Xiong et al. 2024; KGARevion's evaluation set): {subset: {id: {question,
// options: {A: ..}, answer: 'A'}}} with five subsets (medqa, medmcqa, pubmedqa, bioasq, mmlu).
// Errors name the file, the line of the item, and the field.
import { readFileSync } from 'node:fs';
import {
  SampleFormatError,
  defineLoader,
  keyOffsets,
  lineCounter,
  parseJsonFile,
  type Sample,
} from '../../core/index.js';

export const MIRAGE_SUBSETS = ['medqa', 'medmcqa', 'pubmedqa', 'bioasq', 'mmlu'] as const;

export interface MirageOptions {
  lenient?: boolean;
  onError?: (error: Error) => void;
  subsets?: readonly string[];
}

export function* readMirage(file: string, options: MirageOptions = {}): Generator<Sample> {
  const text = readFileSync(file, 'utf8');
  const data = parseJsonFile(file, text);
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new SampleFormatError(file, 1, 'root', 'expected an object {subset: {id: item}}');
  const offsets = keyOffsets(text);
  const lineOf = lineCounter(text);
  const byOffset = (prefix: string) => (a: string, b: string) =>
    (offsets.get(prefix + a) ?? 0) - (offsets.get(prefix + b) ?? 0);
  const root = data as Record<string, unknown>;
  for (const subset of Object.keys(root).sort(byOffset(''))) {
    const items = root[subset];
    if (options.subsets && !options.subsets.includes(subset)) continue;
    if (!items || typeof items !== 'object' || Array.isArray(items)) {
      throw new SampleFormatError(file, lineOf(offsets.get(subset) ?? 0), subset, 'expected an object {id: item}');
    }
    const record = items as Record<string, unknown>;
    for (const id of Object.keys(record).sort(byOffset(`${subset}\u0000`))) {
      const line = lineOf(offsets.get(`${subset}\u0000${id}`) ?? 0);
      try {
        yield mirageSample(file, line, subset, id, record[id]);
      } catch (error) {
        if (!options.lenient || !SampleFormatError.isInstance(error)) throw error;
        options.onError?.(error);
      }
    }
  }
}

function mirageSample(file: string, line: number, subset: string, id: string, raw: unknown): Sample {
  const fail = (field: string, problem: string) =>
    new SampleFormatError(file, line, `${subset}.${id}.${field}`, problem);
  if (!raw || typeof raw !== 'object') throw fail('item', 'expected an object {question, options, answer}');
  const item = raw as Record<string, unknown>;
  if (typeof item.question !== 'string' || !item.question.trim()) throw fail('question', 'missing or empty');
  const options = item.options;
  if (!options || typeof options !== 'object' || Array.isArray(options))
    throw fail('options', 'expected an object {A: text, B: text, ...}');
  const keys = Object.keys(options).sort();
  if (keys.length < 2 || keys.some((key, index) => key !== String.fromCharCode(65 + index)))
    throw fail('options', `keys must be A, B, ... in order; found ${keys.join(', ')}`);
  const choices = keys.map((key) => String((options as Record<string, unknown>)[key] ?? ''));
  if (typeof item.answer !== 'string' || !keys.includes(item.answer))
    throw fail('answer', `must be one of ${keys.join(', ')}; found ${JSON.stringify(item.answer)}`);
  return { id: `${subset}/${id}`, input: item.question, choices, target: item.answer, metadata: { subset } };
}

export const mirageLoader = defineLoader({
  name: 'mirage',
  description:
    'MIRAGE benchmark.json: {subset: {id: {question, options: {A..}, answer}}}; five subsets (medqa, medmcqa, pubmedqa, bioasq, mmlu)',
  load: async function* (path, options) {
    yield* readMirage(path, options);
  },
  splitOf: (sample) => String(sample.metadata?.subset ?? 'unknown'),
});
