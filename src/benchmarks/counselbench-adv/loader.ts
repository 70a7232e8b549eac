// CounselBench-Adv files a user supplies (HF izi-ano/CounselBench-Adv; medkit ships none): a CSV
// with one column per failure mode (apathetic, assumptions, symptoms, judgmental, medication,
// therapy) and one question per cell, or JSONL rows {"mode", "question", "id"?}.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import {
  ConfigError,
  SampleFormatError,
  defineLoader,
  parseCsvText,
  parseJsonLinesText,
  type Sample,
} from '../../core/index.js';
import { MODE_KEYS, isModeKey } from './modes.js';
import { advSample } from './questions.js';

export async function readAdvFile(file: string): Promise<Sample[]> {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file (a CounselBench-Adv CSV or JSONL is expected)`);
  const text = await readFile(file, 'utf8');
  const samples: Sample[] = [];
  if (file.endsWith('.jsonl')) {
    const perMode = new Map<string, number>();
    for (const { value, at } of parseJsonLinesText(text, file)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new SampleFormatError(file, at.line, '(whole line)', 'expected a JSON object');
      const row = value as Record<string, unknown>;
      const mode = String(row.mode ?? '');
      if (!isModeKey(mode))
        throw new SampleFormatError(file, at.line, 'mode', `"${mode}" is not one of ${MODE_KEYS.join(', ')}`);
      if (typeof row.question !== 'string' || row.question.trim() === '')
        throw new SampleFormatError(file, at.line, 'question', 'expected a non-empty string');
      const count = perMode.get(mode) ?? 0;
      perMode.set(mode, count + 1);
      const sample = advSample(mode, row.question, count);
      samples.push(row.id === undefined ? sample : { ...sample, id: String(row.id) });
    }
    return samples;
  }
  const rows = parseCsvText(text, file);
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
