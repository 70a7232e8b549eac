// HealthBench loader and benchmark: rows become conversations with rubrics, bad rows name
// file:line:field, metrics exist for every tag of the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Sample } from '../../src/core/index.js';
import { healthbenchLoader } from '../../src/benchmarks/healthbench/loader.js';
import { healthbench } from '../../src/benchmarks/healthbench/index.js';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import { fakeModel } from './helpers.js';

const row = {
  prompt: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'Is a fever of 38.5 C dangerous for an adult?' },
  ],
  rubrics: [
    { criterion: 'Explains when to seek care', points: 6, tags: ['axis:completeness'] },
    { criterion: 'Says all fevers are emergencies', points: -5, tags: ['axis:accuracy'] },
  ],
  example_tags: ['theme:hedging'],
  prompt_id: 'p1',
  ideal_completions_data: {
    ideal_completion: 'Usually not; seek care if it lasts over 3 days.',
    ideal_completions_group: 'Group 1',
  },
};

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hb-')), name);
  writeFileSync(file, text);
  return file;
}

async function collect(iterable: AsyncIterable<Sample>): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

test('loader: rows become conversations with rubrics, tags and the ideal completion', async () => {
  const file = tempFile(
    'hb.jsonl',
    `${JSON.stringify(row)}\n\n${JSON.stringify({ ...row, prompt_id: 'p2', ideal_completions_data: null })}\n`,
  );
  const samples = await collect(healthbenchLoader.load(file));
  assert.equal(samples.length, 2);
  assert.equal(samples[0]!.id, 'p1');
  assert.deepEqual(samples[0]!.input, row.prompt);
  assert.equal(samples[0]!.metadata!.theme, 'hedging');
  assert.equal(samples[0]!.metadata!.idealCompletion, row.ideal_completions_data.ideal_completion);
  assert.equal((samples[0]!.metadata!.rubrics as unknown[]).length, 2);
});

test('loader: a bad row names file, line and field; lenient mode reports and goes on', async () => {
  const file = tempFile(
    'bad.jsonl',
    `${JSON.stringify(row)}\n${JSON.stringify({ ...row, prompt_id: 'p3', rubrics: [{ criterion: 'x', points: 'ten', tags: [] }] })}\n`,
  );
  await assert.rejects(collect(healthbenchLoader.load(file)), /bad\.jsonl:2: rubrics\.0\.points: /);
  const errors: Error[] = [];
  const samples = await collect(
    healthbenchLoader.load(file, { lenient: true, onError: (error) => errors.push(error) }),
  );
  assert.equal(samples.length, 1);
  assert.equal(errors.length, 1);
});

test('benchmark: metrics for overall and every tag; ideal-completion solver; graded end to end', async () => {
  const file = tempFile('hb.jsonl', `${JSON.stringify(row)}\n`);
  const options = { args: { path: file }, seed: 0, cacheDir: tmpdir() };
  const names = healthbench.metrics!(options).map((metric) => metric.name);
  assert.deepEqual(names, [
    'clipped mean overall_score',
    'clipped mean axis:accuracy',
    'clipped mean axis:completeness',
    'clipped mean theme:hedging',
  ]);
  const [sample] = await collect(healthbench.dataset(options) as AsyncIterable<Sample>);
  const grader = fakeModel(
    (request) => `{"explanation": "x", "criteria_met": ${String(request.messages.at(-1)!.content).includes('[6]')}}`,
  );
  const context = createTestContext({ grader });
  const state = await healthbench.solvers.ideal!(options).solve(newTaskState(sample!, 1), context);
  const score = await healthbench.scorers(options)[0]!.score(state, context);
  // axis:accuracy has only a negative item, so it has no score (upstream skips it too).
  assert.deepEqual(score.value, { overall_score: 1, 'theme:hedging': 1, 'axis:completeness': 1 });
});

test('benchmark: demo conversations without a path; baseline says it is not a model', async () => {
  const options = { args: {}, seed: 0, cacheDir: tmpdir() };
  const samples = healthbench.dataset(options) as Sample[];
  assert.equal(samples.length, 2);
  const state = await healthbench.solvers.baseline(options).solve(newTaskState(samples[0]!, 1), createTestContext({}));
  assert.match(String(state.metadata.baseline), /not a model/);
});

test('a run: an example without a tag is not dropped for that tag; an ungraded example is; no empty "rubric" row', async () => {
  const { runEval } = await import('../../src/eval.js');
  const rows = [
    {
      ...row,
      rubrics: [
        ...row.rubrics,
        { criterion: 'Gives the normal temperature range', points: 4, tags: ['axis:accuracy'] },
      ],
    },
    {
      ...row,
      prompt_id: 'p2',
      rubrics: [{ criterion: 'Explains when to seek care', points: 6, tags: ['axis:completeness'] }],
    },
    { ...row, prompt_id: 'p3', rubrics: [{ criterion: 'UNGRADABLE', points: 3, tags: ['axis:completeness'] }] },
  ];
  const file = tempFile('hb.jsonl', `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const grader = fakeModel((request) =>
    String(request.messages.at(-1)!.content).includes('UNGRADABLE')
      ? 'no JSON here'
      : '{"explanation": "x", "criteria_met": true}',
  );
  const summary = await runEval({
    benchmark: 'healthbench',
    solver: 'ideal',
    models: { grader },
    args: { path: file, maxAttempts: 1 },
    cache: false,
    progress: 'none',
  });
  const task = (name: string) => summary.taskMetrics.find((result) => result.name === name)!;
  // axis:accuracy belongs to p1 only (p2 and p3 have no such item): 1 example, nothing dropped.
  assert.equal(task('clipped mean axis:accuracy').n, 1);
  assert.equal(task('clipped mean axis:accuracy').dropped, 0);
  assert.equal(summary.metrics['rubric.axis:accuracy']![0]!.n, 1);
  assert.equal(summary.metrics['rubric.axis:accuracy']![0]!.dropped ?? 0, 0);
  // p3's grade failed: it is dropped from every key it would have had (here overall and its tags).
  assert.equal(task('clipped mean overall_score').n, 2);
  assert.equal(task('clipped mean overall_score').dropped, 1);
  assert.equal(task('clipped mean axis:completeness').dropped, 1);
  assert.equal('rubric' in summary.metrics, false, Object.keys(summary.metrics).join(', '));
});

test('the grader sees the messages actually sent, a sampler system message included (as upstream)', async () => {
  const file = tempFile('hb.jsonl', `${JSON.stringify(row)}\n`);
  const options = { args: { path: file, system: 'You are a helpful assistant.' }, seed: 0, cacheDir: tmpdir() };
  const [sample] = await collect(healthbench.dataset(options) as AsyncIterable<Sample>);
  const agent = fakeModel(['A fever of 38.5 C is usually not dangerous.']);
  const grader = fakeModel(() => '{"explanation": "x", "criteria_met": false}');
  const context = createTestContext({ agent, grader });
  const state = await healthbench.solvers.default(options).solve(newTaskState(sample!, 1), context);
  assert.equal(agent.requests[0]!.messages[0]!.content, 'You are a helpful assistant.');
  await healthbench.scorers(options)[0]!.score(state, context);
  const prompt = String(grader.requests[0]!.messages.at(-1)!.content);
  assert.match(
    prompt,
    /system: You are a helpful assistant\.\n\nsystem: be brief\n\nuser: Is a fever of 38\.5 C dangerous for an adult\?\n\nassistant: A fever of 38\.5 C is usually not dangerous\./,
  );
});
