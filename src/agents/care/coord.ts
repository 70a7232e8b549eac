// CARE-Coord (multimodal-methods.md §1): a coordinator (role `coordinator`) plans which evidence view the
// answering model uses, reviews the consistency of its reasoning and answer, and may send the case back
// (at most `coord_rounds` times). It reviews reasoning; it never supplies answers. Without a coordinator
// model a labelled rule coordinator plans (zoom if a mask was kept, else global) and reviews (yes/no
// answers whose reasoning reads the other way). Every plan, review and edit is evidence.
import { MedkitError, type SolverContext, type TaskState } from '../../core/index.js';
import { normaliseClosedAnswer } from '../../scoring/closed-answer.js';
import { answerView, finish, gatherEvidence, recordViewAnswer, type CareEvidence, type ViewAnswer } from './flow.js';
import type { CareOptions } from './options.js';
import type { Segmenter } from './segment.js';
import { VIEW_ORDER, type ViewKind } from './views.js';

export const COORDINATOR_PLAN_PROMPT =
  'You coordinate a medical VQA system. Given the question and the segmentation results, choose the evidence view the answering model should use: "zoom" (a crop around the kept mask), "mask" (the mask as a second image) or "global" (the whole image). Reply <answer>{"view": "zoom"}</answer>.';
export const COORDINATOR_REVIEW_PROMPT =
  'You review a medical VQA answer. Do not answer the question yourself. Check whether the reasoning supports the answer. Reply <answer>{"verdict": "accept"}</answer>, or <answer>{"verdict": "revise", "view": "zoom|mask|global", "reason": "..."}</answer> to send the case back with another view.';

const NEGATIVE =
  /\b(normal|no (focal|finding|abnormalit|evidence|nodule|lesion|mass)\w*|not (seen|visible|present)|absent|unremarkable)\b/i;
const POSITIVE =
  /\b(abnormal|focal opacity p=0\.[5-9]|nodule (is )?(seen|present|visible)|lesion (seen|present)|mass (seen|present))/i;

/** The rule reviewer: a yes/no answer is inconsistent when its reasoning reads only the other way. */
export function ruleReview(answer: ViewAnswer): { verdict: 'accept' | 'revise'; reason: string } {
  const reasoning = /<think>([\s\S]*?)<\/think>/i.exec(answer.text)?.[1] ?? '';
  const negative = NEGATIVE.test(reasoning) && !POSITIVE.test(reasoning);
  const positive = POSITIVE.test(reasoning) && !NEGATIVE.test(reasoning);
  if (answer.answer === 'yes' && negative)
    return { verdict: 'revise', reason: 'the reasoning reads negative, the answer is yes' };
  if (answer.answer === 'no' && positive)
    return { verdict: 'revise', reason: 'the reasoning reads positive, the answer is no' };
  return { verdict: 'accept', reason: 'reasoning and answer agree (or the answer is not yes/no)' };
}

const jsonAnswer = (text: string): Record<string, unknown> | null => {
  const inner = /<answer>([\s\S]*?)<\/answer>/i.exec(text)?.[1] ?? text;
  try {
    const value = JSON.parse(inner.trim()) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

async function askCoordinator(
  context: SolverContext,
  system: string,
  user: string,
): Promise<{ text: string; json: Record<string, unknown> | null }> {
  const output = await context.generate(
    {
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
      config: { ...context.generateConfig, temperature: 0 },
    },
    { role: 'coordinator' },
  );
  return { text: output.text, json: jsonAnswer(output.text) };
}

const available = (evidence: CareEvidence): ViewKind[] => evidence.views.map((view) => view.kind);

export async function solveCareCoord(
  state: TaskState,
  context: SolverContext,
  options: CareOptions,
  segmenter: Segmenter,
  cacheDir: string,
): Promise<TaskState> {
  const evidence = await gatherEvidence(state, context, options, segmenter, cacheDir);
  const withModel = context.hasRole('coordinator');
  const views = available(evidence);
  const masks = evidence.segmentations
    .map((s) => `${s.entity}: C = ${s.confidence.toFixed(2)} ${s.kept ? 'kept' : 'dropped'}`)
    .join('; ');
  let plan: ViewKind = views.includes('zoom') ? 'zoom' : 'global';
  let planNote = 'rule coordinator: zoom when a mask was kept, else global';
  if (withModel) {
    const reply = await askCoordinator(
      context,
      COORDINATOR_PLAN_PROMPT,
      `Question: ${evidence.question}\nMasks: ${masks || 'none'}\nViews available: ${views.join(', ')}`,
    );
    const view = reply.json?.view;
    if (typeof view === 'string' && views.includes(view as ViewKind)) {
      plan = view as ViewKind;
      planNote = 'coordinator model';
    } else
      planNote = `the coordinator's plan was not a view of ${views.join(', ')} (${reply.text.slice(0, 80)}); rule plan used`;
  }
  context.record({
    type: 'evidence',
    kind: 'care-coord',
    title: `plan: ${plan} view`,
    data: { step: 'plan', view: plan, note: planNote },
  });
  const answers: ViewAnswer[] = [];
  let current = await answerView(evidence, evidence.views.find((v) => v.kind === plan)!, context);
  recordViewAnswer(context, evidence, current);
  answers.push(current);
  const edits: { round: number; from: string | null; to: string | null; view: ViewKind; reason: string }[] = [];
  for (let round = 1; round <= options.coord_rounds; round++) {
    let verdict: 'accept' | 'revise' = 'accept';
    let reason = '';
    let next: ViewKind | null = null;
    if (withModel) {
      const reply = await askCoordinator(
        context,
        COORDINATOR_REVIEW_PROMPT,
        `Question: ${evidence.question}\nView used: ${current.kind}\nResponse: ${current.text}\nViews available: ${views.join(', ')}`,
      );
      verdict = reply.json?.verdict === 'revise' ? 'revise' : 'accept';
      reason = typeof reply.json?.reason === 'string' ? reply.json.reason : reply.text.slice(0, 200);
      const view = reply.json?.view;
      if (typeof view === 'string' && views.includes(view as ViewKind)) next = view as ViewKind;
    } else ({ verdict, reason } = ruleReview(current));
    next ??= VIEW_ORDER.find((kind) => views.includes(kind) && kind !== current.kind) ?? current.kind;
    context.record({
      type: 'evidence',
      kind: 'care-coord',
      title: `review ${round}: ${verdict}`,
      data: { step: 'review', round, verdict, reason, view: verdict === 'revise' ? next : null },
    });
    if (verdict === 'accept') break;
    const revised = await answerView(evidence, evidence.views.find((v) => v.kind === next)!, context, [
      { role: 'user', content: `A reviewer sent this case back: ${reason}. Look at the evidence again and answer.` },
    ]);
    recordViewAnswer(context, evidence, revised, round);
    answers.push(revised);
    if (revised.answer !== null && revised.answer !== current.answer) {
      edits.push({ round, from: current.answer, to: revised.answer, view: revised.kind, reason });
      context.record({
        type: 'evidence',
        kind: 'care-coord',
        title: `edit: ${current.answer ?? '∅'} → ${revised.answer}`,
        data: { step: 'edit', round, from: current.answer, to: revised.answer, view: revised.kind, reason },
      });
    }
    if (revised.answer !== null) current = revised;
  }
  if (current.answer === null && answers.every((a) => a.answer === null))
    throw new MedkitError(
      `sample ${state.sample.id}: CARE-Coord got no answer; ${current.error ?? current.text.slice(0, 120)}`,
    );
  // Bookkeeping once the answer is final (never shown to a model): the edit's outcome against the target.
  const targets = (Array.isArray(state.sample.target) ? state.sample.target : [state.sample.target]).map((t) =>
    normaliseClosedAnswer(String(t)),
  );
  const initial = answers[0]!.answer;
  const right = (answer: string | null) => answer !== null && targets.includes(answer);
  const outcome =
    initial === current.answer
      ? null
      : `${right(initial) ? 'right' : 'wrong'}→${right(current.answer) ? 'right' : 'wrong'}`;
  const summary = `CARE-Coord (${withModel ? 'coordinator model' : 'rule coordinator'}): plan ${plan}; ${answers.length} answer(s); ${edits.length} edit(s).`;
  return finish(state, evidence, answers, current.answer, summary, {
    coord: {
      plan,
      coordinator: withModel ? 'model' : 'rule',
      initial,
      final: current.answer,
      edits,
      edit_outcome: outcome,
    },
  } as never);
}
