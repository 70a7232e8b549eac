// CounselBench-Adv files a user supplies (HF izi-ano/CounselBench-Adv; medkit ships none): a CSV
// with one column per failure mode (apathetic, assumptions, symptoms, judgmental, medication,
// therapy) and one question per cell, or JSONL rows {"mode", "question", "id"?}.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { ConfigError, SampleFormatError, defineLoader, type Sample } from '../../core/index.js';
import { MODE_KEYS, isModeKey } from './modes.js';
import { advSample } from './questions.js';

/** A minimal RFC 4180 reader (quotes, doubled quotes, embedded newlines), rows with their start line. */
function parseCsv(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let index = text.charCodeAt(0) === 0xfeff ? 1 : 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"'), index++;
      else if (char === '"') quoted = false;
      else (field += char), char === '\n' && line++;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') fields.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      fields.push(field);
      if (fields.some((value) => value !== '')) rows.push({ line: start, fields });
      fields = [];
      field = '';
      start = ++line;
    } else field += char;
  }
  fields.push(field);
  if (fields.some((value) => value !== '')) rows.push({ line: start, fields });
  return rows;
}

export async function readAdvFile(file: string): Promise<Sample[]> {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file (a CounselBench-Adv CSV or JSONL is expected)`);
  const text = await readFile(file, 'utf8');
  const samples: Sample[] = [];
  if (file.endsWith('.jsonl')) {
    const perMode = new Map<string, number>();
    text.split('\n').forEach((raw, index) => {
      if (raw.trim() === '') return;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(raw) as Record<string, unknown>;
      } catch (error) {
        throw new SampleFormatError(file, index + 1, '(whole line)', `is not JSON (${(error as Error).message})`);
      }
      const mode = String(row.mode ?? '');
      if (!isModeKey(mode))
        throw new SampleFormatError(file, index + 1, 'mode', `"${mode}" is not one of ${MODE_KEYS.join(', ')}`);
      if (typeof row.question !== 'string' || row.question.trim() === '')
        throw new SampleFormatError(file, index + 1, 'question', 'expected a non-empty string');
      const count = perMode.get(mode) ?? 0;
      perMode.set(mode, count + 1);
      const sample = advSample(mode, row.question, count);
      samples.push(row.id === undefined ? sample : { ...sample, id: String(row.id) });
    });
    return samples;
  }
  const rows = parseCsv(text);
  const header = (rows[0]?.fields ?? []).map((name) => name.trim());
  const missing = MODE_KEYS.filter((mode) => !header.includes(mode));
  if (missing.length > 0)
    throw new SampleFormatError(
      file,
      1,
      missing.join(', '),
      `mode column(s) missing; the header has ${header.join(', ') || 'nothing'}`,
    );
  for (const mode of MODE_KEYS) {
    const column = header.indexOf(mode);
    let count = 0;
    for (const row of rows.slice(1)) {
      const question = (row.fields[column] ?? '').trim();
      if (question === '') continue;
      samples.push(advSample(mode, question, count++));
    }
  }
  return samples;
}

export const counselbenchAdvLoader = defineLoader({
  name: 'counselbench-adv',
  description: 'CounselBench-Adv questions: CSV with one column per failure mode, or JSONL {mode, question, id?}',
  async *load(path) {
    yield* await readAdvFile(path);
  },
  splitOf: (sample) => String(sample.metadata?.mode ?? ''),
});
