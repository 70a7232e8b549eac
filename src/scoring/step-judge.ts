// Step-level judging of a free-text rationale (MedThinkVQA step 3, after benluwang/MedThinkVQA
// data_processing/step3_splitter.py and step3_judge.py): a splitter cuts the rationale into at
// most 15 atomic steps (a reply it cannot read falls back to the sentence splitter, as upstream),
// a judge labels each {is_factual, is_critical, explanation (<= 300 chars), error_types ⊆ the four
// types}. A step the judge gave no verdict for counts as non-factual. Prompts are medkit's own
// wording of upstream's rules. Both calls use role 'judge'; without one the scorer returns null.
import type { ChatMessage, JsonObject, Scorer, SolverContext, TaskState } from '../core/index.js';
import { errorMessage, systemMessage, userMessage } from '../core/index.js';
import { cohenKappa, matthewsCorrelation } from '../stats/agreement.js';

export const STEP_ERROR_TYPES = [
  'Reasoning Err',
  'Image Understanding Err',
  'Clinical Scenario Err',
  'Medical Knowledge Err',
] as const;
export type StepErrorType = (typeof STEP_ERROR_TYPES)[number];
export const MAX_STEPS = 15;

export interface StepVerdict {
  step: number;
  text: string;
  isFactual: boolean;
  isCritical: boolean;
  explanation: string;
  errorTypes: StepErrorType[];
  /** True when the judge gave no (usable) verdict for this step; it then counts as non-factual. */
  missing: boolean;
}

/** What the judge may see (MedThinkVQA gives title, history, findings, discussion, diagnosis and captions). */
export interface StepJudgeCase {
  title?: string;
  clinicalHistory?: string;
  imagingFindings?: string;
  discussion?: string;
  finalDiagnosis: string;
  captions?: string[];
}

export function splitterMessages(
  rationale: string,
  maxSteps = MAX_STEPS,
  context: Partial<StepJudgeCase> = {},
): ChatMessage[] {
  const lines = [
    context.title && `- Title: ${context.title}`,
    context.clinicalHistory && `- Clinical history: ${context.clinicalHistory}`,
    context.imagingFindings && `- Imaging findings: ${context.imagingFindings}`,
  ].filter(Boolean);
  return [
    systemMessage(
      'You edit clinical reasoning. Rewrite a diagnostic explanation as an ordered list of atomic reasoning steps: keep its meaning and evidence, ' +
        'add no facts, one short sentence per step, and keep observations, interpretations and the ruling-out of alternatives in separate steps ' +
        `where you can. At most ${maxSteps} steps. Reply with JSON only: {"steps": ["...", "..."]}`,
    ),
    userMessage(
      (lines.length ? `Case context (only to resolve references; add nothing from it):\n${lines.join('\n')}\n\n` : '') +
        `Explanation:\n<<<\n${rationale.trim()}\n>>>`,
    ),
  ];
}

/** Steps from a splitter reply: JSON {"steps": [...]} or a bare array, else a numbered/bulleted list. The first maxSteps are kept. */
export function parseSplitterReply(text: string, maxSteps = MAX_STEPS): string[] {
  const json = looseJsonFromReply(text);
  let steps: string[] | undefined;
  if (Array.isArray(json)) steps = json.map(String);
  else if (json && typeof json === 'object' && Array.isArray((json as Record<string, unknown>).steps)) {
    steps = ((json as Record<string, unknown>).steps as unknown[]).map((step) =>
      typeof step === 'string'
        ? step
        : step && typeof step === 'object' && 'text' in step
          ? String((step as { text: unknown }).text)
          : JSON.stringify(step),
    );
  }
  if (!steps) {
    steps = text
      .split('\n')
      .map((line) => /^\s*(?:\d+[.)]|[-*•]|step\s*\d+\s*[:.)-])\s*(.+)$/i.exec(line)?.[1]?.trim())
      .filter((line): line is string => Boolean(line));
  }
  const cleaned = steps.map((step) => step.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (cleaned.length === 0)
    throw new StepJudgeParseError('splitter', text, 'no steps found (expected {"steps": [...]} or a numbered list)');
  return cleaned.slice(0, maxSteps);
}

/**
 * The built-in splitter (upstream's fallback): split after . ! ?, at "; " and at line breaks,
 * strip bullets, keep the first maxSteps (the rest is dropped, as upstream does).
 */
export function sentenceSteps(rationale: string, maxSteps = MAX_STEPS): string[] {
  return rationale
    .trim()
    .split(/(?<=[.!?])\s+|;\s+|\n+/)
    .map((part) => part.replace(/\s+/g, ' ').replace(/^[\s\-•]+|[\s\-•]+$/g, ''))
    .filter((part) => part.length > 0)
    .slice(0, maxSteps);
}

export function judgeMessages(item: StepJudgeCase, steps: readonly string[]): ChatMessage[] {
  const captions = item.captions?.length ? item.captions.map((caption) => `- ${caption}`).join('\n') : '(none)';
  return [
    systemMessage(
      'You evaluate reasoning about radiology cases, one step at a time, against the case record. ' +
        'is_factual: true when the step is stated in, follows from, or is medically reasonable given the case; false only when it is clearly wrong, contradicts the case, or has no support. ' +
        'is_critical: true when the step is needed to reach the final diagnosis. explanation: at most 300 characters. ' +
        `error_types (only for a non-factual step): one or more of ${STEP_ERROR_TYPES.map((type) => `"${type}"`).join(', ')}. ` +
        'Reply with JSON only: {"verdicts": [{"is_factual": true, "is_critical": false, "explanation": "...", "error_types": []}, ...]}, one verdict per step, in order.',
    ),
    userMessage(
      `- Title: ${item.title ?? ''}\n- Clinical history: ${item.clinicalHistory ?? ''}\n- Imaging findings: ${item.imagingFindings ?? ''}\n` +
        `- Discussion: ${item.discussion ?? ''}\n- Final diagnosis: ${item.finalDiagnosis}\n- Captions:\n${captions}\n\n` +
        `Steps to judge:\n${steps.map((step, index) => `${index + 1}. ${step}`).join('\n')}`,
    ),
  ];
}

export class StepJudgeParseError extends Error {
  override readonly name = 'StepJudgeParseError';
  constructor(
    readonly stage: 'splitter' | 'judge',
    readonly reply: string,
    problem: string,
  ) {
    super(`${stage} reply could not be parsed: ${problem}; reply began: ${JSON.stringify(reply.slice(0, 120))}`);
  }
}

const asBool = (value: unknown): boolean | undefined =>
  typeof value === 'boolean'
    ? value
    : typeof value === 'string' && /^(true|false|yes|no)$/i.test(value.trim())
      ? /^(true|yes)$/i.test(value.trim())
      : undefined;

function normaliseErrorType(value: unknown): StepErrorType | undefined {
  const text = String(value)
    .toLowerCase()
    .replace(/\berror\b/, 'err');
  return (
    STEP_ERROR_TYPES.find((type) => text.startsWith(type.toLowerCase().split(' ')[0]!) && text.includes('err')) ??
    STEP_ERROR_TYPES.find((type) => text.includes(type.toLowerCase().split(' ')[0]!))
  );
}

/**
 * Verdicts from a judge reply, one per step. Entries are matched by their `step` number (1-based)
 * when they carry one, else by position (upstream's order rule; extra verdicts are dropped); a step
 * with no usable verdict is `missing` and non-factual. Booleans are parsed ("false" is false;
 * upstream's Python bool() would read the string "false" as true).
 * Throws StepJudgeParseError when the reply holds no verdict list at all.
 */
export function parseJudgeReply(text: string, steps: readonly string[]): StepVerdict[] {
  const json = looseJsonFromReply(text);
  const list = Array.isArray(json)
    ? json
    : json && typeof json === 'object'
      ? ((json as Record<string, unknown>).verdicts ?? (json as Record<string, unknown>).steps)
      : undefined;
  if (!Array.isArray(list) || list.length === 0)
    throw new StepJudgeParseError('judge', text, 'no JSON list of step verdicts (expected {"verdicts": [...]})');
  const byStep = new Map<number, Record<string, unknown>>();
  list.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const record = entry as Record<string, unknown>;
    const number = Number(record.step ?? record.step_id ?? record.index ?? index + 1);
    if (Number.isInteger(number) && !byStep.has(number)) byStep.set(number, record);
  });
  return steps.map((stepText, index) => {
    const record = byStep.get(index + 1);
    const isFactual = record ? asBool(record.is_factual) : undefined;
    if (!record || isFactual === undefined) {
      return {
        step: index + 1,
        text: stepText,
        isFactual: false,
        isCritical: asBool(record?.is_critical) ?? false,
        explanation: 'no verdict from the judge (counted as non-factual)',
        errorTypes: [],
        missing: true,
      };
    }
    const rawTypes = Array.isArray(record.error_types)
      ? record.error_types
      : record.error_types
        ? [record.error_types]
        : [];
    const errorTypes = [
      ...new Set(rawTypes.map(normaliseErrorType).filter((type): type is StepErrorType => type !== undefined)),
    ];
    return {
      step: index + 1,
      text: stepText,
      isFactual,
      isCritical: asBool(record.is_critical) ?? false,
      explanation: String(record.explanation ?? '').slice(0, 300),
      errorTypes: isFactual ? [] : errorTypes,
      missing: false,
    };
  });
}

export interface StepSummary {
  steps: number;
  factualRate: number | null;
  criticalRatio: number | null;
  criticalFactualRate: number | null;
  missing: number;
  errorCounts: Record<StepErrorType, number>;
}

export function summariseVerdicts(verdicts: readonly StepVerdict[]): StepSummary {
  const critical = verdicts.filter((verdict) => verdict.isCritical);
  const errorCounts = Object.fromEntries(STEP_ERROR_TYPES.map((type) => [type, 0])) as Record<StepErrorType, number>;
  for (const verdict of verdicts) for (const type of verdict.errorTypes) errorCounts[type]++;
  const rate = (items: readonly StepVerdict[]) =>
    items.length ? items.filter((verdict) => verdict.isFactual).length / items.length : null;
  return {
    steps: verdicts.length,
    factualRate: rate(verdicts),
    criticalRatio: verdicts.length ? critical.length / verdicts.length : null,
    criticalFactualRate: rate(critical),
    missing: verdicts.filter((verdict) => verdict.missing).length,
    errorCounts,
  };
}

export interface StepJudgeOptions {
  /** The rationale to judge (e.g. state.metadata.step3). Empty → null score. */
  rationale(state: TaskState): string;
  /** The case record the judge sees. */
  judgeCase(state: TaskState): StepJudgeCase;
  maxSteps?: number;
  /** 'llm' (role judge, as upstream) or 'sentences' (built-in, no model). */
  splitter?: 'llm' | 'sentences';
}

/** Splits with the judge model (or the sentence splitter), then judges; returns steps and verdicts. */
export async function judgeSteps(
  rationale: string,
  item: StepJudgeCase,
  context: SolverContext,
  options: { maxSteps?: number; splitter?: 'llm' | 'sentences' } = {},
): Promise<{ steps: string[]; verdicts: StepVerdict[]; splitter: string; parseError?: string }> {
  const maxSteps = options.maxSteps ?? MAX_STEPS;
  let steps: string[];
  let splitter: string = options.splitter ?? 'llm';
  if (splitter === 'llm') {
    const reply = await context.generate(
      { messages: splitterMessages(rationale, maxSteps, item), config: { temperature: 0 } },
      { role: 'judge', recordInput: true },
    );
    try {
      steps = parseSplitterReply(reply.text, maxSteps);
    } catch (error) {
      context.record({
        type: 'info',
        message: `step splitter: ${errorMessage(error)}; fell back to the sentence splitter`,
      });
      steps = sentenceSteps(rationale, maxSteps);
      splitter = 'sentences (fallback)';
    }
  } else steps = sentenceSteps(rationale, maxSteps);
  const reply = await context.generate(
    { messages: judgeMessages(item, steps), config: { temperature: 0 } },
    { role: 'judge', recordInput: true },
  );
  try {
    return { steps, verdicts: parseJudgeReply(reply.text, steps), splitter };
  } catch (error) {
    const verdicts = steps.map(
      (text, index): StepVerdict => ({
        step: index + 1,
        text,
        isFactual: false,
        isCritical: false,
        explanation: 'judge reply unparseable (counted as non-factual)',
        errorTypes: [],
        missing: true,
      }),
    );
    return { steps, verdicts, splitter, parseError: errorMessage(error) };
  }
}

/** Scorer `step_judge`: value {factual_rate, critical_factual_rate, critical_ratio, steps, missing}. */
export function stepJudgeScorer(options: StepJudgeOptions): Scorer {
  const maxSteps = options.maxSteps ?? MAX_STEPS;
  return {
    name: 'step_judge',
    params: { maxSteps, splitter: options.splitter ?? 'llm', errorTypes: [...STEP_ERROR_TYPES] },
    async score(state, context) {
      if (!context.hasRole('judge'))
        return {
          value: null,
          explanation: 'no judge model given (--role judge=<provider:model>); step judging skipped',
        };
      const rationale = options.rationale(state).trim();
      if (!rationale) return { value: null, explanation: 'no rationale to judge' };
      const result = await judgeSteps(rationale, options.judgeCase(state), context, {
        maxSteps,
        splitter: options.splitter,
      });
      for (const verdict of result.verdicts) {
        context.record({
          type: 'evidence',
          kind: 'judge',
          title: `step ${verdict.step}`,
          data: {
            dimension: `step ${verdict.step}: ${verdict.text}`,
            rating: verdict.missing ? 'missing' : verdict.isFactual ? 'factual' : 'non-factual',
            rationale: verdict.explanation,
            critical: verdict.isCritical,
            errorTypes: verdict.errorTypes,
          },
        });
      }
      const summary = summariseVerdicts(result.verdicts);
      const metadata: JsonObject = {
        splitter: result.splitter,
        steps: result.steps,
        verdicts: result.verdicts as unknown as JsonObject[],
        errorCounts: summary.errorCounts,
        missing: summary.missing,
      };
      if (result.parseError) metadata.parseError = result.parseError;
      return {
        value: {
          factual_rate: summary.factualRate,
          critical_factual_rate: summary.criticalFactualRate,
          critical_ratio: summary.criticalRatio,
          steps: summary.steps,
        },
        explanation: result.parseError
          ? `judge reply unparseable: ${result.parseError}; all ${summary.steps} steps counted as non-factual`
          : `${summary.steps} steps, ${Math.round((summary.factualRate ?? 0) * summary.steps)} factual, ${summary.missing} without verdict`,
        metadata,
      };
    },
  };
}

/** JSON from a model reply: the whole text, a fenced block, or the outermost {...} / [...]. */
export function looseJsonFromReply(text: string): unknown {
  const candidates = [text.trim(), ...[...text.matchAll(/```(?:json)?\s*([\s\S]*?)```/g)].map((match) => match[1]!)];
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  }
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

export interface StepAgreement {
  steps: number;
  /** Share of steps where judge and human agree on is_factual. */
  factualAgreement: number;
  /** MCC with the human as truth and "factual" as the positive class. */
  mcc: number;
  /** Cohen's kappa on is_factual (NaN when both used one label only). */
  kappa: number;
  criticalRatio: { judge: number; human: number };
  errorCounts: { judge: Record<StepErrorType, number>; human: Record<StepErrorType, number> };
}

/**
 * Judge–human agreement over the same steps (after step3_agreement.py): per case, the judge's and
 * the human's verdict lists must have the same length (a mismatch throws, naming the case).
 */
export function stepAgreement(
  cases: readonly { id: string; judge: readonly StepVerdict[]; human: readonly StepVerdict[] }[],
): StepAgreement {
  const judge: StepVerdict[] = [];
  const human: StepVerdict[] = [];
  for (const item of cases) {
    if (item.judge.length !== item.human.length)
      throw new Error(`case ${item.id}: ${item.judge.length} judge verdicts but ${item.human.length} human verdicts`);
    judge.push(...item.judge);
    human.push(...item.human);
  }
  if (judge.length === 0) throw new Error('stepAgreement: no steps');
  let [tp, tn, fp, fn] = [0, 0, 0, 0];
  judge.forEach((verdict, index) => {
    const truth = human[index]!.isFactual;
    if (verdict.isFactual && truth) tp++;
    else if (!verdict.isFactual && !truth) tn++;
    else if (verdict.isFactual) fp++;
    else fn++;
  });
  const ratio = (list: StepVerdict[]) => list.filter((verdict) => verdict.isCritical).length / list.length;
  return {
    steps: judge.length,
    factualAgreement: (tp + tn) / judge.length,
    mcc: matthewsCorrelation(tp, tn, fp, fn),
    kappa: cohenKappa(
      judge.map((verdict) => String(verdict.isFactual)),
      human.map((verdict) => String(verdict.isFactual)),
    ),
    criticalRatio: { judge: ratio(judge), human: ratio(human) },
    errorCounts: { judge: summariseVerdicts(judge).errorCounts, human: summariseVerdicts(human).errorCounts },
  };
}
