// HealthBench meta-evaluation (simple-evals healthbench_meta_eval.py) on a file you supply
// (2025-05-07-06-14-12_oss_meta_eval.jsonl): the grader judges one rubric criterion of a given
// completion, and its label is compared with the physicians' labels of the same criterion.
// Value `criteria_met` (1/0); the physician labels travel in the score metadata (`human`), so
// `medkit judge-agreement <run>` prints balanced F1 (pairwise, as upstream), κ and raw agreement.
import { z } from 'zod';
import {
  assistantMessage,
  readValidatedLines,
  type JsonObject,
  type Sample,
  type Score,
  type Scorer,
  type Solver,
} from '../../core/index.js';
import { gradeCriterion, gradedConversation, type GradeOptions } from '../../scoring/rubric.js';
import { messageSchema, promptMessages } from './loader.js';

export const metaRowSchema = z.looseObject({
  prompt: z.array(messageSchema).min(1),
  completion: z.string(),
  rubric: z.string().min(1),
  binary_labels: z.array(z.boolean()).min(1),
  anonymized_physician_ids: z.array(z.string()).optional(),
  category: z.string().default('(none)'),
  prompt_id: z.string().min(1),
  completion_id: z.string().min(1),
});
export type MetaRow = z.infer<typeof metaRowSchema>;

export function metaSample(row: MetaRow, line: number): Sample {
  return {
    // One completion is graded on several criteria: the file line keeps ids unique.
    id: `${row.completion_id}#${line}`,
    input: promptMessages(row.prompt),
    target: null,
    metadata: {
      completion: row.completion,
      rubric: row.rubric,
      binaryLabels: row.binary_labels,
      physicianIds: row.anonymized_physician_ids ?? row.binary_labels.map((_, index) => `physician${index + 1}`),
      category: row.category,
      theme: row.category,
    },
  };
}

export async function* readMetaEval(
  path: string,
  options: { lenient?: boolean; onError?: (error: Error) => void } = {},
): AsyncGenerator<Sample> {
  yield* readValidatedLines(path, metaRowSchema, (row, at) => metaSample(row, at.line), options);
}

/** The completion under test is the row's. */
export function metaCompletion(): Solver {
  return {
    name: 'healthbench-meta-completion',
    params: {},
    async solve(state) {
      const text = String(state.sample.metadata?.completion ?? '');
      state.messages.push(assistantMessage(text));
      state.output = { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
      return state;
    },
  };
}

export function rubricMetaGrader(options: GradeOptions = {}): Scorer {
  return {
    name: 'rubric-meta',
    params: {
      maxAttempts: options.maxAttempts ?? 5,
      template: options.template === undefined ? 'medkit' : 'custom',
      shows: 'the bare rubric text, as upstream meta-eval',
    },
    async score(state, context): Promise<Score> {
      if (!context.hasRole('grader'))
        return { value: null, explanation: 'the meta-evaluation needs a grader model: --role grader=<provider:model>' };
      const rubric = String(state.sample.metadata?.rubric ?? '');
      const grade = await gradeCriterion(context, gradedConversation(state), rubric, options);
      const labels = (state.sample.metadata?.binaryLabels ?? []) as boolean[];
      const ids = (state.sample.metadata?.physicianIds ?? []) as string[];
      const human = labels.map((label, index) => ({
        rater: ids[index] ?? `physician${index + 1}`,
        values: { criteria_met: label ? 1 : 0 },
      }));
      context.record({
        type: 'evidence',
        kind: 'rubric-item',
        title: rubric,
        data: {
          criterion: rubric,
          points: null,
          met: grade.met,
          explanation: grade.error ?? grade.explanation,
          physicianLabels: labels,
        },
      });
      const metadata: JsonObject = {
        human: human as unknown as JsonObject[],
        category: String(state.sample.metadata?.category ?? ''),
        attempts: grade.attempts,
      };
      if (grade.met === null) return { value: null, explanation: grade.error, metadata };
      return {
        value: {
          criteria_met: grade.met ? 1 : 0,
          percent_physician_pos: labels.length ? labels.filter(Boolean).length / labels.length : null,
        },
        explanation: grade.explanation,
        metadata,
      };
    },
  };
}
