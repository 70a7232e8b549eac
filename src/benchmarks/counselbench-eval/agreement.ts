// Judge meta-evaluation: a run's judge values against human ratings of the same items. Per
// score key: Krippendorff's α between the human raters (overall, and per question averaged as
// CounselBench does), α with the judge as one more rater, Cohen's κ over (judge, human) pairs,
// HealthBench's balanced F1 and raw agreement for binary keys, and a Wilcoxon signed-rank test of
// judge vs mean human score per item. Statistics come from src/stats.
import {
  balancedF1,
  cohenKappa,
  krippendorffAlpha,
  wilcoxonSignedRank,
  type MeasurementLevel,
} from '../../stats/index.js';

/** One human rating row after reading: which unit, who, and a number (or null = unsure/missing) per key. */
export interface HumanRating {
  id: string;
  epoch: number;
  rater: string;
  values: Record<string, number | null>;
  /** file:line, for messages. */
  at: string;
}

export type JudgeValues = Map<string, Record<string, number | null>>;
export const unitOf = (id: string, epoch: number) => `${id}#${epoch}`;

export interface KeyAgreement {
  key: string;
  binary: boolean;
  level: MeasurementLevel;
  /** Units with a judge value and at least one human value. */
  items: number;
  pairs: number;
  judgeMean: number | null;
  humanMean: number | null;
  alphaHumans: number | null;
  /** Mean of per-question α (questions = id before ':'), and how many questions had a defined α. */
  alphaHumansPerQuestion: { mean: number | null; questions: number; undefinedQuestions: number };
  alphaWithJudge: number | null;
  kappa: number | null;
  kappaWeights: 'none' | 'linear';
  rawAgreement: number | null;
  balancedF1: number | null;
  /**
   * The human baseline of HealthBench's meta-eval: each rater's balanced F1 against the other raters
   * of the same units, averaged over raters for whom it is defined.
   */
  humanBalancedF1: { mean: number | null; raters: number } | null;
  wilcoxon: { statistic: number; pValue: number; n: number; method: string; meanDifference: number } | null;
  notes: string[];
}

export interface AgreementReport {
  keys: KeyAgreement[];
  /** Human rows whose (id, epoch) is not in the run. */
  unknownUnits: string[];
  /** Units of the run no human rated. */
  unratedUnits: number;
  humanRows: number;
}

const finite = (value: number) => (Number.isFinite(value) ? value : null);
const avg = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
const isBinary = (values: readonly number[]) => values.every((value) => value === 0 || value === 1);

export function judgeAgreement(
  judge: JudgeValues,
  humans: readonly HumanRating[],
  keys?: readonly string[],
): AgreementReport {
  const unknown = new Set<string>();
  const byUnit = new Map<string, HumanRating[]>();
  for (const row of humans) {
    const unit = unitOf(row.id, row.epoch);
    if (!judge.has(unit)) {
      unknown.add(`${row.id} (epoch ${row.epoch}) at ${row.at}`);
      continue;
    }
    const list = byUnit.get(unit) ?? [];
    list.push(row);
    byUnit.set(unit, list);
  }
  const humanKeys = new Set(humans.flatMap((row) => Object.keys(row.values)));
  const judgeKeys = new Set([...judge.values()].flatMap((values) => Object.keys(values)));
  const shared = (keys ?? [...judgeKeys].filter((key) => humanKeys.has(key))).filter(
    (key) => judgeKeys.has(key) && humanKeys.has(key),
  );
  const report: AgreementReport = {
    keys: [],
    unknownUnits: [...unknown],
    unratedUnits: [...judge.keys()].filter((unit) => !byUnit.has(unit)).length,
    humanRows: humans.length,
  };
  for (const key of shared) report.keys.push(keyAgreement(key, judge, byUnit));
  return report;
}

function keyAgreement(key: string, judge: JudgeValues, byUnit: Map<string, HumanRating[]>): KeyAgreement {
  const notes: string[] = [];
  const units: { unit: string; question: string; judge: number; humans: { rater: string; value: number }[] }[] = [];
  let droppedJudge = 0;
  let droppedHuman = 0;
  for (const [unit, rows] of byUnit) {
    const judgeValue = judge.get(unit)?.[key];
    const human = rows
      .filter((row) => row.values[key] !== null && row.values[key] !== undefined)
      .map((row) => ({ rater: row.rater, value: row.values[key]! }));
    droppedHuman += rows.length - human.length;
    if (judgeValue === null || judgeValue === undefined) {
      droppedJudge++;
      continue;
    }
    if (human.length === 0) continue;
    const id = unit.slice(0, unit.lastIndexOf('#'));
    units.push({
      unit,
      question: id.includes(':') ? id.slice(0, id.indexOf(':')) : id,
      judge: judgeValue,
      humans: human,
    });
  }
  if (droppedJudge)
    notes.push(`${droppedJudge} rated items without a judge value (unsure, unparseable or missing) left out`);
  if (droppedHuman) notes.push(`${droppedHuman} human ratings without a value ("I am not sure" or empty) left out`);
  const allValues = units.flatMap((item) => [item.judge, ...item.humans.map((human) => human.value)]);
  const binary = allValues.length > 0 && isBinary(allValues);
  const level: MeasurementLevel = binary ? 'nominal' : 'ordinal';
  const pairs = units.flatMap((item) => item.humans.map((human) => ({ judge: item.judge, human: human.value })));
  const result: KeyAgreement = {
    key,
    binary,
    level,
    items: units.length,
    pairs: pairs.length,
    judgeMean: avg(units.map((item) => item.judge)),
    humanMean: avg(units.map((item) => avg(item.humans.map((human) => human.value))!)),
    alphaHumans: null,
    alphaHumansPerQuestion: { mean: null, questions: 0, undefinedQuestions: 0 },
    alphaWithJudge: null,
    kappa: null,
    kappaWeights: binary ? 'none' : 'linear',
    rawAgreement: null,
    balancedF1: null,
    humanBalancedF1: null,
    wilcoxon: null,
    notes,
  };
  if (units.length === 0) {
    notes.push('no item has both a judge value and a human value');
    return result;
  }
  // α between humans: raters × units, missing where a rater did not rate the unit.
  const raters = [...new Set(units.flatMap((item) => item.humans.map((human) => human.rater)))];
  const matrix = (list: typeof units, withJudge: boolean) => {
    const rows = raters.map((rater) =>
      list.map((item) => item.humans.find((human) => human.rater === rater)?.value ?? null),
    );
    if (withJudge) rows.push(list.map((item) => item.judge));
    return rows;
  };
  const multiRated = units.filter((item) => item.humans.length >= 2);
  if (multiRated.length === 0) notes.push('α between humans needs items with 2+ human ratings; none here');
  else result.alphaHumans = finite(krippendorffAlpha(matrix(multiRated, false), level));
  result.alphaWithJudge = finite(krippendorffAlpha(matrix(units, true), level));
  const questions = new Map<string, typeof units>();
  for (const item of multiRated) questions.set(item.question, [...(questions.get(item.question) ?? []), item]);
  const perQuestion: number[] = [];
  let undefinedQuestions = 0;
  let singleUnit = 0;
  for (const list of questions.values()) {
    if (list.length < 2) {
      singleUnit++; // one response per question: α of a single unit is degenerate, not agreement
      continue;
    }
    const alpha = krippendorffAlpha(matrix(list, false), level);
    if (Number.isFinite(alpha)) perQuestion.push(alpha);
    else undefinedQuestions++;
  }
  result.alphaHumansPerQuestion = { mean: avg(perQuestion), questions: perQuestion.length, undefinedQuestions };
  if (singleUnit && perQuestion.length + undefinedQuestions === 0)
    notes.push('per-question α needs 2+ rated responses per question (ids "<question>:<responder>"); none here');
  else if (singleUnit)
    notes.push(`${singleUnit} questions with a single rated response left out of the per-question α`);
  if (undefinedQuestions)
    notes.push(
      `per-question α undefined (no variation or < 2 ratings per unit) for ${undefinedQuestions} questions, left out of the average`,
    );
  // κ over (judge, human) pairs.
  const judgeLabels = pairs.map((pair) => pair.judge);
  const humanLabels = pairs.map((pair) => pair.human);
  if (binary) {
    result.kappa = finite(cohenKappa(judgeLabels, humanLabels));
    result.rawAgreement = pairs.filter((pair) => pair.judge === pair.human).length / pairs.length;
    result.balancedF1 = finite(
      balancedF1(
        judgeLabels.map((value) => value === 1),
        humanLabels.map((value) => value === 1),
      ),
    );
    if (result.balancedF1 === null) notes.push('balanced F1 undefined: one class never appears on one side');
    const perRater: number[] = [];
    for (const rater of raters) {
      const self: boolean[] = [];
      const others: boolean[] = [];
      for (const item of units) {
        const own = item.humans.find((human) => human.rater === rater);
        if (!own) continue;
        for (const other of item.humans) {
          if (other === own) continue;
          self.push(own.value === 1);
          others.push(other.value === 1);
        }
      }
      if (self.length === 0) continue;
      const f1 = balancedF1(self, others);
      if (Number.isFinite(f1)) perRater.push(f1);
    }
    result.humanBalancedF1 = { mean: avg(perRater), raters: perRater.length };
  } else {
    const low = Math.min(...allValues);
    const high = Math.max(...allValues);
    const categories = Array.from({ length: Math.round(high - low) + 1 }, (_, index) => low + index);
    if (allValues.every((value) => Number.isInteger(value)))
      result.kappa = finite(cohenKappa(judgeLabels, humanLabels, { weights: 'linear', categories }));
    else notes.push('κ skipped: values are not whole scale points');
  }
  // Wilcoxon: judge vs the mean human score per item.
  const judgeScores = units.map((item) => item.judge);
  const humanScores = units.map((item) => avg(item.humans.map((human) => human.value))!);
  if (units.length >= 2) {
    const test = wilcoxonSignedRank(judgeScores, humanScores);
    result.wilcoxon = {
      statistic: test.statistic,
      pValue: test.pValue,
      n: test.n,
      method: test.method,
      meanDifference: avg(judgeScores.map((value, index) => value - humanScores[index]!))!,
    };
  } else notes.push('Wilcoxon needs at least 2 items');
  return result;
}

const fmt = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

export function formatAgreement(report: AgreementReport, judgeLabel: string): string {
  const lines = [
    `judge: ${judgeLabel}`,
    `human rows: ${report.humanRows}; run units without a human rating: ${report.unratedUnits}`,
  ];
  if (report.unknownUnits.length > 0) {
    lines.push(
      `${report.unknownUnits.length} human rows name units not in the run (left out): ${report.unknownUnits.slice(0, 5).join('; ')}${report.unknownUnits.length > 5 ? '; ...' : ''}`,
    );
  }
  const header = [
    'key',
    'items',
    'pairs',
    'judge',
    'human',
    'α humans',
    'α/question',
    'α +judge',
    'κ',
    'agree',
    'bal. F1',
    'humans F1',
    'Wilcoxon p',
    'judge−human',
  ];
  const rows = report.keys.map((key) => [
    key.key,
    String(key.items),
    String(key.pairs),
    fmt(key.judgeMean),
    fmt(key.humanMean),
    fmt(key.alphaHumans),
    key.alphaHumansPerQuestion.questions
      ? `${fmt(key.alphaHumansPerQuestion.mean)} (${key.alphaHumansPerQuestion.questions}q)`
      : '–',
    fmt(key.alphaWithJudge),
    `${fmt(key.kappa)}${key.kappaWeights === 'linear' ? 'ʷ' : ''}`,
    key.binary ? fmt(key.rawAgreement) : '–',
    key.binary ? fmt(key.balancedF1) : '–',
    key.humanBalancedF1?.raters ? `${fmt(key.humanBalancedF1.mean)} (${key.humanBalancedF1.raters}r)` : '–',
    key.wilcoxon ? `${fmt(key.wilcoxon.pValue, 4)} (${key.wilcoxon.method})` : '–',
    key.wilcoxon ? fmt(key.wilcoxon.meanDifference) : '–',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  lines.push('', render(header), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render));
  lines.push(
    '',
    'α: Krippendorff (ordinal for scales, nominal for Yes/No keys; "I am not sure" = missing). κ: Cohen over (judge, human) pairs (ʷ = linear weights).',
  );
  lines.push(
    'bal. F1: HealthBench balanced F1 (mean of the F1 of both classes) over (judge, human) pairs; humans F1: each rater vs the other raters, averaged over raters (HealthBench physician baseline).',
  );
  lines.push('Wilcoxon: judge vs mean human per item (scipy defaults: zero differences dropped).');
  for (const key of report.keys) for (const note of key.notes) lines.push(`note (${key.key}): ${note}`);
  if (report.keys.length === 0)
    lines.push(
      "no score key is shared by the run and the ratings file; name columns after the run's score keys (e.g. overall, medical_advice, triggered)",
    );
  return lines.join('\n');
}
