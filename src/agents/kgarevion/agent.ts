// KGARevion as upstream's code runs it: Generate -> Review (Revise inside, per rejected triplet)
// -> Answer. Every verdict is recorded as a 'kg-triplet' evidence event (the audit trail).
import { userMessage, type JsonObject, type JsonValue, type ModelRole, type SolverContext } from '../../core/index.js';
import { answerPrompt, revisePrompt, termsPrompt, tripletsPrompt } from './prompts.js';
import { parseAnswer, parseTerms, parseTriplets, queryType } from './parse.js';
import { reviewTriplet, type KgBinding } from './verifiers.js';
import type {
  KgarevionOptions,
  KgarevionResult,
  QaItem,
  ReviewCoverage,
  TraceEntry,
  Triplet,
  TripletVerifier,
  Verdict,
  VerifyContext,
} from './types.js';

export const DEFAULT_OPTIONS: Required<KgarevionOptions> = {
  maxRound: 1,
  revise: true,
  unlinkable: 'keep',
  jsonAttempts: 5,
  maxTokens: { terms: 128, triplets: 256, revise: 256, answer: 30 },
};

type Parser<T> = (text: string) => { ok: true; value: T } | { ok: false; error: string };

export async function runKgarevion(
  item: QaItem,
  context: SolverContext,
  kg: KgBinding,
  verifier: TripletVerifier,
  given: KgarevionOptions = {},
  judgeRole: ModelRole = 'agent',
): Promise<KgarevionResult> {
  const options = { ...DEFAULT_OPTIONS, ...given, maxTokens: { ...DEFAULT_OPTIONS.maxTokens, ...given.maxTokens } };
  const trace: TraceEntry[] = [];
  const note = (step: TraceEntry['step'], data: JsonObject) => {
    trace.push({ step, data });
    if (step === 'error') context.record({ type: 'info', message: `kgarevion: ${String(data.error)}`, data });
  };

  /** One JSON-producing call, retried up to jsonAttempts times; undefined after the last failure (recorded). */
  async function ask<T>(what: string, prompt: string, maxTokens: number, parse: Parser<T>): Promise<T | undefined> {
    const errors: string[] = [];
    for (let attempt = 0; attempt < options.jsonAttempts; attempt++) {
      const config = {
        ...context.generateConfig,
        maxTokens,
        ...(attempt > 0 ? { temperature: 0.7, seed: context.seed + attempt } : {}),
      };
      // A provider error (already retried by the runner's middleware) propagates: the unit is an error, not a wrong answer.
      const text = (await context.generate({ messages: [userMessage(prompt)], config }, { recordInput: true })).text;
      const parsed = parse(text);
      if (parsed.ok) return parsed.value;
      errors.push(parsed.error);
    }
    note('error', { error: `${what}: no usable JSON after ${errors.length} attempt(s)`, attempts: errors });
    return undefined;
  }

  const verifyContext: VerifyContext = {
    question: item.question,
    async generate(prompt, { maxTokens, topLogprobs }) {
      const output = await context.generate(
        {
          messages: [userMessage(prompt)],
          config: { ...context.generateConfig, maxTokens, temperature: 0, ...(topLogprobs ? { topLogprobs } : {}) },
        },
        { role: judgeRole, recordInput: true },
      );
      return { text: output.text, logprobs: output.logprobs };
    },
  };

  const coverage: ReviewCoverage = {
    reviewed: 0,
    linked: 0,
    headLinked: 0,
    tailLinked: 0,
    relationLinked: 0,
    verified: 0,
    acceptedUnchecked: 0,
    rejectedUnchecked: 0,
    dropped: 0,
  };
  const count = (verdict: Verdict | undefined, linked: { head: boolean; relation: boolean; tail: boolean }) => {
    coverage.reviewed++;
    if (linked.head) coverage.headLinked++;
    if (linked.tail) coverage.tailLinked++;
    if (linked.relation) coverage.relationLinked++;
    if (linked.head && linked.tail && linked.relation) coverage.linked++;
    if (!verdict) coverage.dropped++;
    else if (verdict.reason === 'unlinkable-keep') coverage.acceptedUnchecked++;
    else if (verdict.reason === 'unlinkable-reject') coverage.rejectedUnchecked++;
    else coverage.verified++;
  };

  const record = (
    triplet: Triplet,
    verdict: Verdict | undefined,
    stage: 'generate' | 'revise',
    extra: JsonObject = {},
    linked = { head: false, relation: false, tail: false },
  ) => {
    count(
      verdict,
      verdict
        ? { head: !!verdict.linked.head, relation: !!verdict.linked.relation, tail: !!verdict.linked.tail }
        : linked,
    );
    const data: JsonObject = {
      head: triplet.head,
      relation: triplet.relation,
      tail: triplet.tail,
      stage,
      verdict: verdict ? (verdict.label ? 'true' : 'false') : 'dropped',
      pTrue: verdict?.pTrue ?? null,
      reason: verdict?.reason ?? 'unlinkable-drop',
      linked: verdict
        ? ({
            head: verdict.linked.head
              ? {
                  name: verdict.linked.head.name,
                  type: verdict.linked.head.type,
                  score: verdict.linked.head.score,
                  on: verdict.linked.head.matchedOn,
                }
              : null,
            relation: verdict.linked.relation
              ? { name: verdict.linked.relation.relation, score: verdict.linked.relation.score }
              : null,
            tail: verdict.linked.tail
              ? {
                  name: verdict.linked.tail.name,
                  type: verdict.linked.tail.type,
                  score: verdict.linked.tail.score,
                  on: verdict.linked.tail.matchedOn,
                }
              : null,
          } as JsonValue)
        : null,
      evidence: verdict?.evidence ?? {},
      ...extra,
    };
    context.record({
      type: 'evidence',
      kind: 'kg-triplet',
      title: `${triplet.head} | ${triplet.relation} | ${triplet.tail}`,
      data,
    });
    note('review', data);
  };

  // Generate
  const type = queryType(item.options);
  note('query-type', { type, options: item.options });
  const terms = (await ask('term extraction', termsPrompt(item.question), options.maxTokens.terms, parseTerms)) ?? [];
  note('terms', { terms });
  const generated: { triplet: Triplet; option?: string }[] = [];
  const targets = type === 'mcq' ? item.options : [undefined];
  for (const option of targets) {
    const question = type === 'mcq' ? item.question : `${item.question}\nOptions: ${item.options.join(' / ')}`;
    const triplets = await ask(
      `triplets${option ? ` for '${option}'` : ''}`,
      tripletsPrompt(question, terms, option),
      options.maxTokens.triplets,
      parseTriplets,
    );
    for (const triplet of (triplets ?? []).slice(0, 3)) generated.push({ triplet, option });
    note('generate', { option: option ?? null, triplets: (triplets ?? []).map((t) => [t.head, t.relation, t.tail]) });
  }

  // Review, with Revise inside for each rejected triplet
  const kept: KgarevionResult['kept'] = [];
  const rejected: KgarevionResult['rejected'] = [];
  for (const { triplet, option } of generated) {
    const verdict = await reviewTriplet(kg, verifier, triplet, options.unlinkable, verifyContext);
    record(triplet, verdict, 'generate', { option: option ?? null });
    if (!verdict) continue;
    if (verdict.label) {
      kept.push({ triplet, verdict });
      continue;
    }
    rejected.push({ triplet, verdict });
    if (!options.revise) continue;
    const history: Triplet[] = [triplet];
    for (let round = 1; round <= options.maxRound; round++) {
      const revised = await ask(
        `revise round ${round}`,
        revisePrompt(item.question, history),
        options.maxTokens.revise,
        (text) => parseTriplets(text, 'Revised_Triplets'),
      );
      if (!revised) break;
      const candidate = revised[0]!;
      const revisedVerdict = await reviewTriplet(kg, verifier, candidate, options.unlinkable, verifyContext);
      record(candidate, revisedVerdict, 'revise', {
        round,
        revises: [triplet.head, triplet.relation, triplet.tail],
        option: option ?? null,
      });
      note('revise', {
        round,
        history: history.map((t) => [t.head, t.relation, t.tail]),
        candidate: [candidate.head, candidate.relation, candidate.tail],
      });
      if (revisedVerdict?.label) {
        kept.push({ triplet: candidate, verdict: revisedVerdict });
        break;
      }
      if (revisedVerdict) rejected.push({ triplet: candidate, verdict: revisedVerdict });
      history.push(candidate);
    }
  }

  // Answer: every option is listed (upstream drops E); no answer is recorded, never guessed.
  const answer = await ask(
    'answer',
    answerPrompt(
      item.question,
      item.options,
      kept.map((k) => k.triplet),
    ),
    options.maxTokens.answer,
    (text) => parseAnswer(text, item.options),
  );
  note('answer', { answer: answer ?? null, kept: kept.length, rejected: rejected.length });
  return { queryType: type, answer, kept, rejected, coverage, trace };
}
