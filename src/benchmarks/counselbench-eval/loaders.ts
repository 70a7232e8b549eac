// Loaders for files a user supplies: the CounselChat CSV (yields CounselBench's selected
// questions), and CounselBench-Eval rating files (HF izi-ano/CounselBench-Eval; medkit ships none).
// Eval files are CSV or JSONL, one row per (question, responder, rater); columns are mapped by
// name, and missing ones are reported by name. Rows of one (question, responder) become one sample
// that carries the response and every expert rating of it.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import {
  ConfigError,
  SampleFormatError,
  csvRecords,
  defineLoader,
  parseJsonLinesText,
  type JsonObject,
  type Sample,
} from '../../core/index.js';
import { readCounselChat, selectCounselBenchQuestions, selectedQuestionSample } from './counselchat.js';
import { questionInput } from './questions.js';
import { DIMENSIONS, UNSURE, expertRecordSchema, type ExpertRecord } from './ratings.js';

export const counselchatLoader = defineLoader({
  name: 'counselchat',
  description:
    'CounselChat CSV (20200325_counsel_chat.csv): yields the CounselBench question selection (top topics × 5 by upvotes)',
  async *load(path) {
    const report = selectCounselBenchQuestions(await readCounselChat(path));
    for (const question of report.questions) yield selectedQuestionSample(question);
  },
  async describe(path) {
    const report = selectCounselBenchQuestions(await readCounselChat(path));
    return [
      `${report.rows} answer rows, ${report.distinctQuestions} distinct questions`,
      `selected ${report.questions.length} questions from ${report.topics.length} topics: ${report.topics.map((topic) => topic.topic).join(', ')}`,
      report.skippedTopics.length > 0
        ? `skipped (fewer than 5 questions with a ≤ 250-word answer): ${report.skippedTopics.map((topic) => `${topic.topic} (${topic.usable})`).join(', ')}`
        : 'no topic skipped',
    ].join('\n');
  },
  splitOf: (sample) => String(sample.metadata?.topic ?? ''),
});

const RESPONSE_COLUMNS = ['response', 'responseText', 'llm_response', 'answerText', 'answer'];
const SCORE_COLUMNS = DIMENSIONS.map((spec) => `${spec.scoreKey}_score`);
const REQUIRED = ['questionID', 'responder', ...SCORE_COLUMNS];

interface RawRow {
  at: { file: string; line: number };
  values: Record<string, unknown>;
}

async function readRows(file: string): Promise<{ rows: RawRow[]; header: string[] }> {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file (a CounselBench-Eval CSV or JSONL is expected)`);
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.jsonl') || file.endsWith('.json')) {
    const rows: RawRow[] = [];
    const header = new Set<string>();
    for (const { value, at } of parseJsonLinesText(text, file)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new SampleFormatError(file, at.line, '(whole line)', 'expected a JSON object');
      Object.keys(value).forEach((key) => header.add(key));
      rows.push({ at, values: value as Record<string, unknown> });
    }
    return { rows, header: [...header] };
  }
  const { header, records } = csvRecords(text, file);
  return { rows: records.map((record) => ({ at: { file, line: record.line }, values: record.values })), header };
}

/** Typed scores from CSV text ("4", "Yes", "I am not sure"); the schema then checks ranges. */
function coerce(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed.toLowerCase() === UNSURE.toLowerCase()) return UNSURE;
  if (/^yes$/i.test(trimmed)) return 'Yes';
  if (/^no$/i.test(trimmed)) return 'No';
  return trimmed === '' ? null : trimmed;
}

export async function readEvalFile(
  file: string,
  options: { lenient?: boolean; onError?: (error: Error) => void } = {},
): Promise<Sample[]> {
  const { rows, header } = await readRows(file);
  const missing = REQUIRED.filter((column) => !header.includes(column));
  const responseColumn = RESPONSE_COLUMNS.find((column) => header.includes(column));
  if (!responseColumn) missing.push(`one of ${RESPONSE_COLUMNS.join(' | ')} (the response text)`);
  if (missing.length > 0)
    throw new SampleFormatError(file, 1, missing.join(', '), 'column(s) missing (columns are matched by name)');
  const groups = new Map<string, { first: RawRow; experts: ExpertRecord[] }>();
  for (const row of rows) {
    try {
      const values = row.values;
      const record = {
        ...Object.fromEntries(
          Object.entries(values).map(([key, value]) => [
            key,
            key.endsWith('_score') ? coerce(value) : value === '' ? null : value,
          ]),
        ),
        questionID: values.questionID,
        responder: String(values.responder ?? ''),
        rater: String(values.rater ?? values.rater_id ?? values.annotator ?? `row${row.at.line}`),
        survey_id: String(values.survey_id ?? `questionID_${values.questionID}`),
      };
      const parsed = expertRecordSchema.safeParse(record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new SampleFormatError(file, row.at.line, issue.path.map(String).join('.') || '(row)', issue.message);
      }
      const key = `${parsed.data.questionID}:${parsed.data.responder}`;
      const group = groups.get(key);
      if (group) group.experts.push(parsed.data);
      else groups.set(key, { first: row, experts: [parsed.data] });
    } catch (error) {
      if (!options.lenient || !(error instanceof SampleFormatError)) throw error;
      options.onError?.(error);
    }
  }
  return [...groups.entries()].map(([id, { first, experts }]) => {
    const values = first.values;
    const title = String(values.questionTitle ?? '');
    const text = String(values.questionText ?? '');
    return {
      id,
      input: title || text ? questionInput(title, text) : String(values.input_text ?? ''),
      target: null,
      metadata: {
        questionID: String(values.questionID),
        topic: String(values.topic ?? ''),
        responder: String(values.responder),
        response: String(values[responseColumn!] ?? ''),
        expertRatings: experts as unknown as JsonObject[],
      },
    } satisfies Sample;
  });
}

export const counselbenchEvalLoader = defineLoader({
  name: 'counselbench-eval',
  description:
    'CounselBench-Eval ratings (CSV or JSONL: questionID, responder, response, <dimension>_score...), one sample per (question, responder)',
  async *load(path, options) {
    yield* await readEvalFile(path, options);
  },
  splitOf: (sample) => String(sample.metadata?.responder ?? ''),
});
