// The EVAL judge as a scorer: the model of role `judge` rates the six dimensions (T = 0, numbers
// only); without a judge model the lexicon baseline rates instead and every output says it is not
// a valid judge. Per-dimension outcomes (ok / unsure / missing / invalid) travel in the score's
// metadata so aggregates can say what they dropped and why.
import {
  inputText,
  userMessage,
  type JsonObject,
  type ModelRole,
  type Scorer,
  type SolverContext,
  type TaskState,
} from '../../core/index.js';
import { judgePrompt, type CounselTemplates } from './prompts.js';
import { parseJudgeRating, outcomeOf, type DimensionOutcome } from './parse.js';
import {
  DIMENSIONS,
  expertRecordScores,
  ratingToScores,
  type DimensionKey,
  type ExpertRecord,
  type RatingValue,
} from './ratings.js';
import { LEXICON_JUDGE_LABEL, lexiconRating } from './lexicon.js';

export interface JudgeResult {
  judge: string;
  validJudge: boolean;
  outcomes: Record<DimensionKey, DimensionOutcome>;
  errors: string[];
  raw: string;
  /** The judge's text per dimension, where it gave one. */
  rawByDimension?: Partial<Record<DimensionKey, string>>;
}

/** Rates one response with the judge model (or the lexicon baseline when the run has none). */
export async function rateResponse(
  question: string,
  response: string,
  context: SolverContext,
  {
    temperature = 0,
    useLexicon,
    role = 'judge',
    templates = {},
  }: { temperature?: number; useLexicon?: boolean; role?: ModelRole; templates?: CounselTemplates } = {},
): Promise<JudgeResult> {
  if (useLexicon ?? !context.hasRole(role)) {
    const rating = lexiconRating(question, response);
    const outcomes = {} as Record<DimensionKey, DimensionOutcome>;
    for (const spec of DIMENSIONS) outcomes[spec.key] = outcomeOf(spec, rating[spec.key]);
    return { judge: 'lexicon-baseline', validJudge: false, outcomes, errors: [], raw: JSON.stringify(rating) };
  }
  const output = await context.generate(
    {
      messages: [
        userMessage(
          templates.single_eval
            ? templates.single_eval.fill({ user_query: question, response })
            : judgePrompt(question, response),
        ),
      ],
      config: { ...context.generateConfig, temperature },
    },
    { role, recordInput: true },
  );
  const parsed = parseJudgeRating(output.text);
  return {
    judge: context.modelName(role) ?? role,
    validJudge: true,
    outcomes: parsed.outcomes,
    errors: parsed.errors,
    raw: output.text,
    rawByDimension: parsed.raw,
  };
}

export function outcomeValue(outcome: DimensionOutcome): RatingValue | undefined {
  return outcome.status === 'ok' ? outcome.value : undefined;
}

/** Score value (numbers per dimension, null where dropped) and metadata from a judge result. */
export function judgeScore(result: JudgeResult): {
  value: Record<string, number | null>;
  metadata: JsonObject;
  explanation: string;
} {
  const values: Partial<Record<DimensionKey, RatingValue>> = {};
  const status: Record<string, string> = {};
  for (const spec of DIMENSIONS) {
    const outcome = result.outcomes[spec.key];
    const value = outcomeValue(outcome);
    if (value !== undefined) values[spec.key] = value;
    status[spec.scoreKey] = outcome.status;
  }
  const summary = DIMENSIONS.map((spec) => {
    const outcome = result.outcomes[spec.key];
    return `${spec.label}: ${outcome.status === 'ok' ? outcome.value : outcome.status === 'unsure' ? 'I am not sure' : `(${outcome.status})`}`;
  }).join('; ');
  const explanation = [
    result.validJudge ? `judge ${result.judge}` : LEXICON_JUDGE_LABEL,
    summary,
    ...result.errors.map((error) => `error: ${error}`),
  ].join('\n');
  return {
    // A baseline rating carries a constant key so every summary table shows it is not a valid judge.
    value: { ...ratingToScores(values), ...(result.validJudge ? {} : { not_a_valid_judge: 1 }) },
    explanation,
    metadata: {
      judge: result.judge,
      validJudge: result.validJudge,
      ...(result.validJudge ? {} : { note: LEXICON_JUDGE_LABEL }),
      status,
      errors: result.errors,
    },
  };
}

/** Puts one `judge` evidence event per dimension into the transcript (the viewer shows them). */
export function recordJudgeEvidence(context: SolverContext, result: JudgeResult): void {
  for (const spec of DIMENSIONS) {
    const outcome = result.outcomes[spec.key];
    const rating = outcome.status === 'ok' ? outcome.value : outcome.status === 'unsure' ? 'I am not sure' : null;
    const rationale =
      outcome.status === 'invalid'
        ? `unreadable: ${outcome.problem} (got "${outcome.raw}")`
        : outcome.status === 'missing'
          ? 'missing from the judge output'
          : result.validJudge
            ? `rated by ${result.judge}: "${result.rawByDimension?.[spec.key] ?? ''}"`
            : LEXICON_JUDGE_LABEL;
    context.record({
      type: 'evidence',
      kind: 'judge',
      title: spec.label,
      data: { dimension: spec.label, rating, rationale, judge: result.judge, validJudge: result.validJudge },
    });
  }
  if (result.errors.length > 0)
    context.record({
      type: 'info',
      message: `judge output errors: ${result.errors.join('; ')}`,
      data: { raw: result.raw },
    });
}

export function counselJudge({
  temperature = 0,
  templates = {},
}: {
  temperature?: number;
  templates?: CounselTemplates;
} = {}): Scorer {
  return {
    name: 'counsel-judge',
    params: {
      temperature,
      prompt: templates.single_eval
        ? `single_eval from ${templates.single_eval.source}`
        : 'single_eval (medkit wording)',
      fallback: 'lexicon baseline when no judge role (not a valid judge)',
    },
    // Ratings and a Yes for medical advice are not successes: no pass@k rows.
    successRates: false,
    async score(state: TaskState, context: SolverContext) {
      const result = await rateResponse(inputText(state.sample), state.output.text, context, {
        temperature,
        templates,
      });
      recordJudgeEvidence(context, result);
      const { value, metadata, explanation } = judgeScore(result);
      // Expert ratings of this response (CounselBench-Eval files) travel with the score, so
      // `medkit judge-agreement <run>` can compare without a separate ratings file.
      const experts = state.sample.metadata?.expertRatings as unknown as Partial<ExpertRecord>[] | undefined;
      if (Array.isArray(experts) && experts.length > 0) {
        metadata.human = experts.map((expert, index) => ({
          rater: String(expert.rater ?? `expert${index + 1}`),
          values: expertRecordScores(expert),
        }));
      }
      return { value, answer: state.output.text, explanation, metadata };
    },
  };
}
