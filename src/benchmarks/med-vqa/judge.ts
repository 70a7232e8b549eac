// Scoring of medical VQA answers. Closed: normalised exact match (src/scoring/closed-answer.ts). Open: the
// `judge` role with a replaceable prompt (CARE reports open answers judged by GPT-4o; its prompt is
// unconfirmed, so medkit's default is below and `--arg judge_prompt=<file>` replaces it); without a judge,
// token recall ≥ threshold (MultiMedEval's "open accuracy"), a labelled fallback. Closed and open accuracy
// are task metrics of their own, as the CARE and MedVR papers report them apart.
import type { Metric, MetricResult, Scorer } from '../../core/index.js';
import { closedAnswerScorer, parseClosedAnswer } from '../../scoring/closed-answer.js';
import { extractJsonObject } from '../../scoring/judge-parse.js';
import { parseTemplate, readTemplate, type PromptTemplate } from '../../scoring/prompt-template.js';
import { collectBySample, meanOfSamples } from '../../stats/metrics.js';

/** Fields a judge prompt may use (Python str.format syntax); answer and reference are required. */
export const OPEN_JUDGE_FIELDS = { allowed: ['question', 'reference', 'answer'], required: ['reference', 'answer'] };

export const OPEN_JUDGE_PROMPT = `You grade an answer to a question about a medical image. You do not see the image.
Question: {question}
Reference answer: {reference}
Model answer: {answer}

The model answer is correct when it states the same finding, structure or value as the reference answer (synonyms,
abbreviations and extra correct detail are fine; a different or contradicting answer is not).
Reply with one JSON object: {{"correct": true or false, "reason": "one sentence"}}`;

/** The default prompt, or the user's file (checked when read: unknown fields and missing ones are errors). */
export function openJudgeTemplate(file?: string): PromptTemplate {
  return file ? readTemplate(file, OPEN_JUDGE_FIELDS) : parseTemplate(OPEN_JUDGE_PROMPT, 'built-in', OPEN_JUDGE_FIELDS);
}

const tokens = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Share of the reference's tokens found in the answer (MultiMedEval's open recall). */
export function tokenRecall(answer: string, reference: string): number {
  const given = new Set(tokens(answer));
  const wanted = tokens(reference);
  return wanted.length === 0 ? 0 : wanted.filter((t) => given.has(t)).length / wanted.length;
}

/** The judge's verdict: JSON `{"correct": bool}` (or "yes"/"no", "correct"/"incorrect"), else null. */
export function parseOpenVerdict(text: string): { correct: boolean; reason: string } | null {
  const json = extractJsonObject(text);
  if (json.ok) {
    const value = json.value.correct ?? json.value.Correct;
    const reason = typeof json.value.reason === 'string' ? json.value.reason : '';
    if (typeof value === 'boolean') return { correct: value, reason };
    if (typeof value === 'string' && /^(true|yes|correct)$/i.test(value.trim())) return { correct: true, reason };
    if (typeof value === 'string' && /^(false|no|incorrect)$/i.test(value.trim())) return { correct: false, reason };
  }
  const word = /\b(incorrect|correct)\b/i.exec(text)?.[1]?.toLowerCase();
  return word ? { correct: word === 'correct', reason: text.trim().slice(0, 200) } : null;
}

export const RULE_JUDGE = 'judge';
export const RULE_RECALL = 'token-recall fallback';

/** Closed: normalised exact match. Open: the judge (when `judge` has a model), else token recall ≥ threshold. */
export function vqaScorer(threshold: number, template: PromptTemplate = openJudgeTemplate()): Scorer {
  const closed = closedAnswerScorer();
  return {
    name: 'vqa_accuracy',
    params: {
      closed: 'normalised exact match of the parsed answer; choices by letter or text',
      open: `role judge (prompt: ${template.source}); without one, token recall ≥ ${threshold} (labelled fallback)`,
    },
    async score(state, context) {
      if (state.sample.metadata?.answer_type !== 'open') return closed.score(state, context);
      const { answer } = parseClosedAnswer(state.output.text);
      const reference = String(state.sample.target);
      const recall = tokenRecall(answer, reference);
      const fallback = (why: string) => ({
        value: recall >= threshold ? 1 : 0,
        answer,
        explanation: `open answer, ${why}: token recall ${recall.toFixed(2)} vs ≥ ${threshold} (fallback rule)`,
        metadata: { recall, rule: RULE_RECALL },
      });
      if (!context.hasRole('judge')) return fallback('no judge');
      const input = state.sample.input as string | { role: string; content: unknown }[];
      const question = (typeof input === 'string' ? [{ role: 'user', content: input }] : input)
        .flatMap((message) =>
          typeof message.content === 'string'
            ? [message.content]
            : Array.isArray(message.content)
              ? (message.content as { type: string; text?: string }[]).map((part) => part.text ?? '')
              : [],
        )
        .join('\n')
        .trim();
      const reply = await context.generate(
        {
          messages: [{ role: 'user', content: template.fill({ question, reference, answer }) }],
          config: { temperature: 0 },
        },
        { role: 'judge', recordInput: true },
      );
      const verdict = parseOpenVerdict(reply.text);
      if (!verdict) return fallback(`judge reply unparseable (${reply.text.trim().slice(0, 80) || 'empty'})`);
      context.record({
        type: 'evidence',
        kind: 'judge',
        title: `open answer: ${verdict.correct ? 'correct' : 'incorrect'}`,
        data: {
          dimension: 'open answer',
          rating: verdict.correct ? 'correct' : 'incorrect',
          rationale: verdict.reason,
        },
      });
      return {
        value: verdict.correct ? 1 : 0,
        answer,
        explanation: `open answer judged ${verdict.correct ? 'correct' : 'incorrect'}: ${verdict.reason}`,
        metadata: { recall, rule: RULE_JUDGE },
      };
    },
  };
}

/**
 * `closed_accuracy` and `open_accuracy`: the mean of vqa_accuracy over the samples of each answer type (with
 * its bootstrap CI), and for open answers how many the judge scored and how many fell back to token recall.
 */
export function closedOpenAccuracy(threshold: number): Metric {
  return {
    name: 'closed_open_accuracy',
    scorerKey: 'vqa_accuracy',
    compute(units, context): MetricResult[] {
      return (['closed', 'open'] as const).map((type) => {
        const members = units.filter((unit) => unit.groups.answer_type === type);
        const result: MetricResult =
          members.length === 0
            ? { name: `${type}_accuracy`, value: Number.NaN, n: 0, note: `no ${type}-ended questions` }
            : { ...meanOfSamples(collectBySample(members), context), name: `${type}_accuracy` };
        if (type === 'open' && members.length > 0) {
          const fallback = members.filter((unit) => unit.metadata?.rule === RULE_RECALL).length;
          const judged = members.filter((unit) => unit.metadata?.rule === RULE_JUDGE).length;
          result.note = [result.note, `${judged} judged, ${fallback} by token recall ≥ ${threshold} (fallback)`]
            .filter(Boolean)
            .join('; ');
          if (fallback > 0)
            result.runNote = `open_accuracy: ${fallback} of ${members.length} open answers were scored by token recall ≥ ${threshold}, the no-judge fallback, not by a judge`;
        }
        return result;
      });
    },
  };
}
