// `medkit medsynvqa-rubric <in.jsonl> [--out kept.jsonl] [--min-score 0.967] [--no-require-pass]`:
// annotates each verifier record with verify_pass / verify_score (anotate_rubric_score.py) and keeps
// those filter_by_score.py would keep. A record's rubric is `rubric` or `rubric_verification.rubric`;
// `rubric_verification.error` makes it unscorable. Lines that are not JSON are reported with file:line.
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { CliCommand } from '../../cli/command.js';
import { stripBom } from '../../core/index.js';
import { ACCEPT_MIN_SCORE, acceptItem, scoreRubric, type VerifierOutput } from './rubric.js';

export interface RubricFilterResult {
  read: number;
  kept: number;
  unscorable: number;
  badLines: string[];
}

function verifierOutput(record: Record<string, unknown>): VerifierOutput {
  const verification = record.rubric_verification as Record<string, unknown> | undefined;
  if (verification && typeof verification === 'object' && 'error' in verification)
    return { error: String(verification.error) };
  if (Array.isArray(record.rubric)) return { rubric: record.rubric as VerifierOutput['rubric'] };
  if (verification && Array.isArray(verification.rubric))
    return { rubric: verification.rubric as VerifierOutput['rubric'] };
  if (typeof record.error === 'string') return { error: record.error };
  return {};
}

export async function filterRubricFile(
  file: string,
  out: string,
  minScore = ACCEPT_MIN_SCORE,
  requirePass = true,
): Promise<RubricFilterResult> {
  const result: RubricFilterResult = { read: 0, kept: 0, unscorable: 0, badLines: [] };
  const kept: string[] = [];
  let line = 0;
  for await (const raw of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    line++;
    const text = line === 1 ? stripBom(raw) : raw;
    if (!text.trim()) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      result.badLines.push(`${file}:${line}: (whole line): is not JSON (${(error as Error).message})`);
      continue;
    }
    result.read++;
    const scored = scoreRubric(verifierOutput(record));
    if (scored.verifyScore === null) result.unscorable++;
    const annotated = { ...record, verify_pass: scored.verifyPass, verify_score: scored.verifyScore };
    if (acceptItem(scored, minScore, requirePass)) {
      kept.push(JSON.stringify(annotated));
      result.kept++;
    }
  }
  writeFileSync(out, kept.join('\n') + (kept.length ? '\n' : ''));
  return result;
}

export const medsynRubricCommand: CliCommand = {
  name: 'medsynvqa-rubric',
  register(program: Command) {
    program
      .command('medsynvqa-rubric')
      .description(
        'Score MedVLSynther verifier rubrics (verify_score, verify_pass) and keep the accepted items (default: score ≥ 0.9670 and pass)',
      )
      .argument('<in>', 'JSONL of verifier records ({rubric: [...]} or {rubric_verification: {rubric | error}})')
      .option('--out <file>', 'accepted items, annotated', 'accepted.jsonl')
      .option(
        '--min-score <x>',
        'minimum verify_score (upstream default 0.95; the 13K run used 0.9670)',
        String(ACCEPT_MIN_SCORE),
      )
      .option('--no-require-pass', 'keep items that fail an essential gate')
      .action(async (input: string, options: { out: string; minScore: string; requirePass: boolean }) => {
        const result = await filterRubricFile(input, options.out, Number(options.minScore), options.requirePass);
        for (const bad of result.badLines) console.error(bad);
        console.log(
          `${options.out}: kept ${result.kept} of ${result.read} (${result.unscorable} unscorable) at min score ${options.minScore}${options.requirePass ? ' with require_pass' : ''}`,
        );
      });
  },
};
