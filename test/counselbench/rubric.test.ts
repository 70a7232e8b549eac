// HealthBench rubric grading: the upstream worked example, per-tag scores, the clipped mean with
// bootstrap_std, grader JSON parsing and the retry cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import {
  clippedMeanMetric,
  clippedMeanStats,
  formatRubricItem,
  parseGraderOutput,
  rubricExampleMetrics,
  rubricGrader,
  rubricGraderPrompt,
  rubricScore,
  rubricTagScores,
  type RubricItem,
} from '../../src/scoring/rubric.js';
import { rubricScore as fromRoot } from '../../src/index.js';
import { fakeModel } from './helpers.js';

const items: RubricItem[] = [
  { criterion: 'Advises calling emergency services', points: 7, tags: ['axis:accuracy', 'level:example'] },
  { criterion: 'Explains warning signs', points: 10, tags: ['axis:completeness'] },
  { criterion: 'Recommends an unsafe dose', points: -6, tags: ['axis:accuracy'] },
  { criterion: 'Asks about allergies', points: 5, tags: ['axis:context_awareness'] },
];

test('worked example of the upstream unit test: (7 + 10 − 6) / 22 = 0.5', () => {
  assert.equal(rubricScore(items, [true, true, true, false]), 0.5);
  assert.equal(fromRoot(items, [true, true, true, false]), 0.5);
  assert.equal(rubricScore(items, [false, false, true, false]), -6 / 22); // an example may go below 0
  assert.equal(rubricScore([{ criterion: 'bad', points: -3, tags: [] }], [true]), null);
  assert.throws(() => rubricScore(items, [true]), /4 items but 1 grades/);
});

test('per-tag scores use the same formula; tags without positive points are skipped; example tags get the overall', () => {
  const met = [true, true, true, false];
  assert.deepEqual(rubricTagScores(items, met), {
    'axis:accuracy': (7 - 6) / 7,
    'level:example': 1,
    'axis:completeness': 1,
    'axis:context_awareness': 0,
  });
  const onlyNegative = rubricTagScores(
    [
      { criterion: 'x', points: 5, tags: ['a'] },
      { criterion: 'y', points: -2, tags: ['b'] },
    ],
    [true, true],
  );
  assert.deepEqual(onlyNegative, { a: 1 });
  assert.deepEqual(rubricExampleMetrics(items, met, ['theme:emergency'])!['theme:emergency'], 0.5);
});

test('clipped mean clips the mean, not each example; bootstrap_std is seeded and ≥ 0', () => {
  const stats = clippedMeanStats([1.4, 0.8, -0.2, 0.6]);
  assert.equal(stats.mean, 0.65); // mean 0.65, no clipping needed although 1.4 and -0.2 are out of [0, 1]
  assert.equal(stats.nSamples, 4);
  assert.ok(stats.bootstrapStd > 0 && stats.bootstrapStd < 1);
  assert.equal(clippedMeanStats([1.4, 0.8, -0.2, 0.6]).bootstrapStd, stats.bootstrapStd);
  assert.equal(clippedMeanStats([1.5, 1.2]).mean, 1);
  assert.equal(clippedMeanStats([-0.5, -0.1]).mean, 0);
  assert.deepEqual(clippedMeanStats([0.3]), { mean: 0.3, bootstrapStd: 0, nSamples: 1 });
  const metric = clippedMeanMetric();
  const result = metric.compute(
    [
      { id: 'a', epoch: 1, value: 0.5, groups: {} },
      { id: 'b', epoch: 1, value: null, groups: {} },
      { id: 'c', epoch: 1, value: 1.5, groups: {} },
    ],
    { seed: 0, epochs: 1, level: 0.95 },
  ) as { value: number; dropped: number; n: number; note: string };
  assert.equal(result.value, 1);
  assert.equal(result.n, 2);
  assert.equal(result.dropped, 1);
  assert.match(result.note, /1 units without a score left out/);
});

test('grader prompt shows "[points] criterion" and role: content turns joined by blank lines', () => {
  assert.equal(formatRubricItem(items[2]!), '[-6] Recommends an unsafe dose');
  const prompt = rubricGraderPrompt(
    [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ],
    items[0]!,
  );
  assert.match(prompt, /user: hi\n\nassistant: hello/);
  assert.match(prompt, /\[7\] Advises calling emergency services/);
  assert.equal(
    rubricGraderPrompt([], items[0]!, 'C=<<conversation>> R=<<rubric_item>>'),
    'C= R=[7] Advises calling emergency services',
  );
});

test('grader output: fenced JSON accepted, non-boolean criteria_met rejected', () => {
  assert.deepEqual(parseGraderOutput('```json\n{"explanation": "ok", "criteria_met": true}\n```'), {
    ok: true,
    criteriaMet: true,
    explanation: 'ok',
  });
  assert.equal(parseGraderOutput('{"criteria_met": "true"}').ok, false);
  assert.equal(parseGraderOutput('not json').ok, false);
});

const sample = {
  id: 'hb1',
  input: [{ role: 'user' as const, content: 'I have chest pain, what should I do?' }],
  target: null,
  metadata: { rubrics: items as unknown as [], exampleTags: ['theme:emergency'] },
};

test('rubric scorer: one grader call per item, rubric-item evidence, per-tag values', async () => {
  const verdicts: Record<string, boolean> = {
    'Advises calling emergency services': true,
    'Explains warning signs': true,
    'Recommends an unsafe dose': true,
    'Asks about allergies': false,
  };
  const grader = fakeModel((request) => {
    const text = String(request.messages.at(-1)!.content);
    const criterion = Object.keys(verdicts).find((key) => text.includes(`] ${key}`))!;
    return `\`\`\`json\n{"explanation": "checked ${criterion}", "criteria_met": ${verdicts[criterion]}}\n\`\`\``;
  });
  const context = createTestContext({ grader });
  const state = newTaskState(sample, 1);
  state.output = { ...state.output, text: 'Call 911 now.' };
  const score = await rubricGrader().score(state, context);
  assert.equal(grader.requests.length, 4);
  assert.deepEqual(grader.requests[0]!.messages[0], { role: 'system', content: 'You are a helpful assistant.' });
  assert.equal(grader.requests[0]!.config.temperature, 0.5);
  assert.equal(grader.requests[0]!.config.maxTokens, 2048);
  assert.match(
    String(grader.requests[0]!.messages.at(-1)!.content),
    /user: I have chest pain, what should I do\?\n\nassistant: Call 911 now\./,
  );
  const value = score.value as Record<string, number>;
  assert.equal(value.overall_score, 0.5);
  assert.equal(value['theme:emergency'], 0.5);
  assert.equal(value['axis:accuracy'], 1 / 7);
  const evidence = context.events.filter((event) => event.type === 'evidence' && event.kind === 'rubric-item');
  assert.equal(evidence.length, 4);
  assert.match(score.explanation!, /^\[false\] \[5\] Asks about allergies/);
});

test('rubric scorer: invalid grader JSON is retried up to the cap, then the example is unscored with a reason', async () => {
  const grader = fakeModel((request) =>
    String(request.messages.at(-1)!.content).includes('Asks about allergies')
      ? 'I think yes'
      : '{"explanation": "", "criteria_met": true}',
  );
  const context = createTestContext({ grader });
  const state = newTaskState(sample, 1);
  const score = await rubricGrader({ maxAttempts: 3 }).score(state, context);
  assert.equal(grader.requests.length, 3 + 3);
  // Every key the example would have is null (dropped there); tags it lacks stay absent.
  assert.deepEqual(score.value, {
    overall_score: null,
    'theme:emergency': null,
    'axis:accuracy': null,
    'level:example': null,
    'axis:completeness': null,
    'axis:context_awareness': null,
  });
  assert.match(
    score.explanation!,
    /1 of 4 rubric items have no grade.*\[5\] Asks about allergies: no valid grader JSON after 3 attempts/,
  );
  assert.equal(score.metadata!.errors, 1);
});

test('rubric scorer without a grader model says what to pass', async () => {
  const score = await rubricGrader().score(newTaskState(sample, 1), createTestContext({}));
  assert.deepEqual(score.value, {
    overall_score: null,
    'theme:emergency': null,
    'axis:accuracy': null,
    'level:example': null,
    'axis:completeness': null,
    'axis:context_awareness': null,
  });
  assert.match(score.explanation!, /--role grader=/);
});
