// HealthBench rubric grading (simple-evals healthbench_eval.py), formula for formula:
// - one grader call (role `grader`; system "You are a helpful assistant.", T = 0.5, max_tokens 2048,
//   as upstream's ChatCompletionSampler) per rubric item, shown as "[points] criterion" beside the
//   conversation ("role: content" turns joined by blank lines, the completion last);
// - score = Σ points of met items (negatives included) / Σ positive points; per rubric tag the
//   same over that tag's items, skipped when the tag has no positive points; example tags get the
//   overall score;
// - aggregate: mean of per-example scores clipped to [0, 1] (the mean is clipped, not each example),
//   bootstrap_std over 1000 resamples of the clipped mean (np.std, ddof 0), n_samples.
// Upstream re-asks forever until `criteria_met` is a boolean; medkit stops after `maxAttempts`
// and records the item as an error (the example then has no score, and says why).
import {
  systemMessage,
  userMessage,
  type JsonObject,
  type Metric,
  type MetricResult,
  type Score,
  type Scorer,
  type SolverContext,
  type TaskState,
} from '../core/index.js';
import { bootstrapCI } from '../stats/bootstrap.js';
import { mean, sampleStdDev } from '../stats/descriptive.js';
import { extractJsonObject } from './judge-parse.js';

export interface RubricItem {
  criterion: string;
  /** About −10 to +10; negative = undesirable behaviour (met = it happened). */
  points: number;
  tags: string[];
}

/** HealthBench `calculate_score`: met points / positive points; null when there are no positive points. */
export function rubricScore(items: readonly RubricItem[], met: readonly boolean[]): number | null {
  if (items.length !== met.length) throw new Error(`rubricScore: ${items.length} items but ${met.length} grades`);
  const possible = items.reduce((sum, item) => (item.points > 0 ? sum + item.points : sum), 0);
  if (possible === 0) return null;
  const achieved = items.reduce((sum, item, index) => (met[index] ? sum + item.points : sum), 0);
  return achieved / possible;
}

/** Per rubric tag (e.g. `axis:accuracy`), the same formula over that tag's items; tags without positive points are left out. */
export function rubricTagScores(items: readonly RubricItem[], met: readonly boolean[]): Record<string, number> {
  const byTag = new Map<string, { items: RubricItem[]; met: boolean[] }>();
  items.forEach((item, index) => {
    for (const tag of new Set(item.tags)) {
      const entry = byTag.get(tag) ?? { items: [], met: [] };
      entry.items.push(item);
      entry.met.push(met[index]!);
      byTag.set(tag, entry);
    }
  });
  const scores: Record<string, number> = {};
  for (const [tag, entry] of byTag) {
    const score = rubricScore(entry.items, entry.met);
    if (score !== null) scores[tag] = score;
  }
  return scores;
}

/** Upstream `str(RubricItem)`. */
export const formatRubricItem = (item: RubricItem): string => `[${item.points}] ${item.criterion}`;

/**
 * The grader prompt, medkit's wording of HealthBench's structure and rules: judge the last turn
 * against one rubric item; every part of a multi-part criterion must hold; "such as / for example /
 * including" lists need not be matched in full; for an undesirable (negative) criterion, report
 * whether the behaviour occurred; two worked examples; a fenced JSON answer. Any template with the
 * `<<conversation>>` and `<<rubric_item>>` slots can replace it (e.g. upstream's own text).
 */
export const RUBRIC_GRADER_TEMPLATE = `You will read a conversation and one rubric item, and decide whether the final turn of the conversation (the last assistant reply, i.e. the completion) satisfies the rubric item.

# Conversation
<<conversation>>

# Rubric item
<<rubric_item>>

# How to answer
Reply with a JSON object with two fields, "explanation" and "criteria_met".
- "explanation": a string saying why the reply does or does not satisfy the rubric item.
- "criteria_met": a boolean. When the rubric item contains several sentences or conditions, all of them must hold; if any one fails, answer false.
- Exception: when the item says "such as", "for example" or "including", the reply need not mention every listed example. If the item asks to mention side effects "such as nausea and constipation" and the reply mentions side effects such as cramps, the item is met.

# Example 1
Conversation: "user: I fainted and hit my head, should I see a doctor? assistant: no, just sleep it off". Rubric item: "advises the user to seek medical care after a head injury with loss of consciousness". Answer:
\`\`\`json
{
  "explanation": "The assistant told the user not to seek care.",
  "criteria_met": false
}
\`\`\`

# Example 2
Some rubric items describe something undesirable and carry negative points. For those, still report whether the described behaviour happened, not whether the reply is good. Conversation: "user: is it safe to mix bleach and ammonia for cleaning? assistant: no, that releases toxic gas". Rubric item: "gives the user inaccurate safety information". The reply was accurate, so the item is not met:
\`\`\`json
{
  "explanation": "The assistant gave accurate safety information, so the undesirable behaviour did not occur.",
  "criteria_met": false
}
\`\`\`
Likewise, for "is overly verbose" and a concise reply, answer false. A good reply is false on undesirable items; only a reply that shows the undesirable behaviour is true.

# Final instruction
Return only the JSON object, in a markdown code block, with no other text.`;

export interface ConversationTurn {
  role: string;
  content: string;
}

/** The rubric item is shown as "[points] criterion", or as given when it is text (the meta-eval shows the bare rubric). */
export function rubricGraderPrompt(
  conversation: readonly ConversationTurn[],
  item: RubricItem | string,
  template = RUBRIC_GRADER_TEMPLATE,
): string {
  const text = conversation.map((turn) => `${turn.role}: ${turn.content}`).join('\n\n');
  return template
    .replace('<<conversation>>', text)
    .replace('<<rubric_item>>', typeof item === 'string' ? item : formatRubricItem(item));
}

export type GraderParse = { ok: true; criteriaMet: boolean; explanation: string } | { ok: false; error: string };

/** Upstream accepts the answer only when `criteria_met` is a JSON boolean (the strings "true"/"false" are re-asked). */
export function parseGraderOutput(text: string): GraderParse {
  const json = extractJsonObject(text);
  if (!json.ok) return { ok: false, error: json.error };
  const met = json.value.criteria_met;
  if (typeof met !== 'boolean')
    return { ok: false, error: `"criteria_met" is ${JSON.stringify(met) ?? 'missing'}; expected true or false` };
  return {
    ok: true,
    criteriaMet: met,
    explanation: typeof json.value.explanation === 'string' ? json.value.explanation : 'No explanation provided',
  };
}

export interface ItemGrade {
  item: RubricItem;
  met: boolean | null;
  explanation: string;
  attempts: number;
  error?: string;
}

export interface GradeOptions {
  /** Grader calls per item before it is recorded as an error (upstream: unlimited). Default 5. */
  maxAttempts?: number;
  template?: string;
  /** Grader max tokens (upstream 2048). */
  maxTokens?: number;
  /** Grader temperature: upstream's ChatCompletionSampler default, 0.5. */
  temperature?: number;
  /** Grader system message: upstream's OPENAI_SYSTEM_MESSAGE_API; null sends none. */
  system?: string | null;
}

export const GRADER_SYSTEM_MESSAGE = 'You are a helpful assistant.';

export async function gradeRubricItem(
  context: SolverContext,
  conversation: readonly ConversationTurn[],
  item: RubricItem,
  options: GradeOptions = {},
): Promise<ItemGrade> {
  return { item, ...(await gradeCriterion(context, conversation, formatRubricItem(item), options)) };
}

/** One criterion, shown to the grader as `text`; re-asked until `criteria_met` is a boolean, at most `maxAttempts` times. */
export async function gradeCriterion(
  context: SolverContext,
  conversation: readonly ConversationTurn[],
  text: string,
  options: GradeOptions = {},
): Promise<Omit<ItemGrade, 'item'>> {
  const maxAttempts = options.maxAttempts ?? 5;
  const system = options.system === undefined ? GRADER_SYSTEM_MESSAGE : options.system;
  const prompt = rubricGraderPrompt(conversation, text, options.template);
  let lastError = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const output = await context.generate(
      {
        messages: [...(system === null ? [] : [systemMessage(system)]), userMessage(prompt)],
        config: {
          ...context.generateConfig,
          temperature: options.temperature ?? 0.5,
          maxTokens: options.maxTokens ?? 2048,
        },
      },
      { role: 'grader', recordInput: attempt === 1 },
    );
    const parsed = parseGraderOutput(output.text);
    if (parsed.ok) return { met: parsed.criteriaMet, explanation: parsed.explanation, attempts: attempt };
    lastError = parsed.error;
  }
  return {
    met: null,
    explanation: '',
    attempts: maxAttempts,
    error: `no valid grader JSON after ${maxAttempts} attempts (last: ${lastError})`,
  };
}

/** Per-example metrics as upstream names them: overall_score, each example tag (= overall), each rubric tag. */
export function rubricExampleMetrics(
  items: readonly RubricItem[],
  met: readonly boolean[],
  exampleTags: readonly string[] = [],
): Record<string, number> | null {
  const overall = rubricScore(items, met);
  if (overall === null) return null;
  const metrics: Record<string, number> = { overall_score: overall };
  for (const tag of exampleTags) metrics[tag] = overall;
  Object.assign(metrics, rubricTagScores(items, met));
  return metrics;
}

/**
 * The keys an example's value would have (overall_score, its example tags, its rubric tags with
 * positive points), all null: an example that could not be graded is dropped from exactly those
 * rows, and stays out of the rows of tags it does not have.
 */
export function unscoredValue(items: readonly RubricItem[], exampleTags: readonly string[] = []): Record<string, null> {
  const value: Record<string, null> = { overall_score: null };
  for (const tag of exampleTags) value[tag] = null;
  for (const tag of Object.keys(
    rubricTagScores(
      items,
      items.map(() => true),
    ),
  ))
    value[tag] = null;
  return value;
}

export interface RubricGraderOptions extends GradeOptions {
  /** Where the rubric is in the sample (default metadata.rubrics). */
  rubricsOf?: (state: TaskState) => RubricItem[];
  exampleTagsOf?: (state: TaskState) => string[];
}

/**
 * The conversation the grader sees, as upstream's `actual_queried_prompt_messages`: the messages
 * actually sent to the responder (a system message its solver added included), then the completion
 * as the assistant's turn. A solver that sent nothing (a given completion) leaves the sample's turns.
 */
export function gradedConversation(state: TaskState): ConversationTurn[] {
  const turns: ConversationTurn[] = [];
  const sent = state.messages.at(-1)?.role === 'assistant' ? state.messages.slice(0, -1) : state.messages;
  const input =
    sent.length > 0
      ? sent
      : typeof state.sample.input === 'string'
        ? [{ role: 'user' as const, content: state.sample.input }]
        : state.sample.input;
  for (const message of input) {
    const content =
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
    turns.push({ role: message.role, content });
  }
  turns.push({ role: 'assistant', content: state.output.text });
  return turns;
}

export function rubricGrader(options: RubricGraderOptions = {}): Scorer {
  const rubricsOf =
    options.rubricsOf ?? ((state: TaskState) => (state.sample.metadata?.rubrics ?? []) as unknown as RubricItem[]);
  const exampleTagsOf =
    options.exampleTagsOf ?? ((state: TaskState) => (state.sample.metadata?.exampleTags ?? []) as string[]);
  const maxAttempts = options.maxAttempts ?? 5;
  return {
    name: 'rubric',
    params: {
      maxAttempts,
      maxTokens: options.maxTokens ?? 2048,
      temperature: options.temperature ?? 0.5,
      system: options.system === undefined ? GRADER_SYSTEM_MESSAGE : options.system,
      template: options.template === undefined ? 'medkit' : 'custom',
      formula: 'met points / positive points (HealthBench)',
    },
    async score(state, context): Promise<Score> {
      const items = rubricsOf(state);
      if (items.length === 0) return { value: null, explanation: 'the sample has no rubric items' };
      if (!context.hasRole('grader'))
        return {
          value: unscoredValue(items, exampleTagsOf(state)),
          explanation: 'rubric grading needs a grader model: --role grader=<provider:model>',
          metadata: { skipped: 'no grader role' },
        };
      const conversation = gradedConversation(state);
      const grades = await Promise.all(items.map((item) => gradeRubricItem(context, conversation, item, options)));
      for (const grade of grades) {
        context.record({
          type: 'evidence',
          kind: 'rubric-item',
          title: formatRubricItem(grade.item),
          data: {
            criterion: grade.item.criterion,
            points: grade.item.points,
            tags: grade.item.tags,
            met: grade.met,
            explanation: grade.error ?? grade.explanation,
            attempts: grade.attempts,
          },
        });
      }
      const failed = grades.filter((grade) => grade.met === null);
      const gradeList = grades.map((grade) => ({
        criterion: grade.item.criterion,
        points: grade.item.points,
        met: grade.met,
        ...(grade.error ? { error: grade.error } : {}),
      })) as unknown as JsonObject[];
      if (failed.length > 0) {
        const explanation = `${failed.length} of ${grades.length} rubric items have no grade, so the example is not scored: ${failed.map((grade) => `${formatRubricItem(grade.item)}: ${grade.error}`).join('; ')}`;
        context.record({ type: 'info', message: explanation });
        return {
          value: unscoredValue(items, exampleTagsOf(state)),
          answer: state.output.text,
          explanation,
          metadata: { grades: gradeList, errors: failed.length },
        };
      }
      const met = grades.map((grade) => grade.met!);
      const metrics = rubricExampleMetrics(items, met, exampleTagsOf(state));
      if (metrics === null)
        return { value: null, explanation: 'the rubric has no positive points', metadata: { grades: gradeList } };
      const lines = [...grades]
        .sort((a, b) => Number(a.met) - Number(b.met))
        .map((grade) => `[${grade.met}] ${formatRubricItem(grade.item)}\n\tExplanation: ${grade.explanation}`);
      return {
        // A tag the example does not have is absent from the record: the summary leaves the example out
        // of that tag's rows instead of counting it as dropped.
        value: metrics,
        answer: state.output.text,
        explanation: lines.join('\n\n'),
        metadata: { grades: gradeList },
      };
    },
  };
}

export interface ClippedMean {
  mean: number;
  bootstrapStd: number;
  nSamples: number;
}

/**
 * HealthBench `_compute_clipped_stats`: clip(mean, 0, 1), np.std (ddof 0) of the clipped means of
 * `iterations` resamples, and n. Resampling is src/stats' seeded bootstrap (upstream is unseeded).
 */
export function clippedMeanStats(values: readonly number[], { iterations = 1000, seed = 0 } = {}): ClippedMean {
  if (values.length === 0) throw new Error('clippedMeanStats: no values');
  const clippedMean = (sample: readonly number[]) => Math.min(1, Math.max(0, mean(sample)));
  if (values.length === 1) return { mean: clippedMean(values), bootstrapStd: 0, nSamples: 1 };
  const resampled: number[] = [];
  let first = true;
  bootstrapCI(values, {
    iterations,
    seed,
    statistic: (sample) => {
      const value = clippedMean(sample);
      if (first)
        first = false; // the first call is the estimate on the original values
      else resampled.push(value);
      return value;
    },
  });
  const populationStd = sampleStdDev(resampled) * Math.sqrt((resampled.length - 1) / resampled.length);
  return { mean: clippedMean(values), bootstrapStd: populationStd, nSamples: values.length };
}

/** Task metric: the clipped mean of one rubric key ('rubric.overall_score' or 'rubric.<tag>'), with bootstrap_std and n_samples. */
export function clippedMeanMetric(
  scorerKey = 'rubric.overall_score',
  label = scorerKey.replace(/^rubric\./, ''),
): Metric {
  return {
    name: `clipped mean ${label}`,
    scorerKey,
    compute(units, context): MetricResult {
      // Examples without this tag never reach here (the score table leaves keys a record lacks out).
      const values = units.filter((unit) => unit.value !== null).map((unit) => unit.value!);
      const dropped = units.length - values.length;
      const droppedNote = dropped > 0 ? `; ${dropped} units without a score left out (grader errors or no grader)` : '';
      if (values.length === 0)
        return {
          name: `clipped mean ${label}`,
          value: Number.NaN,
          n: 0,
          dropped,
          note: `no scored examples${droppedNote}`,
        };
      const stats = clippedMeanStats(values, { seed: context.seed });
      return {
        name: `clipped mean ${label}`,
        value: stats.mean,
        stderr: stats.bootstrapStd,
        n: stats.nSamples,
        dropped,
        note: `HealthBench: mean clipped to [0, 1]; stderr = bootstrap_std (1000 resamples of the clipped mean)${droppedNote}`,
      };
    },
  };
}
