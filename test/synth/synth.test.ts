// medkit synth: the embedded default end to end (phantoms → template → rules verifier → filter →
// rebalance → MedSynVQA items read back by the medsynvqa loader), exactly-once resume, recorded
// failures, bad figure lines, the rules verifier's gates, stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMedsyn } from '../../src/benchmarks/medsynvqa/items.js';
import { scoreRubric } from '../../src/scoring/medvlsynther-rubric.js';
import { type Figure, jsonlFigures, phantomFigures } from '../../src/synth/figures.js';
import { GenerationFailure, ITEMS_FILE, runSynth, STAGE_FILE, templateGenerator } from '../../src/synth/pipeline.js';
import { moveAnswer, rebalanceTargets } from '../../src/synth/rebalance.js';
import { rulesVerify } from '../../src/synth/rules-verifier.js';
import { synthStats } from '../../src/synth/stats.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `synth-${name}-`));
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

test('embedded default: rules-only items round-trip through the medsynvqa loader, positions rebalanced', async () => {
  const out = tmp('default');
  const summary = await runSynth({
    out,
    figures: phantomFigures(join(out, 'images'), 12, 3, 96),
    source: 'phantoms',
    subsetSizes: [3, 6, 100],
  });
  assert.equal(summary.figures, 12);
  assert.equal(summary.failed, 0);
  assert.equal(summary.written, summary.accepted);
  assert.ok(summary.written >= 10, `accepted ${summary.written}`);
  assert.ok(summary.nonLlm && summary.notes[0]!.includes('non-LLM'));
  const items = lines(join(out, ITEMS_FILE));
  const counts = Object.values(summary.positionsAfter);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, JSON.stringify(summary.positionsAfter));
  const stage = new Map(lines(join(out, STAGE_FILE)).map((r) => [r.key, r]));
  for (const item of items) {
    const source = stage.get(item.provenance.source_key);
    // the key's text is unchanged; only its letter moved, and the original letter is kept
    assert.equal(item.answer, source.mcq.options[source.mcq.answer]);
    assert.equal(item.provenance.original_answer_label, source.mcq.answer);
    assert.equal(item.options[item.answer_label], item.answer);
    assert.deepEqual(new Set(Object.values(item.options)), new Set(Object.values(source.mcq.options)));
    assert.deepEqual(item.provenance.assumed_passed, ['Clinical Validity', 'Image\u2013Text Consistency']);
    assert.ok(item.provenance.judged_by_rules.includes('Diagnosis Leak'));
    assert.equal(item.provenance.generator, 'template (non-LLM)');
    assert.equal(item.dataset_name, 'medkit-synth-rules-only');
  }
  // nested subsets: 3 ⊂ 6, none of 100 (more than the items)
  assert.deepEqual(Object.keys(summary.subsets ?? {}), ['3', '6']);
  const small = lines(summary.subsets![3]!).map((item) => item.dataset_index);
  const large = lines(summary.subsets![6]!).map((item) => item.dataset_index);
  assert.equal(small.length, 3);
  assert.equal(large.length, 6);
  assert.ok(small.every((i) => large.includes(i)));
  for await (const sample of loadMedsyn(summary.subsets![3]!)) assert.ok(sample.files?.image1); // image paths resolve
  const samples = [];
  for await (const sample of loadMedsyn(join(out, ITEMS_FILE))) samples.push(sample);
  assert.equal(samples.length, items.length);
  assert.equal(samples[0]!.target, items[0].answer_label);
  // and `medkit eval medsynvqa --arg data=<items>` runs on it (its baseline: the first option)
  const { runEval } = await import('../../src/eval.js');
  const run = await runEval({
    benchmark: 'medsynvqa',
    args: { data: join(out, ITEMS_FILE) },
    cache: false,
    cacheDir: out,
  });
  assert.equal(run.status, 'complete');
  assert.equal(run.counts.samples, items.length);
});

test('rebalance: targets are balanced and seeded; moving the key swaps two options', () => {
  const targets = rebalanceTargets(13, 7);
  const counts = ['A', 'B', 'C', 'D', 'E'].map((l) => targets.filter((t) => t === l).length);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
  assert.deepEqual(rebalanceTargets(13, 7), targets);
  assert.notDeepEqual(rebalanceTargets(13, 8), targets);
  const moved = moveAnswer({ A: 'a', B: 'b', C: 'c', D: 'd', E: 'e' }, 'B', 'E');
  assert.deepEqual(moved, { options: { A: 'a', B: 'e', C: 'c', D: 'd', E: 'b' }, answer: 'E' });
});

test('resume after a kill: a partial last line is cut and every figure is processed exactly once', async () => {
  const out = tmp('resume');
  const figures = () => phantomFigures(join(out, 'images'), 8, 1, 64);
  await runSynth({ out, figures: figures(), source: 'phantoms' });
  const stagePath = join(out, STAGE_FILE);
  const full = readFileSync(stagePath);
  // as kill -9 would leave it: three whole lines and 40 bytes of the fourth, no items file
  let cut = 0;
  for (let line = 0; line < 3; line++) cut = full.indexOf(10, cut) + 1;
  truncateSync(stagePath, cut);
  appendFileSync(stagePath, full.subarray(cut, cut + 40));
  rmSync(join(out, ITEMS_FILE));
  const resumed = await runSynth({ out, figures: figures(), source: 'phantoms', resume: true });
  assert.equal(resumed.resumedSkipped, 3);
  const keys = lines(stagePath).map((r) => r.key);
  assert.equal(keys.length, 8);
  assert.equal(new Set(keys).size, 8);
  assert.equal(lines(join(out, ITEMS_FILE)).length, resumed.accepted);
  await assert.rejects(runSynth({ out, figures: figures(), source: 'phantoms' }), /already holds a synth run/);
});

test('generator failures are recorded with the raw text and the run goes on', async () => {
  const out = tmp('fail');
  const template = templateGenerator(0);
  let calls = 0;
  const summary = await runSynth({
    out,
    figures: phantomFigures(join(out, 'images'), 4, 2, 64),
    source: 'phantoms',
    generator: {
      name: 'flaky',
      async generate(figure: Figure) {
        if (calls++ === 1) throw new GenerationFailure('not one JSON object', 'Sure! Here is a question: ...');
        return template.generate(figure);
      },
    },
  });
  assert.equal(summary.failed, 1);
  assert.equal(summary.figures, 4);
  const failed = lines(join(out, STAGE_FILE)).find((r) => r.status === 'failed');
  assert.equal(failed.stage, 'generate');
  assert.equal(failed.raw, 'Sure! Here is a question: ...');
  const stats = await synthStats(out);
  assert.equal(stats.counts.generateFailed, 1);
  assert.equal(stats.counts.written, summary.written);
});

test('rules verifier: forbidden terms, a leaked key phrase and duplicate options fail their gates', () => {
  const figure: Figure = {
    key: 'k',
    images: [],
    caption: 'Chest radiograph showing a nodule.',
    mentions: [],
    truth: { finding: 'nodule', pool: [] },
  };
  const good = {
    question: 'A posteroanterior chest radiograph is shown. Which abnormality is present?',
    options: { A: 'Nodule', B: 'Mass', C: 'Consolidation', D: 'Pneumothorax', E: 'Cardiomegaly' },
    answer: 'A' as const,
  };
  assert.equal(scoreRubric(rulesVerify(figure, good)).verifyScore, 1);
  const forbidden = scoreRubric(
    rulesVerify(figure, { ...good, question: 'Per the caption, which abnormality is present here?' }),
  );
  assert.ok(forbidden.missingEssentials.includes('Vocabulary Constraint'));
  assert.equal(forbidden.penalty, 2);
  const leak = scoreRubric(
    rulesVerify(figure, { ...good, question: 'Where is the nodule on this chest radiograph located?' }),
  );
  assert.deepEqual(leak.missingEssentials, ['Diagnosis Leak']);
  const dup = scoreRubric(rulesVerify(figure, { ...good, options: { ...good.options, B: 'nodule' } }));
  assert.ok(dup.missingEssentials.includes('Single Correct Option'));
  assert.equal(dup.verifyPass, false);
});

test('figure JSONL: a bad line is reported with file:line and the others are read', async () => {
  const dir = tmp('jsonl');
  const file = join(dir, 'figures.jsonl');
  writeFileSync(join(dir, 'a.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')); // PNG magic bytes
  writeFileSync(
    file,
    [
      JSON.stringify({ images: ['a.png'], caption: 'CT of the abdomen.' }),
      JSON.stringify({ images: ['b.png'] }),
      'not json',
      JSON.stringify({ images: ['1', '2', '3', '4', '5', '6', '7'], caption: 'seven' }),
    ].join('\n'),
  );
  const errors: string[] = [];
  const figures = [];
  for await (const figure of jsonlFigures(file, (error) => errors.push(error.message))) figures.push(figure);
  assert.equal(figures.length, 1);
  assert.equal(figures[0]!.images[0], join(dir, 'a.png'));
  assert.equal(errors.length, 3);
  assert.match(errors[0]!, /figures\.jsonl:2.*caption/);
  assert.match(errors[1]!, /figures\.jsonl:3/);
  assert.match(errors[2]!, /figures\.jsonl:4.*images/);
});

test('an unknown preset is a clear error', async () => {
  await assert.rejects(
    runSynth({ out: tmp('preset'), figures: phantomFigures(tmp('img'), 1, 0, 32), source: 'x', preset: 'strict' }),
    /unknown synth preset 'strict'; presets: upstream, mean9670, rules-only/,
  );
});

test('Hugging Face-style output: hf/data.jsonl with image files under hf/images, paths relative to hf/', async () => {
  const out = tmp('hf');
  const summary = await runSynth({ out, figures: phantomFigures(join(out, 'images'), 6, 1, 64), source: 'phantoms' });
  const rows = lines(join(out, 'hf', 'data.jsonl'));
  const items = lines(join(out, ITEMS_FILE));
  assert.equal(rows.length, summary.written);
  assert.ok(rows.length > 0);
  rows.forEach((row, i) => {
    assert.deepEqual(row.images, [`images/${String(i).padStart(6, '0')}-1.png`]);
    assert.deepEqual(readFileSync(join(out, 'hf', row.images[0])), readFileSync(join(out, items[i].images[0])));
    const { images: _a, ...rest } = row;
    const { images: _b, ...same } = items[i];
    assert.deepEqual(rest, same); // the same released fields and provenance as medsynvqa.jsonl
    assert.equal(typeof row.options, 'object');
  });
});
