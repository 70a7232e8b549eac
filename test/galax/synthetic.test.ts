import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateLines, generateWorld } from '../../src/benchmarks/target-qa-synthetic/generator.js';
import { omicsRanking, targetQaSynthetic } from '../../src/benchmarks/target-qa-synthetic/index.js';
import { caseOfSample, parseOmicsProfiles } from '../../src/agents/galax/case.js';
import { buildPpi, parsePpiTsv } from '../../src/agents/galax/ppi.js';
import type { Sample } from '../../src/core/index.js';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';
import { smallArgs, tempDir } from './helpers.js';

test('the synthetic world is seeded and plants connected modules and essential genes', () => {
  const world = generateWorld(5, { genes: 150, modules: 4, diseases: 2 });
  assert.deepEqual(generateWorld(5, { genes: 150, modules: 4, diseases: 2 }), world, 'same seed, same world');
  assert.notDeepEqual(generateWorld(6, { genes: 150, modules: 4, diseases: 2 }).ppi, world.ppi);
  const ppi = buildPpi(world.ppi);
  for (const module of world.modules) {
    // every module is connected inside itself
    const reached = new Set([module[0]!]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const gene of module) {
        if (reached.has(gene)) continue;
        if ([...reached].some((other) => ppi.isEdge(ppi.index(gene), ppi.index(other)))) {
          reached.add(gene);
          grew = true;
        }
      }
    }
    assert.equal(reached.size, module.length);
  }
  const lines = generateLines(world, 'test', 3);
  for (const line of lines) {
    assert.equal(line.label, 1);
    assert.equal(line.truth.length, world.options.answerSize);
    const active = new Set(line.activeModules.flatMap((m) => world.modules[m]!));
    const planted = line.truth.filter((gene) => active.has(gene) || world.common.includes(gene)).length;
    assert.ok(planted >= line.truth.length * 0.7, `most truth genes are planted (${planted}/${line.truth.length})`);
  }
  assert.throws(() => generateWorld(1, { genes: 50 }), /need more than 50 genes/);
  const reference = generateLines(world, 'reference', 4);
  assert.deepEqual(
    reference.map((line) => line.label),
    [1, 0, 1, 0],
  );
  assert.ok(
    reference.filter((line) => line.label === 0).every((line) => line.activeModules.length === 0),
    'normal lines activate no module',
  );
});

test('the dataset writes the PPI and reference profiles; the baseline ranks omics without an LLM', async () => {
  const cacheDir = tempDir('synthetic');
  const options = { args: smallArgs, seed: 0, cacheDir };
  const samples = (await targetQaSynthetic.dataset(options)) as Sample[];
  assert.equal(samples.length, 2);
  const sample = samples[0]!;
  const targetCase = caseOfSample(sample);
  assert.equal(targetCase.answerSize, 12);
  assert.equal(targetCase.topGenes.length, 10);
  assert.ok(
    parsePpiTsv(readFileSync(sample.files!.ppi!, 'utf8'), 'ppi.tsv').length > 120,
    'the PPI file holds the network',
  );
  const profiles = parseOmicsProfiles(readFileSync(sample.files!.reference!, 'utf8'), 'reference.jsonl');
  assert.equal(profiles.length, 12);
  assert.deepEqual(new Set(profiles.map((profile) => profile.label)), new Set([0, 1]));
  const state = await targetQaSynthetic.solvers.baseline(options).solve(newTaskState(sample, 0), createTestContext());
  assert.deepEqual(state.metadata.predictedGenes, omicsRanking(targetCase as never));
  assert.equal((state.metadata.predictedGenes as string[]).length, 12);
  const [score] = await Promise.all(
    targetQaSynthetic.scorers(options).map((scorer) => scorer.score(state, createTestContext())),
  );
  assert.equal(typeof (score!.value as Record<string, number>).f1, 'number');
});

test('malformed omics profiles name file, line and field', () => {
  const good = { id: 'a', cellLine: 'L', disease: 'D', label: 1, omics: { expression: { KRAS: 2.5 } } };
  assert.equal(parseOmicsProfiles(JSON.stringify(good), 'one.json').length, 1);
  const lines = [JSON.stringify(good), JSON.stringify({ ...good, omics: { expression: { KRAS: 'high' } } })].join('\n');
  assert.throws(() => parseOmicsProfiles(lines, 'p.jsonl'), /p\.jsonl:2: omics\.expression\.KRAS: /);
  assert.throws(
    () => parseOmicsProfiles(JSON.stringify({ ...good, omics: {} }), 'e.json'),
    /e\.json:1: omics: needs at least one of cnv, expression, protein/,
  );
  assert.throws(() => parseOmicsProfiles(JSON.stringify({ ...good, label: 2 }), 'l.json'), /l\.json:1: label: /);
  assert.throws(
    () => parseOmicsProfiles(`${JSON.stringify(good)}\n{oops`, 'x.jsonl'),
    /x\.jsonl:2: \(whole line\): is not JSON/,
  );
  assert.throws(() => parseOmicsProfiles('', 'empty.jsonl'), /empty\.jsonl:1: \(file\): empty file/);
  assert.throws(
    () => caseOfSample({ id: 's1', input: 'q', target: [], metadata: { case: { cellLine: 'x' } } }),
    /sample s1:0: metadata\.case\.disease: /,
  );
});
