// Readers for user-supplied medical VQA files (formats: ../shared/reference/vqa-datasets.md): VQA-RAD JSON,
// SLAKE JSON (English rows), PMC-VQA CSV and OmniMedVQA JSON. Each row becomes one closed or open sample
// with one image; malformed rows are errors naming file and row (or reported through onError).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ConfigError, type Sample } from '../../core/index.js';

export const VQA_FORMATS = ['vqa-rad', 'slake', 'pathvqa', 'pmc-vqa', 'omnimedvqa'] as const;
export type VqaFormat = (typeof VQA_FORMATS)[number];

export interface VqaRow {
  id: string;
  question: string;
  answer: string;
  answerType: 'closed' | 'open';
  image: string;
  choices?: string[];
  extra: Record<string, string>;
}

export class VqaRowError extends ConfigError {}

const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value)).trim();
const fail = (where: string, message: string): never => {
  throw new VqaRowError(`${where}: ${message}`);
};

function jsonArray(file: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new ConfigError(`${file}: expected a JSON array of rows`);
  return value;
}

const yesNo = (answer: string) => /^(yes|no)$/i.test(answer);

function vqaRadRow(row: Record<string, unknown>, where: string, root: string): VqaRow {
  const question = str(row.question) || fail(where, 'question is missing');
  const image = str(row.image_name) || fail(where, 'image_name is missing');
  const type = str(row.answer_type).toUpperCase();
  // answers are sometimes numbers in the JSON; without answer_type, yes/no counts as closed (MultiMedEval)
  const answer = str(row.answer);
  if (answer === '') fail(where, 'answer is missing');
  return {
    id: str(row.qid) || where,
    question,
    answer,
    answerType: type === 'CLOSED' || (type === '' && yesNo(answer)) ? 'closed' : 'open',
    image: join(root, 'VQA_RAD Image Folder', image),
    extra: { question_type: str(row.question_type), phrase_type: str(row.phrase_type), organ: str(row.image_organ) },
  };
}

function slakeRow(row: Record<string, unknown>, where: string, root: string): VqaRow | null {
  if (str(row.q_lang) !== 'en') return null; // evaluations keep English rows only
  const type = str(row.answer_type).toUpperCase();
  if (type !== 'OPEN' && type !== 'CLOSED')
    fail(where, `answer_type must be OPEN or CLOSED, got '${str(row.answer_type)}'`);
  return {
    id: str(row.qid) || where,
    question: str(row.question) || fail(where, 'question is missing'),
    answer: str(row.answer) || fail(where, 'answer is missing'),
    answerType: type === 'CLOSED' ? 'closed' : 'open',
    image: join(root, 'imgs', str(row.img_name) || fail(where, 'img_name is missing')),
    extra: { content_type: str(row.content_type), modality: str(row.modality), location: str(row.location) },
  };
}

const stripLetter = (option: string) => option.replace(/^\s*[A-D]\s*[:.]\s*/i, '').trim();

function pmcRow(row: Record<string, string>, where: string, root: string): VqaRow {
  const get = (...names: string[]) => {
    for (const name of names) {
      const key = Object.keys(row).find((k) => k.trim().toLowerCase() === name.toLowerCase());
      if (key && str(row[key]) !== '') return str(row[key]);
    }
    return '';
  };
  const choices = ['Choice A', 'Choice B', 'Choice C', 'Choice D'].map((name) => stripLetter(get(name)));
  if (choices.some((c) => c === '')) fail(where, 'columns Choice A … Choice D must all be present');
  const label = get('Answer_label', 'answer label').toUpperCase();
  const index = 'ABCD'.indexOf(label);
  if (label.length !== 1 || index < 0) fail(where, `Answer_label must be A–D, got '${label}'`);
  return {
    id: where,
    question: get('Question') || fail(where, 'Question is missing'),
    answer: choices[index]!,
    answerType: 'closed',
    image: join(root, get('Figure_path') || fail(where, 'Figure_path is missing')),
    choices,
    extra: { answer_column: get('Answer', 'Anwser') },
  };
}

function omniRow(row: Record<string, unknown>, where: string, root: string): VqaRow {
  const choices = ['option_A', 'option_B', 'option_C', 'option_D'].map((key) => str(row[key])).filter((c) => c !== '');
  if (choices.length < 2) fail(where, 'option_A and option_B are required');
  const answer = str(row.gt_answer);
  if (!choices.includes(answer)) fail(where, `gt_answer '${answer}' is not one of the options`);
  return {
    id: str(row.question_id) || where,
    question: str(row.question) || fail(where, 'question is missing'),
    answer,
    answerType: 'closed',
    image: join(root, str(row.image_path) || fail(where, 'image_path is missing')),
    choices,
    extra: {
      question_type: str(row.question_type),
      modality: str(row.modality_type ?? row.modality),
      dataset: str(row.dataset),
    },
  };
}

/**
 * Rows of one file (or, for OmniMedVQA, every QA_information/**.json under a root). `root`: the folder the
 * image paths are relative to (default: the file's folder; OmniMedVQA: the folder holding QA_information).
 */
export function readVqaRows(
  format: VqaFormat,
  path: string,
  options: { root?: string; onError?: (error: Error) => void } = {},
): VqaRow[] {
  if (format === 'pathvqa') throw new ConfigError('pathvqa is parquet: read it with readPathVqaRows (pathvqa.ts)');
  if (!existsSync(path)) throw new ConfigError(`${format}: ${path} not found`);
  const rows: VqaRow[] = [];
  const keep = (_file: string, _index: number, make: () => VqaRow | null) => {
    try {
      const row = make();
      if (row) rows.push(row);
    } catch (error) {
      if (!(error instanceof VqaRowError) || !options.onError) throw error;
      options.onError(error);
    }
  };
  if (format === 'pmc-vqa') {
    const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Record<
      string,
      string
    >[];
    const root = options.root ?? join(dirname(path), 'images');
    records.forEach((row, i) => keep(path, i + 1, () => pmcRow(row, `${path} row ${i + 2}`, root)));
    return rows;
  }
  const files =
    format === 'omnimedvqa' && statSync(path).isDirectory()
      ? ['Open-access', 'Restricted-access']
          .map((part) => join(path, 'QA_information', part))
          .filter(existsSync)
          .flatMap((dir) =>
            readdirSync(dir)
              .filter((f) => f.endsWith('.json'))
              .sort()
              .map((f) => join(dir, f)),
          )
      : [path];
  for (const file of files) {
    const root =
      options.root ??
      (format === 'omnimedvqa'
        ? statSync(path).isDirectory()
          ? path
          : dirname(dirname(dirname(file)))
        : dirname(file));
    jsonArray(file).forEach((value, i) => {
      const where = `${file} row ${i}`;
      keep(file, i, () => {
        if (!value || typeof value !== 'object') fail(where, 'expected an object');
        const row = value as Record<string, unknown>;
        if (format === 'vqa-rad') return vqaRadRow(row, where, root);
        if (format === 'slake') return slakeRow(row, where, root);
        return omniRow(row, where, root);
      });
    });
  }
  return rows;
}

export function rowToSample(row: VqaRow, format: VqaFormat): Sample {
  const options = row.choices
    ? `\nOptions:\n${row.choices.map((c, i) => `${'ABCD'[i]}. ${c}`).join('\n')}\nAnswer with the option's letter or text.`
    : '';
  return {
    id: `${format}:${row.id}`,
    input: [
      {
        role: 'user',
        content: [
          { type: 'text', text: `${row.question}${options}` },
          {
            type: 'image',
            source: { kind: 'path', path: row.image },
            mediaType: /\.png$/i.test(row.image) ? 'image/png' : 'image/jpeg',
          },
        ],
      },
    ],
    target: row.answer,
    ...(row.choices ? { choices: row.choices } : {}),
    metadata: { answer_type: row.answerType, format, ...row.extra },
    files: { image: row.image },
  };
}
