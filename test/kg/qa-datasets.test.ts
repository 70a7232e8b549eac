import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleFormatError } from '../../src/core/errors.js';
import { mirageLoader, readMirage } from '../../src/benchmarks/mirage/loader.js';
import { pubmedqaLoader, readPubmedqa } from '../../src/benchmarks/pubmedqa/loader.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-qa-'));
const MIRAGE = join(import.meta.dirname, '../../../shared/data/mirage/benchmark.json');
const PUBMEDQA = join(import.meta.dirname, '../../../shared/data/pubmedqa');

test('MIRAGE: the real benchmark.json has the five subsets (7,663 items)', {
  skip: existsSync(MIRAGE) ? false : `absent: ${MIRAGE}`,
}, () => {
  const counts: Record<string, number> = {};
  let first;
  for (const sample of readMirage(MIRAGE)) {
    first ??= sample;
    const split = mirageLoader.splitOf!(sample);
    counts[split] = (counts[split] ?? 0) + 1;
  }
  assert.deepEqual(counts, { medqa: 1273, medmcqa: 4183, pubmedqa: 500, bioasq: 618, mmlu: 1089 });
  assert.equal(first!.id, 'medqa/0000');
  assert.equal(first!.choices!.length, 4);
  const pubmed = readMirage(MIRAGE, { subsets: ['pubmedqa'] }).next().value!;
  assert.deepEqual(pubmed.choices, ['yes', 'no', 'maybe']);
});

test('MIRAGE: bad items name file, line and field; lenient mode goes on', () => {
  const file = join(dir, 'mirage.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        medqa: {
          q1: { question: 'Which?', options: { A: 'x', B: 'y' }, answer: 'A' },
          q2: { question: 'Which?', options: { A: 'x', B: 'y' }, answer: 'E' },
          q3: { question: '', options: { A: 'x', B: 'y' }, answer: 'A' },
          q4: { question: 'Which?', options: { A: 'x', C: 'y' }, answer: 'A' },
        },
      },
      null,
      2,
    ),
  );
  assert.throws(
    () => [...readMirage(file)],
    (error: unknown) => {
      assert.ok(error instanceof SampleFormatError);
      assert.equal(error.line, 11);
      assert.match(error.message, /mirage\.json:11: medqa\.q2\.answer: must be one of A, B; found "E"/);
      return true;
    },
  );
  const errors: Error[] = [];
  const samples = [...readMirage(file, { lenient: true, onError: (e) => errors.push(e) })];
  assert.equal(samples.length, 1);
  assert.deepEqual(
    errors.map((e) => (e as SampleFormatError).field),
    ['medqa.q2.answer', 'medqa.q3.question', 'medqa.q4.options'],
  );
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{\n  "medqa": {\n    "q1": { "question": "x", }\n  }\n}');
  assert.throws(() => [...readMirage(broken)], /broken\.json:3:\d+: json: not valid JSON/);
});

test('PubMedQA: the real files give 1,000 items and 500 test labels (276 / 169 / 55)', {
  skip: existsSync(PUBMEDQA) ? false : `absent: ${PUBMEDQA}`,
}, async () => {
  const all = [...readPubmedqa(PUBMEDQA)];
  assert.equal(all.length, 1000);
  const test500 = [...readPubmedqa(PUBMEDQA, { split: 'test' })];
  assert.equal(test500.length, 500);
  const labels = test500.reduce<Record<string, number>>(
    (acc, s) => ({ ...acc, [String(s.metadata!.label)]: (acc[String(s.metadata!.label)] ?? 0) + 1 }),
    {},
  );
  assert.deepEqual(labels, { yes: 276, no: 169, maybe: 55 });
  assert.match(String(test500[0]!.input), /^Context:\n/);
  assert.doesNotMatch(
    String(readPubmedqa(PUBMEDQA, { split: 'test', contexts: false }).next().value!.input),
    /Context/,
  );
  const report = await pubmedqaLoader.describe!(PUBMEDQA);
  assert.match(report, /1000 items/);
  assert.match(report, /500 test labels \(yes 276 \/ no 169 \/ maybe 55\)/);
});

test('PubMedQA: bad label and missing fields name file, line and field', () => {
  const folder = join(dir, 'pqa');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'ori_pqal.json'),
    JSON.stringify(
      {
        '1': { QUESTION: 'Does it?', CONTEXTS: ['c'], final_decision: 'yes' },
        '2': { QUESTION: 'Does it?', CONTEXTS: 'c', final_decision: 'no' },
        '3': { QUESTION: 'Does it?', CONTEXTS: ['c'], final_decision: 'perhaps' },
      },
      null,
      1,
    ),
  );
  writeFileSync(join(folder, 'test_ground_truth.json'), JSON.stringify({ '1': 'yes' }));
  assert.throws(() => [...readPubmedqa(folder)], /ori_pqal\.json:\d+: 2\.CONTEXTS: expected a list of strings/);
  const errors: string[] = [];
  const samples = [...readPubmedqa(folder, { lenient: true, onError: (e) => errors.push(e.message) })];
  assert.deepEqual(
    samples.map((s) => [s.id, s.target, s.metadata!.split]),
    [['1', 'A', 'test']],
  );
  assert.match(errors[1]!, /3\.final_decision: must be yes, no or maybe; found "perhaps"/);
});
