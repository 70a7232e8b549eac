// `medkit judge-agreement <run-dir> [human-ratings]`: reads the judge's values from a run's
// samples.jsonl and human ratings from a CSV or JSONL file — or, without a file, the human ratings
// a scorer carried into the run (score metadata `human: [{rater, values}]`, e.g. the expert
// ratings of a CounselBench-Eval file) — and prints the agreement table (agreement.ts). Works for any run whose scores are numbers or records of numbers: CounselBench
// EVAL dimensions, CounselBench ADV `triggered`, jury outputs...
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  ConfigError,
  SampleFormatError,
  csvRecords,
  parseJsonLinesText,
  runSpecSchema,
  sampleRecordSchema,
} from '../../core/index.js';
import type { CliCommand } from '../../cli/command.js';
import { formatAgreement, judgeAgreement, unitOf, type HumanRating, type JudgeValues } from './agreement.js';
import { reviewTemplate } from './review.js';
import { aggregateScores } from './aggregate.js';

/** Judge values per unit, flattened: record keys as they are ('overall'), plain values under the scorer name. */
export function readRunValues(runDir: string): {
  values: JudgeValues;
  judge: string;
  errors: number;
  carried: HumanRating[];
  groups: Map<string, Record<string, string>>;
} {
  const path = join(runDir, 'samples.jsonl');
  if (!existsSync(path))
    throw new ConfigError(`${runDir}: no samples.jsonl (is this a run directory written by medkit eval --out?)`);
  let judge = 'unknown (no spec.json in the run directory)';
  const specPath = join(runDir, 'spec.json');
  if (existsSync(specPath)) {
    const spec = runSpecSchema.safeParse(JSON.parse(readFileSync(specPath, 'utf8')));
    if (spec.success)
      judge =
        spec.data.models.judge ?? spec.data.models.grader ?? 'no judge model (built-in baseline: not a valid judge)';
  }
  const values: JudgeValues = new Map();
  const carried: HumanRating[] = [];
  const groups = new Map<string, Record<string, string>>();
  let errors = 0;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new SampleFormatError(path, index + 1, '(whole line)', 'is not JSON');
      }
      const parsed = sampleRecordSchema.safeParse(raw);
      if (!parsed.success)
        throw new SampleFormatError(
          path,
          index + 1,
          parsed.error.issues[0]!.path.join('.') || '(line)',
          parsed.error.issues[0]!.message,
        );
      const record = parsed.data;
      if (record.error !== null) errors++;
      const flat: Record<string, number | null> = {};
      for (const [scorer, score] of Object.entries(record.scores)) {
        const human = (score.metadata as { human?: unknown } | undefined)?.human;
        if (Array.isArray(human)) {
          for (const entry of human as { rater?: unknown; values?: Record<string, number | null> }[]) {
            if (entry && typeof entry === 'object' && entry.values)
              carried.push({
                id: record.id,
                epoch: record.epoch,
                rater: String(entry.rater ?? 'human'),
                values: entry.values,
                at: `${path}:${index + 1} (${scorer})`,
              });
          }
        }
        const value = score.value;
        if (typeof value === 'number') flat[scorer] = value;
        else if (typeof value === 'boolean') flat[scorer] = Number(value);
        else if (value !== null && typeof value === 'object') {
          for (const [key, sub] of Object.entries(value as Record<string, unknown>))
            flat[key in flat ? `${scorer}.${key}` : key] = typeof sub === 'number' ? sub : null;
        }
      }
      values.set(unitOf(record.id, record.epoch), flat);
      groups.set(unitOf(record.id, record.epoch), (record as { groups?: Record<string, string> }).groups ?? {});
    });
  return { values, judge, errors, carried, groups };
}

const META_COLUMNS = new Set([
  'id',
  'epoch',
  'rater',
  'rater_id',
  'annotator',
  'expert',
  'questionID',
  'responder',
  'survey_id',
]);

/** A rating cell as a number: 1-5, Yes/No/true/false → 1/0, "I am not sure" or empty → null. */
export function ratingCell(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return Number(value);
  const text = String(value).trim();
  if (text === '' || /^(i am not sure|not sure|unsure|n\/a|na)$/i.test(text)) return null;
  if (/^(yes|true)$/i.test(text)) return 1;
  if (/^(no|false)$/i.test(text)) return 0;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const leading = /^(\d)\s*[-–(]/.exec(text); // "4 - Good"
  return leading ? Number(leading[1]) : undefined;
}

export function readHumanRatings(
  file: string,
  judgeKeys: ReadonlySet<string>,
): { ratings: HumanRating[]; errors: string[] } {
  if (!existsSync(file))
    throw new ConfigError(
      `${file}: no such file (human ratings: CSV or JSONL with id, rater and one column per score key)`,
    );
  const text = readFileSync(file, 'utf8');
  const rows: { line: number; values: Record<string, unknown> }[] = [];
  if (file.endsWith('.jsonl') || file.endsWith('.json')) {
    for (const { value, at } of parseJsonLinesText(text, file)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new SampleFormatError(file, at.line, '(whole line)', 'expected a JSON object');
      rows.push({ line: at.line, values: value as Record<string, unknown> });
    }
  } else rows.push(...csvRecords(text, file).records);
  const ratings: HumanRating[] = [];
  const errors: string[] = [];
  for (const { line, values } of rows) {
    const at = `${file}:${line}`;
    const id =
      values.id !== undefined && values.id !== ''
        ? String(values.id)
        : values.questionID !== undefined && values.responder !== undefined
          ? `${values.questionID}:${values.responder}`
          : undefined;
    if (id === undefined) {
      errors.push(`${at}: id: missing (give "id" as in the run, or "questionID" and "responder")`);
      continue;
    }
    const epoch = values.epoch === undefined || values.epoch === '' ? 1 : Number(values.epoch);
    if (!Number.isInteger(epoch) || epoch < 1) {
      errors.push(`${at}: epoch: "${String(values.epoch)}" is not a positive integer`);
      continue;
    }
    const rater = String(
      [values.rater, values.rater_id, values.annotator, values.expert].find(
        (value) => value !== undefined && value !== null && value !== '',
      ) ?? 'human',
    );
    const ratingValues: Record<string, number | null> = {};
    for (const [column, cell] of Object.entries(values)) {
      if (META_COLUMNS.has(column)) continue;
      const key = judgeKeys.has(column) ? column : column.replace(/_score$/, '');
      if (!judgeKeys.has(key)) continue;
      const value = ratingCell(cell);
      if (value === undefined)
        errors.push(`${at}: ${column}: "${String(cell)}" is not a rating (a number, Yes/No, or "I am not sure")`);
      else ratingValues[key] = value;
    }
    ratings.push({ id, epoch, rater, values: ratingValues, at });
  }
  return { ratings, errors };
}

export function judgeAgreementText(
  runDir: string,
  ratingsFile: string | undefined,
  options: { keys?: string[]; by?: string } = {},
): string {
  const run = readRunValues(runDir);
  const judgeKeys = new Set([...run.values.values()].flatMap((values) => Object.keys(values)));
  if (ratingsFile === undefined && run.carried.length === 0) {
    throw new ConfigError(
      `${runDir}: the run carries no human ratings; give a ratings file (CSV or JSONL with id, rater and one column per score key)`,
    );
  }
  const { ratings, errors } =
    ratingsFile === undefined
      ? { ratings: run.carried, errors: [] as string[] }
      : readHumanRatings(ratingsFile, judgeKeys);
  ratingsFile ??= `${runDir} (human ratings carried in the run)`;
  if (ratings.length === 0)
    throw new ConfigError(
      `${ratingsFile}: no usable rating rows${errors.length ? ` (${errors.slice(0, 3).join('; ')})` : ''}`,
    );
  const report = judgeAgreement(run.values, ratings, options.keys);
  if (report.unknownUnits.length === ratings.length) {
    throw new ConfigError(
      `${ratingsFile}: none of its ${ratings.length} rows names a unit of ${runDir} (e.g. ${report.unknownUnits[0]}); ids must match the run's sample ids`,
    );
  }
  const out = [formatAgreement(report, run.judge)];
  if (options.by !== undefined) {
    // One table per value of a group key (CounselBench-ADV: per failure mode).
    const by = options.by;
    const values = [
      ...new Set(
        [...run.groups.values()].map((groups) => groups[by]).filter((value): value is string => value !== undefined),
      ),
    ].sort();
    if (values.length === 0)
      throw new ConfigError(
        `${runDir}: the run has no group "${by}" (its groups: ${[...new Set([...run.groups.values()].flatMap((groups) => Object.keys(groups)))].join(', ') || 'none'})`,
      );
    for (const value of values) {
      const subset: JudgeValues = new Map([...run.values].filter(([unit]) => run.groups.get(unit)?.[by] === value));
      const inGroup = ratings.filter((rating) => subset.has(unitOf(rating.id, rating.epoch)));
      const table = formatAgreement(judgeAgreement(subset, inGroup, options.keys), run.judge)
        .split('\n')
        .slice(3)
        .filter((line) => !line.startsWith('α:') && !line.startsWith('bal. F1:'));
      out.push('', `${by} = ${value}`, ...table);
    }
  }
  if (run.errors) out.push(`${run.errors} run units failed and have no judge value`);
  if (errors.length)
    out.push(
      `${errors.length} bad cells or rows in the ratings file (left out): ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? '; ...' : ''}`,
    );
  return out.join('\n');
}

/** CounselBench §1.4 aggregates of a run's `counsel-judge` scores, with drop counts per reason. */
export function runAggregateText(runDir: string, scorer = 'counsel-judge'): string {
  const path = join(runDir, 'samples.jsonl');
  if (!existsSync(path))
    throw new ConfigError(`${runDir}: no samples.jsonl (is this a run directory written by medkit eval --out?)`);
  const scores: { value: unknown; metadata?: unknown }[] = [];
  let failed = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as {
      error: string | null;
      scores: Record<string, { value: unknown; metadata?: unknown }>;
    };
    if (record.error !== null || !record.scores[scorer]) failed++;
    else scores.push(record.scores[scorer]!);
  }
  if (scores.length === 0) throw new ConfigError(`${runDir}: no "${scorer}" scores (is this a counselbench-eval run?)`);
  const aggregate = aggregateScores(scores);
  const baseline = scores.filter(
    (score) => (score.metadata as { validJudge?: boolean } | undefined)?.validJudge === false,
  ).length;
  const lines = [
    `CounselBench aggregates over ${scores.length} rated responses${failed ? ` (${failed} units failed or unscored, not counted)` : ''}:`,
  ];
  if (baseline)
    lines.unshift(`${baseline} of ${scores.length} ratings come from the lexicon baseline: NOT a valid judge`);
  for (const entry of Object.values(aggregate))
    lines.push(
      `  ${entry.label.padEnd(20)} ${entry.value === null ? '–' : entry.value.toFixed(3)}  n=${entry.n}  ${entry.note}`,
    );
  return lines.join('\n');
}

export const judgeAgreementCommand: CliCommand = {
  name: 'judge-agreement',
  register(program: Command) {
    program
      .command('judge-agreement')
      .description(
        'judge vs human agreement for a run: Krippendorff α, Cohen κ, balanced F1 (HealthBench), Wilcoxon judge vs expert',
      )
      .argument('<run-dir>', 'a run directory (medkit eval --out)')
      .argument(
        '[human-ratings]',
        'CSV or JSONL: id (or questionID + responder), epoch (default 1), rater, one column per score key (overall or overall_score, medical_advice, triggered...); without it, the human ratings the run carries (CounselBench-Eval files rated with --solver given, HealthBench meta-eval)',
      )
      .option('--key <keys...>', 'only these score keys (with --review-template: the label columns to fill)')
      .option('--by <group>', 'also one table per value of this group key (e.g. mode for CounselBench-ADV)')
      .option(
        '--aggregate',
        'instead of comparing, print the CounselBench aggregates of a counselbench-eval run with drop counts per reason',
      )
      .option(
        '--review-template <file>',
        'instead of comparing, write a CSV of sampled units for humans to label (then pass it back as <human-ratings>)',
      )
      .option('--group <key>', 'with --review-template: sample per value of this group key (e.g. mode)')
      .option('--per-group <n>', 'with --review-template: units per group (default 2, as CounselBench-ADV)', '2')
      .option('--seed <n>', 'with --review-template: sampling seed', '0')
      .action(
        (
          runDir: string,
          ratingsFile: string | undefined,
          options: {
            key?: string[];
            by?: string;
            aggregate?: boolean;
            reviewTemplate?: string;
            group?: string;
            perGroup: string;
            seed: string;
          },
        ) => {
          if (options.aggregate) {
            process.stdout.write(`${runAggregateText(runDir)}\n`);
            return;
          }
          if (options.reviewTemplate) {
            const { csv, counts } = reviewTemplate(runDir, {
              keys: options.key ?? [],
              perGroup: Number(options.perGroup),
              seed: Number(options.seed),
              ...(options.group ? { groupKey: options.group } : {}),
            });
            writeFileSync(options.reviewTemplate, csv);
            process.stdout.write(
              `wrote ${options.reviewTemplate}: ${Object.entries(counts)
                .map(([group, count]) => `${group} ${count}`)
                .join(', ')}\n`,
            );
            return;
          }
          process.stdout.write(
            `${judgeAgreementText(runDir, ratingsFile, { ...(options.key ? { keys: options.key } : {}), ...(options.by ? { by: options.by } : {}) })}\n`,
          );
        },
      );
  },
};
