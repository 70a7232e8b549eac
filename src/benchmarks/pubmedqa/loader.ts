// PubMedQA PQA-L: `ori_pqal.json` (1,000 items keyed by PMID: QUESTION, CONTEXTS[], LABELS[], MESHES[],
// YEAR, reasoning_required_pred, reasoning_free_pred, final_decision, LONG_ANSWER) and, beside it,
// `test_ground_truth.json` (500 PMID -> yes/no/maybe). The path may be the folder or ori_pqal.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  SampleFormatError,
  defineLoader,
  keyOffsets,
  lineAt,
  lineCounter,
  parseJsonFile,
  type Sample,
} from '../../core/index.js';

export const PUBMEDQA_CHOICES = ['yes', 'no', 'maybe'];

export function pubmedqaFiles(path: string): { items: string; truth: string } {
  const items = existsSync(path) && statSync(path).isDirectory() ? join(path, 'ori_pqal.json') : path;
  return { items, truth: join(dirname(items), 'test_ground_truth.json') };
}

export interface PubmedqaOptions {
  lenient?: boolean;
  onError?: (error: Error) => void;
  /** 'test' = the 500 PMIDs of test_ground_truth.json; 'dev' = the other 500; 'all' (default). */
  split?: 'test' | 'dev' | 'all';
  /** Put the abstract's contexts before the question (default true; MIRAGE's PubMedQA* drops them). */
  contexts?: boolean;
}

export function readTestLabels(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const text = readFileSync(file, 'utf8');
  const data = parseJsonFile(file, text);
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new SampleFormatError(file, 1, 'root', 'expected {PMID: "yes" | "no" | "maybe"}');
  const labels = new Map<string, string>();
  for (const [pmid, label] of Object.entries(data as Record<string, unknown>)) {
    if (typeof label !== 'string' || !PUBMEDQA_CHOICES.includes(label)) {
      throw new SampleFormatError(
        file,
        lineAt(text, text.indexOf(JSON.stringify(pmid))),
        pmid,
        `label must be yes, no or maybe; found ${JSON.stringify(label)}`,
      );
    }
    labels.set(pmid, label);
  }
  return labels;
}

export function* readPubmedqa(path: string, options: PubmedqaOptions = {}): Generator<Sample> {
  const files = pubmedqaFiles(path);
  const text = readFileSync(files.items, 'utf8');
  const data = parseJsonFile(files.items, text);
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new SampleFormatError(files.items, 1, 'root', 'expected {PMID: item}');
  const labels = readTestLabels(files.truth);
  const split = options.split ?? 'all';
  const offsets = keyOffsets(text);
  const lineOf = lineCounter(text);
  const items = data as Record<string, unknown>;
  for (const pmid of Object.keys(items).sort((a, b) => (offsets.get(a) ?? 0) - (offsets.get(b) ?? 0))) {
    const inTest = labels.has(pmid);
    if ((split === 'test' && !inTest) || (split === 'dev' && inTest)) continue;
    try {
      yield pubmedqaSample(
        files.items,
        lineOf(offsets.get(pmid) ?? 0),
        pmid,
        items[pmid],
        inTest ? labels.get(pmid)! : undefined,
        options.contexts ?? true,
      );
    } catch (error) {
      if (!options.lenient || !SampleFormatError.isInstance(error)) throw error;
      options.onError?.(error);
    }
  }
}

function pubmedqaSample(
  file: string,
  line: number,
  pmid: string,
  raw: unknown,
  testLabel: string | undefined,
  withContexts: boolean,
): Sample {
  const fail = (field: string, problem: string) => new SampleFormatError(file, line, `${pmid}.${field}`, problem);
  if (!raw || typeof raw !== 'object') throw fail('item', 'expected an object');
  const item = raw as Record<string, unknown>;
  if (typeof item.QUESTION !== 'string' || !item.QUESTION.trim()) throw fail('QUESTION', 'missing or empty');
  if (!Array.isArray(item.CONTEXTS) || item.CONTEXTS.some((c) => typeof c !== 'string'))
    throw fail('CONTEXTS', 'expected a list of strings');
  const decision = item.final_decision;
  if (typeof decision !== 'string' || !PUBMEDQA_CHOICES.includes(decision))
    throw fail('final_decision', `must be yes, no or maybe; found ${JSON.stringify(decision)}`);
  if (testLabel !== undefined && testLabel !== decision)
    throw fail('final_decision', `'${decision}' disagrees with test_ground_truth.json ('${testLabel}')`);
  const contexts = item.CONTEXTS as string[];
  const input = withContexts ? `Context:\n${contexts.join('\n')}\n\nQuestion: ${item.QUESTION}` : item.QUESTION;
  return {
    id: pmid,
    input,
    choices: PUBMEDQA_CHOICES,
    target: String.fromCharCode(65 + PUBMEDQA_CHOICES.indexOf(decision)),
    metadata: {
      split: testLabel !== undefined ? 'test' : 'dev',
      label: decision,
      year: String(item.YEAR ?? ''),
      reasoningRequiredPred: String(item.reasoning_required_pred ?? ''),
    },
  };
}

export const pubmedqaLoader = defineLoader({
  name: 'pubmedqa',
  description:
    'PubMedQA PQA-L: a folder (or ori_pqal.json) with ori_pqal.json and test_ground_truth.json; splits test (500 labelled PMIDs) / dev',
  load: async function* (path, options) {
    yield* readPubmedqa(path, options);
  },
  splitOf: (sample) => String(sample.metadata?.split ?? 'dev'),
  async describe(path) {
    const files = pubmedqaFiles(path);
    const counts = new Map<string, number>();
    let total = 0;
    for (const sample of readPubmedqa(path)) {
      total++;
      const key = `${sample.metadata?.split}/${sample.metadata?.label}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const labels = readTestLabels(files.truth);
    const perLabel = ['yes', 'no', 'maybe']
      .map((label) => `${label} ${[...labels.values()].filter((l) => l === label).length}`)
      .join(' / ');
    return [
      `${files.items}: ${total} items (loader pubmedqa)`,
      `${files.truth}: ${labels.size} test labels (${perLabel})`,
      ...[...counts.entries()].sort().map(([key, count]) => `  ${key.padEnd(12)} ${count}`),
    ].join('\n');
  },
});
