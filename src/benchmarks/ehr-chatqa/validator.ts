// The post-hoc user validator (role `validator`, reference §5): reads the user rules, the
// instruction, the visible conversation and the gold SQL, and blames the user or not. Skipped
// (no_error) when the agent used every step, when an agent message was empty, or when the
// validator call fails 10 times.
import type { SolverContext } from '../../core/index.js';
import type { Episode } from './env.js';
import { validatorPrompt } from './prompts.js';

export interface Validation {
  decision: 'user_error' | 'no_error';
  reason: string;
  brokenRule?: string;
  evidence?: string;
  skipped?: string;
}

export async function validateEpisode(
  context: SolverContext,
  episode: Episode,
  instruction: string,
  goldSql: string,
  maxAttempts = 10,
): Promise<Validation> {
  if (episode.endReason === 'max-steps')
    return { decision: 'no_error', reason: 'skipped', skipped: 'the agent used all its steps' };
  if (episode.emptyAgentMessages > 0)
    return { decision: 'no_error', reason: 'skipped', skipped: 'an agent message was empty' };
  const prompt = validatorPrompt(instruction, episode.turns, goldSql);
  let lastError = '';
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    try {
      const output = await context.generate(
        { messages: [{ role: 'user', content: prompt }], config: { temperature: 0, responseFormat: { type: 'json' } } },
        { role: 'validator', recordInput: attempt === 0 },
      );
      const parsed = parseValidation(output.text);
      if (parsed) return parsed;
      lastError = `not a validation JSON: ${output.text.slice(0, 200)}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return { decision: 'no_error', reason: 'skipped', skipped: `validator failed ${maxAttempts} times: ${lastError}` };
}

export function parseValidation(text: string): Validation | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
    if (value.result !== 'user_error' && value.result !== 'no_error') return undefined;
    return {
      decision: value.result,
      reason: typeof value.explanation === 'string' ? value.explanation : '',
      ...(typeof value.broken_rule === 'string' ? { brokenRule: value.broken_rule } : {}),
      ...(typeof value.evidence === 'string' ? { evidence: value.evidence } : {}),
    };
  } catch {
    return undefined;
  }
}
