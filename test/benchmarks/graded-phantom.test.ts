// graded-phantom: groups, truth and declared args, with the bad values a user will type.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Sample } from '../../src/core/index.js';
import { gradedPhantom } from '../../src/benchmarks/graded-phantom/index.js';
import { closedAnswerScorer, normaliseClosedAnswer, parseClosedAnswer } from '../../src/scoring/closed-answer.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'graded-'));
const load = async (args: Record<string, string | number>) => [
  ...((await gradedPhantom.dataset({ args, seed: 3, cacheDir })) as Iterable<Sample>),
];

test('one image per size group and question; nodules have boxes of their group size, "none" has none', async () => {
  const samples = await load({ per_group: 2 });
  const groups = samples.map((sample) => sample.metadata!.size_group);
  assert.deepEqual([...new Set(groups)].sort(), ['large', 'medium', 'none', 'small']);
  for (const sample of samples) {
    const box = sample.metadata!.box as number[] | null;
    if (sample.metadata!.size_group === 'none') assert.equal(box, null);
    else assert.ok(box && box[2]! - box[0]! <= Number(sample.metadata!.size_px) + 2, JSON.stringify(box));
  }
  const small = await load({ per_group: 2, group: 'small' });
  assert.ok(small.length > 0 && small.every((sample) => sample.metadata!.size_group === 'small'));
});

test('bad --arg values are one clear sentence naming the key', async () => {
  await assert.rejects(load({ group: 'tiny' }), /--arg group: Invalid option: expected one of "all"\|"none"\|"small"/);
  await assert.rejects(load({ per_group: 0 }), /--arg per_group: Too small/);
  await assert.rejects(load({ per_group: 'many' }), /--arg per_group: Invalid input: expected number/);
});

test('closed answers: tag, ANSWER line or last line, normalised; an option letter maps to its text', async () => {
  assert.deepEqual(parseClosedAnswer('<think>maybe no</think>\n<answer> Yes. </answer>'), {
    answer: 'Yes.',
    rule: 'answer-tag',
  });
  assert.equal(parseClosedAnswer('I think so.\nANSWER: left').answer, 'left');
  assert.equal(parseClosedAnswer('<think>x</think>\nupper').rule, 'last-line');
  assert.equal(normaliseClosedAnswer('  Upper  Zone!! '), 'upper zone');
  const scorer = closedAnswerScorer();
  const state = (text: string, sample: Partial<Sample>) =>
    ({ sample: { id: 's', input: '', target: 'right', ...sample }, output: { text } }) as never;
  assert.equal((await scorer.score(state('<answer>Right.</answer>', {}), {} as never)).value, 1);
  assert.equal((await scorer.score(state('<answer>B</answer>', { choices: ['left', 'right'] }), {} as never)).value, 1);
  assert.equal((await scorer.score(state('<answer>rightish</answer>', {}), {} as never)).value, 0);
});
