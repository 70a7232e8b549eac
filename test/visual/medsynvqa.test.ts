// MedSynVQA: upstream extraction rules case by case, grading, the rubric score's worked examples
// (imaging-benchmarks.md §4), the loader's bad input, and the phantom set through the solvers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPrompt,
  extractAnswer,
  gradeAnswer,
  INSTRUCTION_PROMPT,
  predictedLetter,
} from '../../src/benchmarks/medsynvqa/extract.js';
import { acceptItem, ESSENTIAL_TITLES, scoreRubric, type RubricItem } from '../../src/benchmarks/medsynvqa/rubric.js';
import { loadMedsyn } from '../../src/benchmarks/medsynvqa/items.js';
import { syntheticDataset } from '../../src/benchmarks/medsynvqa/synthetic.js';
import {
  firstOptionBaseline,
  macroOverBenchmarks,
  medsynScorer,
  medsynvqa,
} from '../../src/benchmarks/medsynvqa/index.js';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import type { Sample } from '../../src/core/index.js';
import { fixedReplies } from './support.js';

test('extraction: each upstream rule in order, then tag removal', () => {
  const cases: [string, string, string][] = [
    ['<think>x</think><answer>B</answer> then <answer>\n\n C. Lymphoma \n more</answer>', 'C. Lymphoma', 'answer-tag'],
    ['My answer: B\nFinal Answer: d. text  \nbye', 'd. text', 'answer:'],
    ['answer: A, no wait answer: B', 'A, no wait answer: B', 'answer:'], // one match per line (upstream finditer)
    ['I think the answer is: E', 'E', 'answer is:'],
    ['so the answer is C.', 'C.', 'answer is'],
    ['The diagnosis: sarcoidosis', 'sarcoidosis', 'is:'], // "diagnosIS:" (no word boundary, as upstream)
    ['  B  ', 'B', 'whole-text'],
    ['<think>long</think> B', 'long B', 'whole-text'],
  ];
  for (const [text, prediction, rule] of cases) assert.deepEqual(extractAnswer(text), { prediction, rule }, text);
});

test('grading: "<label>. <text>", the label, or the text, case-insensitive; loose substring on request', () => {
  assert.equal(gradeAnswer('c. lymphoma', 'Lymphoma', 'C'), true);
  assert.equal(gradeAnswer(' c ', 'Lymphoma', 'C'), true);
  assert.equal(gradeAnswer('LYMPHOMA', 'Lymphoma', 'C'), true);
  assert.equal(gradeAnswer('C) Lymphoma', 'Lymphoma', 'C'), false);
  assert.equal(gradeAnswer('it is lymphoma', 'Lymphoma', 'C'), false);
  assert.equal(gradeAnswer('it is lymphoma', 'Lymphoma', 'C', true), true);
  assert.equal(predictedLetter('lymphoma', { A: 'TB', C: 'Lymphoma' }), 'C');
  assert.equal(predictedLetter('no idea', { A: 'TB' }), 'no idea');
});

test('prompt: upstream instruction (literal backslash-n) and blank-line separated options', () => {
  assert.ok(INSTRUCTION_PROMPT.includes('answer.\\nWrite'));
  assert.equal(
    buildPrompt('Q?', { A: 'x', B: 'y' }),
    `${INSTRUCTION_PROMPT}\n\nQuestion: Q?\n\nOptions:\n\nA. x\n\nB. y`,
  );
});

const item = (title: string, category: string, weight: number, score: number): RubricItem => ({
  title,
  category,
  weight,
  score,
});
const essentials = () => ESSENTIAL_TITLES.map((title) => item(title, 'Essential', 5, 5));

test('rubric score: the worked examples of the reference, acceptance at 0.9670 with require_pass', () => {
  const listed = [
    ...essentials(),
    item('Plausible Distractors', 'Important', 4, 4),
    item('Parallel Options', 'Important', 3, 0),
    item('JSON Schema Compliance', 'Important', 3, 3),
    item('Stem Concision', 'Optional', 2, 2),
  ];
  const asListed = scoreRubric({ rubric: listed });
  assert.equal(asListed.positiveWeight, 47);
  assert.equal(asListed.final, 44);
  assert.equal(Number(asListed.verifyScore!.toFixed(4)), 0.9362);
  assert.equal(acceptItem(asListed), false);
  const full = scoreRubric({
    rubric: listed.map((it) => (it.title === 'Parallel Options' ? { ...it, score: 3 } : it)),
  });
  assert.equal(full.verifyScore, 1);
  assert.equal(acceptItem(full), true);
  const drift = scoreRubric({
    rubric: [
      ...listed.map((it) => (it.title === 'Parallel Options' ? { ...it, score: 3 } : it)),
      item('Synonym Drift', 'Pitfall', -1, -1),
    ],
  });
  assert.equal(Number(drift.verifyScore!.toFixed(4)), 0.9787);
  assert.equal(acceptItem(drift), true);
  const concise = scoreRubric({
    rubric: listed.map((it) =>
      it.title === 'Parallel Options' ? { ...it, score: 3 } : it.title === 'Stem Concision' ? { ...it, score: 0 } : it,
    ),
  });
  assert.equal(Number(concise.verifyScore!.toFixed(4)), 0.9574);
  assert.equal(acceptItem(concise), false);
  const essentialMissed = scoreRubric({ rubric: listed.map((it, index) => (index === 0 ? { ...it, score: 0 } : it)) });
  assert.equal(essentialMissed.verifyPass, false);
  assert.ok(essentialMissed.verifyScore! <= 0.894);
  assert.equal(acceptItem(essentialMissed, 0.5, true), false); // fails require_pass even at a low threshold
  assert.equal(acceptItem(essentialMissed, 0.5, false), true);
  // Title matching is case-insensitive; the EN DASH matters; strings parse as int; junk counts 0.
  const cased = scoreRubric({
    rubric: essentials().map((it) => ({ ...it, title: String(it.title).toUpperCase(), weight: '5', score: '5' })),
  });
  assert.equal(cased.verifyPass, true);
  const hyphen = scoreRubric({
    rubric: essentials().map((it) => ({ ...it, title: String(it.title).replace('\u2013', '-') })),
  });
  assert.deepEqual(hyphen.missingEssentials, ['Image\u2013Text Consistency']);
  assert.equal(scoreRubric({ rubric: [item('X', 'Important', 3, 'lots' as unknown as number)] }).verifyScore, 0);
  assert.deepEqual(
    [scoreRubric({ error: 'insufficient_evidence' }).verifyScore, scoreRubric({}).verifyPass],
    [null, false],
  );
});

test('loader: options as a JSON string, bad options, unknown answer label, missing image file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medsyn-'));
  writeFileSync(join(dir, 'a.png'), 'not really a png, only its existence is checked here');
  const file = join(dir, 'eval.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({
        images: ['a.png'],
        question: 'Q1',
        options: '{"A": "x", "B": "y"}',
        answer_label: 'B',
        answer: 'y',
        dataset_name: 'SLAKE',
        dataset_index: 3,
      }),
      JSON.stringify({ images: ['a.png'], question: 'Q2', options: '{"A": "x"', answer_label: 'A', answer: 'x' }),
      JSON.stringify({
        images: ['a.png'],
        question: 'Q3',
        options: { A: 'x', B: 'y' },
        answer_label: 'E',
        answer: 'x',
      }),
      JSON.stringify({
        images: ['gone.png'],
        question: 'Q4',
        options: { A: 'x', B: 'y' },
        answer_label: 'A',
        answer: 'x',
      }),
    ].join('\n'),
  );
  const errors: string[] = [];
  const samples: Sample[] = [];
  for await (const sample of loadMedsyn(file, { lenient: true, onError: (error) => errors.push(error.message) }))
    samples.push(sample);
  assert.equal(samples.length, 1);
  assert.equal(samples[0]!.id, 'SLAKE-3');
  assert.deepEqual(samples[0]!.choices, ['x', 'y']);
  assert.match(errors[0]!, /eval\.jsonl:2: options: options is a string but not the JSON/);
  assert.match(errors[1]!, /eval\.jsonl:3: answer_label: names an option that does not exist/);
  assert.match(errors[2]!, /eval\.jsonl:4: images\[0\]: image file not found: .*gone\.png/);
});

test('phantom set: baseline scores chance, the default solver sends the image and the upstream prompt', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'medsyn-cache-'));
  const samples: Sample[] = [];
  for await (const sample of syntheticDataset(cache, 3, 4)) samples.push(sample);
  assert.equal(samples.length, 4);
  const scorer = medsynScorer();
  const context = createTestContext({});
  let correct = 0;
  for (const sample of samples) {
    const state = await firstOptionBaseline().solve(newTaskState(sample, 1), context);
    correct += (await scorer.score(state, context)).value as number;
    assert.equal(correct <= 4, true);
  }
  const model = fixedReplies((request) => {
    const text = (request.messages[0]!.content as { type: string; text?: string }[]).find(
      (part) => part.type === 'text',
    )!.text!;
    return `<think>reading</think><answer>${/Options:\n\n([A-E])\./.exec(text)![1]}</answer>`;
  });
  const agent = createTestContext({ agent: model });
  const solver = medsynvqa.solvers.default({ args: {}, seed: 0, cacheDir: cache });
  const state = await solver.solve(newTaskState(samples[0]!, 1), agent);
  const parts = model.requests[0]!.messages[0]!.content as { type: string; source?: { kind: string; path: string } }[];
  assert.equal(parts[0]!.type, 'image');
  assert.match(parts[0]!.source!.path, /images\/chest-000\.png$/);
  const score = await scorer.score(state, agent);
  assert.equal(score.answer, 'A');
  assert.equal(score.value, samples[0]!.target === 'A' ? 1 : 0);
  const macro = macroOverBenchmarks().compute(
    [
      { id: 'a', epoch: 1, value: 1, groups: { dataset_name: 'X' } },
      { id: 'a', epoch: 2, value: 0, groups: { dataset_name: 'X' } },
      { id: 'b', epoch: 1, value: 1, groups: { dataset_name: 'Y' } },
    ],
    { seed: 0, epochs: 2, level: 0.95 },
  );
  assert.equal((macro as { value: number }).value, 0.75); // (0.5 + 1) / 2
});

test('rubric filter file: annotates, keeps at 0.9670 with require_pass, reports bad lines', async () => {
  const { filterRubricFile } = await import('../../src/benchmarks/medsynvqa/rubric-command.js');
  const dir = mkdtempSync(join(tmpdir(), 'medsyn-rubric-'));
  const full = [...essentials(), item('Parallel Options', 'Important', 3, 3)];
  const missed = [...essentials(), item('Parallel Options', 'Important', 3, 0)];
  writeFileSync(
    join(dir, 'verified.jsonl'),
    [
      JSON.stringify({ id: 1, rubric: full }),
      JSON.stringify({ id: 2, rubric_verification: { rubric: missed } }),
      JSON.stringify({ id: 3, rubric_verification: { error: 'insufficient_evidence' } }),
      'oops',
    ].join('\n'),
  );
  const out = join(dir, 'kept.jsonl');
  const result = await filterRubricFile(join(dir, 'verified.jsonl'), out);
  assert.deepEqual(
    { read: result.read, kept: result.kept, unscorable: result.unscorable },
    { read: 3, kept: 1, unscorable: 1 },
  );
  assert.match(result.badLines[0]!, /verified\.jsonl:4: \(whole line\): is not JSON/);
  const kept = JSON.parse((await import('node:fs')).readFileSync(out, 'utf8').trim());
  assert.deepEqual([kept.id, kept.verify_pass, kept.verify_score], [1, true, 1]);
  assert.equal((await filterRubricFile(join(dir, 'verified.jsonl'), out, 0.9)).kept, 2); // 35/38 = 0.921
});
