import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateRequest, Model, ModelOutput, TokenLogprob } from '../../src/core/index.js';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';
import {
  compositeVerifier,
  exactEdgeVerifier,
  kgBinding,
  kgarevionSolver,
  llmJudgeVerifier,
  parseQuestionText,
  parseTriplets,
  queryType,
  runKgarevion,
} from '../../src/agents/kgarevion/index.js';

/** A model that answers by looking at the prompt; records every prompt. */
function fakeModel(
  respond: (prompt: string) => string | { text: string; logprobs?: TokenLogprob[] },
): Model & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'fake',
    modelId: 'kg',
    prompts,
    async doGenerate(request: GenerateRequest): Promise<ModelOutput> {
      const last = request.messages.at(-1)!;
      const prompt = typeof last.content === 'string' ? last.content : '';
      prompts.push(prompt);
      const reply = respond(prompt);
      const out = typeof reply === 'string' ? { text: reply } : reply;
      return {
        text: out.text,
        logprobs: out.logprobs,
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1 },
      };
    },
  };
}

const QUESTION =
  'Which drug is indicated for type 2 diabetes mellitus?\nA. Metformin\nB. Levothyroxine\nC. Warfarin\nD. Donepezil';

function mcqResponder(prompt: string): string {
  if (prompt.includes('medical_terminologies')) return '{"medical_terminologies": ["type 2 diabetes mellitus"]}';
  if (prompt.includes('"Revised_Triplets"')) {
    if (prompt.includes('"Levothyroxine"'))
      return '{"Revised_Triplets": [["Levothyroxine", "indication", "hypothyroidism"]]}';
    if (prompt.includes('"Warfarin"'))
      return '{"Revised_Triplets": [["Warfarin", "treats", "flux capacitor syndrome"]]}';
    return '```json\n{"Revised_Triplets": [["Donepezil", "inhibits", "acetylcholinesterase"]]}\n```';
  }
  if (prompt.includes('"Triplets"')) {
    const option = /Candidate answer: (.+)/.exec(prompt)![1]!;
    return `{"Triplets": [("${option}", "indication", "type 2 diabetes mellitus")]}`;
  }
  if (prompt.includes('"Answer"')) return '{"Answer": "A"}';
  return 'unexpected prompt';
}

test('query typing and question parsing', () => {
  assert.equal(queryType(['Yes', 'No']), 'yes_no');
  assert.equal(queryType(['yes', 'no', 'maybe']), 'yes_no_maybe');
  assert.equal(queryType(['Metformin', 'Insulin']), 'mcq');
  const item = parseQuestionText(QUESTION);
  assert.equal(item.question, 'Which drug is indicated for type 2 diabetes mellitus?');
  assert.deepEqual(item.options, ['Metformin', 'Levothyroxine', 'Warfarin', 'Donepezil']);
  assert.deepEqual(parseQuestionText('Is aspirin an NSAID? A. yes B. no').options, ['yes', 'no']);
  const tuples = parseTriplets(`{"Triplets": [("Synthesis of Prostaglandins (PG)", 'interacts with', "PTGS2")]}`);
  assert.ok(tuples.ok);
  assert.deepEqual(tuples.value[0], {
    head: 'Synthesis of Prostaglandins (PG)',
    relation: 'interacts with',
    tail: 'PTGS2',
  });
  assert.equal(parseTriplets('no json here').ok, false);
});

test('Generate -> Review (Revise inside) -> Answer with a full kg-triplet audit trail', async () => {
  const kg = await kgBinding();
  const model = fakeModel(mcqResponder);
  const context = createTestContext({ agent: model });
  const result = await runKgarevion(parseQuestionText(QUESTION), context, kg, exactEdgeVerifier(kg));
  assert.equal(result.queryType, 'mcq');
  assert.equal(result.answer, 'A');
  const kept = result.kept.map((k) => `${k.triplet.head}|${k.verdict.reason}|${k.verdict.pTrue}`);
  assert.deepEqual(kept, [
    'Metformin|exact-edge|1',
    'Levothyroxine|exact-edge|1',
    'Warfarin|unlinkable-keep|0.5',
    'Donepezil|exact-edge|1',
  ]);
  assert.equal(result.rejected.length, 3);
  const trail = context.events.filter((e) => e.type === 'evidence' && e.kind === 'kg-triplet');
  assert.equal(trail.length, 7); // 4 generated + 3 revisions
  const first = trail[0]!;
  assert.ok(first.type === 'evidence');
  const data = first.data as Record<string, any>;
  assert.equal(data.verdict, 'true');
  assert.deepEqual(data.evidence.sources, ['FDA']);
  assert.equal(data.linked.head.name, 'Metformin');
  const revised = trail.find(
    (e) => e.type === 'evidence' && (e.data as any).head === 'Donepezil' && (e.data as any).stage === 'revise',
  )!;
  assert.equal((revised as any).data.linked.tail.name, 'ACHE');
  assert.equal((revised as any).data.linked.relation.name, 'target');
  // The answer prompt lists every option and the kept triplets.
  const answerPrompt = model.prompts.find((p) => p.includes('"Answer"'))!;
  assert.match(answerPrompt, /D\. Donepezil/);
  assert.match(answerPrompt, /\(Levothyroxine, indication, hypothyroidism\)/);
  // The revise prompt carries the history of rejected versions.
  assert.match(
    model.prompts.find((p) => p.includes('"Revised_Triplets"') && p.includes('Warfarin'))!,
    /1\. \["Warfarin", "indication", "type 2 diabetes mellitus"\]/,
  );
});

test('non-JSON output is retried (5 attempts), then recorded as an error and the run goes on', async () => {
  const kg = await kgBinding();
  let termCalls = 0;
  const model = fakeModel((prompt) => {
    if (prompt.includes('medical_terminologies')) return (termCalls++, 'The entities are diabetes and metformin.');
    if (prompt.includes('"Triplets"')) return 'Sorry, I cannot produce JSON.';
    return 'ANSWER IS A';
  });
  const context = createTestContext({ agent: model });
  const result = await runKgarevion(parseQuestionText(QUESTION), context, kg, exactEdgeVerifier(kg), {
    jsonAttempts: 5,
  });
  assert.equal(termCalls, 5);
  assert.equal(result.answer, undefined);
  assert.equal(result.kept.length, 0);
  const errors = result.trace.filter((t) => t.step === 'error').map((t) => String(t.data.error));
  assert.equal(errors.length, 6); // terms + 4 options + answer
  assert.match(errors[0]!, /term extraction: no usable JSON after 5 attempt\(s\)/);
  assert.ok(context.events.some((e) => e.type === 'info' && /kgarevion: answer/.test(e.message)));
});

test('unlinkable policy: keep (p = 0.5), reject (goes to Revise), drop; yes/no makes one triplet call', async () => {
  const kg = await kgBinding();
  const responder = (prompt: string) => {
    if (prompt.includes('medical_terminologies')) return '{"medical_terminologies": []}';
    if (prompt.includes('"Revised_Triplets"')) return '{"Revised_Triplets": [["Aspirin", "target", "PTGS1"]]}';
    if (prompt.includes('"Triplets"')) return '{"Triplets": [["Aspirin", "target", "quantum flux capacitor"]]}';
    return '{"Answer": "yes"}';
  };
  const item = { id: 'q', question: 'Does aspirin inhibit the flux capacitor?', options: ['yes', 'no'] };
  for (const [policy, kept, rejected, reason] of [
    ['keep', 1, 0, 'unlinkable-keep'],
    ['reject', 1, 1, 'unlinkable-reject'],
    ['drop', 0, 0, 'unlinkable-drop'],
  ] as const) {
    const model = fakeModel(responder);
    const context = createTestContext({ agent: model });
    const result = await runKgarevion(item, context, kg, exactEdgeVerifier(kg), { unlinkable: policy });
    assert.equal(result.queryType, 'yes_no');
    assert.equal(model.prompts.filter((p) => p.includes('"Triplets"') && !p.includes('Revised')).length, 1);
    assert.equal(result.kept.length, kept, policy);
    assert.equal(result.rejected.length, rejected, policy);
    assert.equal(result.answer, 'A');
    const firstTrail = context.events.find((e) => e.type === 'evidence')!;
    assert.equal((firstTrail as any).data.reason, reason);
  }
});

test('LLM judge: softmax over True/False log-probabilities; composite falls back from exact edge to the judge', async () => {
  const kg = await kgBinding();
  const judge = fakeModel(() => ({
    text: 'True',
    logprobs: [
      {
        token: 'True',
        logprob: -0.1,
        top: [
          { token: 'True', logprob: -0.1 },
          { token: 'False', logprob: -2.3 },
        ],
      },
    ],
  }));
  const context = createTestContext({ agent: judge });
  const generate = async (prompt: string, o: { maxTokens: number; topLogprobs?: number }) => {
    const out = await context.generate({
      messages: [{ role: 'user', content: prompt }],
      config: { maxTokens: o.maxTokens, topLogprobs: o.topLogprobs },
    });
    return { text: out.text, logprobs: out.logprobs };
  };
  const linker = kg.linker;
  const input = {
    triplet: { head: 'Aspirin', relation: 'indication', tail: 'migraine' },
    head: linker.best('Aspirin')!,
    relation: { relation: 'indication' as const, score: 1, via: 'exact' as const },
    tail: linker.best('migraine')!,
  };
  const verdict = await llmJudgeVerifier(kg).verify(input, { question: 'q', generate });
  assert.equal(verdict.label, true);
  assert.ok(Math.abs(verdict.pTrue - 1 / (1 + Math.exp(-2.2))) < 1e-3);
  assert.match(judge.prompts[0]!, /Aspirin -\[target\]- PTGS1/);
  const composite = await compositeVerifier([exactEdgeVerifier(kg), llmJudgeVerifier(kg)]).verify(input, {
    question: 'q',
    generate,
  });
  assert.equal(composite.label, true);
  assert.equal((composite.evidence.parts as unknown[]).length, 2);
});

test('as a solver on a sample with choices: ANSWER line for the choice scorer, metadata, audit events', async () => {
  const solver = kgarevionSolver({ args: { maxRound: 2 }, seed: 1, cacheDir: '/tmp' });
  const context = createTestContext({ agent: fakeModel(mcqResponder) });
  const sample = {
    id: 's1',
    input: 'Which drug is indicated for type 2 diabetes mellitus?',
    choices: ['Metformin', 'Levothyroxine', 'Warfarin', 'Donepezil'],
    target: 'A',
  };
  const state = await solver.solve(newTaskState(sample, 1), context);
  assert.equal(state.output.text, 'ANSWER: A');
  assert.equal((state.metadata.kgarevion as any).verifier, 'exact-edge');
  assert.ok(context.events.filter((e) => e.type === 'evidence').length >= 4);
  assert.throws(
    () => kgarevionSolver({ args: { verifier: 'psychic' }, seed: 1, cacheDir: '/tmp' }),
    /verifier=psychic/,
  );
});

test('KGE verifier: RotatE trained on the mini-KG with a calibrated threshold scores a known fact above a corrupted one', async () => {
  const { buildVerifier } = await import('../../src/agents/kgarevion/index.js');
  const { trainedScorerFor } = await import('../../src/agents/kgarevion/kge-scorer.js');
  const kg = await kgBinding();
  const scorer = await trainedScorerFor(kg.graph, { seed: 1, epochs: 30 });
  assert.ok(scorer.calibration.accuracy > 0.6, `held-out accuracy ${scorer.calibration.accuracy}`);
  const { verifier } = await buildVerifier('kge', kg, 1);
  assert.equal(verifier.name, 'kge-rotate');
  const linker = kg.linker;
  const make = (head: string, tail: string) => ({
    triplet: { head, relation: 'target', tail },
    head: linker.best(head)!,
    relation: { relation: 'target' as const, score: 1, via: 'exact' as const },
    tail: linker.best(tail)!,
  });
  const known = await verifier.verify(make('Atorvastatin', 'HMGCR'), { question: 'q' });
  const wrong = await verifier.verify(make('Atorvastatin', 'CFTR'), { question: 'q' });
  assert.ok(
    Number(known.evidence.score) > Number(wrong.evidence.score),
    `${known.evidence.score} vs ${wrong.evidence.score}`,
  );
  assert.equal(typeof known.evidence.threshold, 'number');
});

test('a provider error is not swallowed: the run fails (the runner counts the unit as an error)', async () => {
  const { ProviderCallError } = await import('../../src/core/errors.js');
  const kg = await kgBinding();
  const broken: Model = {
    specificationVersion: 'v1',
    provider: 'fake',
    modelId: 'down',
    async doGenerate() {
      throw new ProviderCallError('fake', 503, 'service unavailable');
    },
  };
  const context = createTestContext({ agent: broken });
  await assert.rejects(
    runKgarevion(parseQuestionText(QUESTION), context, kg, exactEdgeVerifier(kg)),
    /fake answered 503/,
  );
  assert.ok(context.events.some((e) => e.type === 'model' && e.error?.includes('503')));
});
