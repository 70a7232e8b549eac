// The seven-category classifier for expert comments on low-scored responses (overall ≤ 2),
// upstream `classify_overall`. Runs on samples from a CounselBench-Eval file that carry expert
// ratings; each comment gets the categories the judge assigns, and the item's value per category
// is the share of its low-score comments in that category.
import { inputText, userMessage, type Scorer } from '../../core/index.js';
import {
  COMMENT_CATEGORIES,
  classifyPrompt,
  parseCategories,
  type CommentCategory,
  type CounselTemplates,
} from './prompts.js';
import type { ExpertRecord } from './ratings.js';

export const LOW_SCORE = 2;

export function lowScoreComments(
  experts: readonly Partial<ExpertRecord>[],
): { rater: string; score: number; comment: string }[] {
  return experts
    .filter(
      (expert) =>
        typeof expert.overall_score === 'number' &&
        expert.overall_score <= LOW_SCORE &&
        typeof expert.overall_reason === 'string' &&
        expert.overall_reason.trim() !== '',
    )
    .map((expert) => ({
      rater: String(expert.rater ?? ''),
      score: expert.overall_score!,
      comment: expert.overall_reason!,
    }));
}

export function counselCommentClassifier({ templates = {} }: { templates?: CounselTemplates } = {}): Scorer {
  const template = templates.classify_overall;
  return {
    name: 'counsel-comment-classes',
    params: {
      categories: [...COMMENT_CATEGORIES],
      lowScore: LOW_SCORE,
      prompt: template?.source ?? 'classify_overall (medkit wording)',
    },
    successRates: false,
    async score(state, context) {
      const comments = lowScoreComments(
        (state.sample.metadata?.expertRatings ?? []) as unknown as Partial<ExpertRecord>[],
      );
      if (comments.length === 0) return { value: null, explanation: `no expert comment with overall ≤ ${LOW_SCORE}` };
      if (!context.hasRole('judge'))
        return { value: null, explanation: 'the comment classifier needs a judge model (--role judge=...)' };
      const counts = new Map<CommentCategory, number>();
      const results: { rater: string; categories: string[]; errors: string[] }[] = [];
      for (const { rater, comment } of comments) {
        const output = await context.generate(
          {
            messages: [
              userMessage(
                template
                  ? template.fill({ user_query: inputText(state.sample), response: state.output.text, comment })
                  : classifyPrompt(inputText(state.sample), state.output.text, comment),
              ),
            ],
            config: { ...context.generateConfig, temperature: 0 },
          },
          { role: 'judge', recordInput: true },
        );
        const parsed = parseCategories(output.text);
        for (const category of parsed.categories) counts.set(category, (counts.get(category) ?? 0) + 1);
        results.push({ rater, categories: parsed.categories, errors: parsed.errors });
        context.record({
          type: 'evidence',
          kind: 'judge',
          title: 'comment category',
          data: { dimension: 'comment category', rating: parsed.categories.join(', '), rationale: comment },
        });
      }
      const value: Record<string, number | null> = {};
      for (const category of COMMENT_CATEGORIES)
        value[category.replace(/\W+/g, '_')] = (counts.get(category) ?? 0) / comments.length;
      return { value, metadata: { comments: results } };
    },
  };
}
