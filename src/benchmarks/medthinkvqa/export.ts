// The leaderboard submission file (docs/submit.html): every original field of the test row kept
// unchanged, plus prediction ("A"–"E"), prediction_rationale and prediction_twi
// {step1_per_image_findings, step2_integrated_summary, step3_differential_reasoning}.
// `medkit medthinkvqa-export <run dir>` reads the run's samples.jsonl and each sample's source row.
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ConfigError, stripBom } from '../../core/index.js';
import type { CliCommand } from '../../cli/command.js';

export interface Prediction {
  prediction: string | null;
  prediction_rationale?: string;
  prediction_twi?: unknown;
}

export function submissionRecord(row: Record<string, unknown>, prediction: Prediction): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row, prediction: prediction.prediction ?? '' };
  if (prediction.prediction_rationale !== undefined) out.prediction_rationale = prediction.prediction_rationale;
  if (prediction.prediction_twi !== undefined) out.prediction_twi = prediction.prediction_twi;
  return out;
}

function readRow(source: string, cache: Map<string, string[]>): Record<string, unknown> {
  const match = /^(.*):(\d+)$/.exec(source);
  if (!match) throw new ConfigError(`bad sample source "${source}" (expected file:line)`);
  const [, file, line] = match;
  let lines = cache.get(file!);
  if (!lines) {
    try {
      lines = stripBom(readFileSync(file!, 'utf8')).split('\n');
    } catch (error) {
      throw new ConfigError(`${file}: cannot read the test file the run used (${(error as Error).message})`);
    }
    cache.set(file!, lines);
  }
  return JSON.parse(lines[Number(line) - 1] ?? 'null') as Record<string, unknown>;
}

/** Writes one submission line per sample (epoch 1 only; errored units get prediction ""). Returns the count. */
export async function exportSubmission(runDir: string, out: string): Promise<{ written: number; missing: number }> {
  const rows = new Map<string, string[]>();
  const lines: string[] = [];
  let missing = 0;
  const input = createInterface({
    input: createReadStream(join(runDir, 'samples.jsonl'), 'utf8'),
    crlfDelay: Infinity,
  });
  for await (const text of input) {
    if (!text.trim()) continue;
    const record = JSON.parse(text) as { epoch: number; metadata?: Record<string, unknown>; error: string | null };
    if (record.epoch !== 1) continue;
    const metadata = record.metadata ?? {};
    if (typeof metadata.source !== 'string') {
      missing++;
      continue;
    }
    const row = readRow(metadata.source, rows);
    if (!metadata.prediction) missing++;
    lines.push(
      JSON.stringify(
        submissionRecord(row, {
          prediction: (metadata.prediction as string | null) ?? null,
          prediction_rationale: metadata.prediction_rationale as string | undefined,
          prediction_twi: metadata.twi,
        }),
      ),
    );
  }
  writeFileSync(out, lines.join('\n') + (lines.length ? '\n' : ''));
  return { written: lines.length, missing };
}

export const medthinkExportCommand: CliCommand = {
  name: 'medthinkvqa-export',
  register(program: Command) {
    program
      .command('medthinkvqa-export')
      .description(
        'Write a MedThinkVQA leaderboard submission JSONL from a run directory (original fields + prediction, prediction_rationale, prediction_twi)',
      )
      .argument('<run-dir>', 'a medthinkvqa run directory (holds samples.jsonl)')
      .option('--out <file>', 'output file', 'medthinkvqa_test_submission.jsonl')
      .action(async (runDir: string, options: { out: string }) => {
        const { written, missing } = await exportSubmission(runDir, options.out);
        console.log(`${options.out}: ${written} cases written${missing ? `, ${missing} without a prediction` : ''}`);
      });
  },
};
