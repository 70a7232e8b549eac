// HealthBench-format JSONL a user supplies (simple-evals files such as
// 2025-05-07-06-14-12_oss_eval.jsonl; medkit ships none). One row: prompt (messages), rubrics
// [{criterion, points, tags}], example_tags, prompt_id, ideal_completions_data (nullable).
import { z } from 'zod';
import { type ChatMessage, defineLoader, readValidatedLines, type JsonObject, type Sample } from '../../core/index.js';

/** A HealthBench prompt turn (loader and meta-evaluation files alike). */
export const messageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant', 'developer']),
  content: z.string(),
});

/** A HealthBench prompt as chat messages: 'developer' turns are sent as system turns. */
export function promptMessages(prompt: z.infer<typeof messageSchema>[]): ChatMessage[] {
  return prompt.map((message) =>
    message.role === 'system' || message.role === 'developer'
      ? { role: 'system' as const, content: message.content }
      : message.role === 'user'
        ? { role: 'user' as const, content: message.content }
        : { role: 'assistant' as const, content: message.content },
  );
}
const rubricSchema = z.object({
  criterion: z.string().min(1),
  points: z.number().finite(),
  tags: z.array(z.string()).default([]),
});

export const healthbenchRowSchema = z.looseObject({
  prompt: z.array(messageSchema).min(1),
  rubrics: z.array(rubricSchema).min(1),
  example_tags: z.array(z.string()).default([]),
  prompt_id: z.string().min(1),
  ideal_completions_data: z
    .looseObject({
      ideal_completion: z.string().optional(),
      ideal_completions_group: z.string().optional(),
      ideal_completions_ref_completions: z.array(z.string()).optional(),
    })
    .nullable()
    .optional(),
});
export type HealthBenchRow = z.infer<typeof healthbenchRowSchema>;

export function healthbenchSample(row: HealthBenchRow): Sample {
  const metadata: JsonObject = {
    rubrics: row.rubrics as unknown as JsonObject[],
    exampleTags: row.example_tags,
    theme: row.example_tags.find((tag) => tag.startsWith('theme:'))?.slice('theme:'.length) ?? '(none)',
  };
  if (row.ideal_completions_data?.ideal_completion)
    metadata.idealCompletion = row.ideal_completions_data.ideal_completion;
  if (row.ideal_completions_data?.ideal_completions_group)
    metadata.idealCompletionsGroup = row.ideal_completions_data.ideal_completions_group;
  return {
    id: row.prompt_id,
    input: promptMessages(row.prompt),
    target: null,
    metadata,
  };
}

export async function* readHealthBench(
  path: string,
  options: { lenient?: boolean; onError?: (error: Error) => void } = {},
): AsyncGenerator<Sample> {
  yield* readValidatedLines(path, healthbenchRowSchema, (row) => healthbenchSample(row), options);
}

export const healthbenchLoader = defineLoader({
  name: 'healthbench',
  description:
    'HealthBench JSONL (prompt, rubrics[{criterion, points, tags}], example_tags, prompt_id, ideal_completions_data)',
  load: (path, options) => readHealthBench(path, options),
  splitOf: (sample) => String(sample.metadata?.theme ?? '(none)'),
});
