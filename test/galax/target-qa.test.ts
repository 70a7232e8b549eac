import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTargetQa, targetQaLoader } from '../../src/benchmarks/target-qa-synthetic/loader.js';
import { targetQaSynthetic } from '../../src/benchmarks/target-qa-synthetic/index.js';
import { SampleFormatError, type Sample } from '../../src/core/index.js';
import { tempDir } from './helpers.js';
import { galax } from '../../src/agents/galax/index.js';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';

const item = (overrides: Record<string, unknown> = {}) => ({
  sample_index: 3,
  cell_line_name: 'LINE-A',
  disease: 'lung adenocarcinoma',
  input: {
    top_k_gene: { hgnc_symbols: ['G1', 'G2'], protein_bmgc_ids: ['x', 'y'] },
    top_k_transcript: { hgnc_symbols: ['G3'] },
    top_k_protein: { hgnc_symbols: 'non-existed' },
    knowledge_graph: {
      disease_protein: { hgnc_symbols: ['G1', 'G4'], bmgc_ids: [], indices: [] },
      protein_relationships: ['G1 -> G4', 'G4 -> G2'],
      ppi_neighbors: { indices: [1, 2] },
    },
  },
  ground_truth_answer: { top_bm_gene: { hgnc_symbols: ['G4', 'G9'] } },
  ...overrides,
});

test('a Target-QA file becomes samples with the case, the question and the truth', async () => {
  const dir = tempDir('tqa');
  const file = join(dir, 'tqa.json');
  writeFileSync(file, JSON.stringify({ 'ACH-1': item(), 'ACH-2': item({ cell_line_name: 'LINE-B' }) }, null, 2));
  const samples = [];
  for await (const sample of targetQaLoader.load(file)) samples.push(sample);
  assert.equal(samples.length, 2);
  const [first] = samples;
  assert.equal(first!.id, 'ACH-1');
  assert.deepEqual(first!.target, ['G4', 'G9']);
  const targetCase = first!.metadata!.case as Record<string, unknown>;
  assert.deepEqual(targetCase.topProteins, [], '"non-existed" reads as an empty list');
  assert.equal(targetCase.answerSize, 2);
  assert.match(String(first!.input), /list the 2 genes .* LINE-A cell line \(lung adenocarcinoma\)/);
  assert.match(String(first!.input), /G1 -> G4/);
  // the benchmark uses the file through --arg path=
  const viaBenchmark = (await targetQaSynthetic.dataset({
    args: { path: file, ppi: '/x/ppi.tsv' },
    seed: 0,
    cacheDir: dir,
  })) as Sample[];
  assert.equal(viaBenchmark.length, 2);
  assert.equal(viaBenchmark[0]!.files?.ppi, '/x/ppi.tsv');
});

test('malformed Target-QA files name file, line and field', () => {
  const text = JSON.stringify({ good: item(), bad: item({ disease: 7 }) }, null, 2);
  assert.throws(
    () => parseTargetQa(text, 'tqa.json'),
    (error: unknown) => {
      assert.ok(error instanceof SampleFormatError, 'a SampleFormatError');
      assert.equal(error.file, 'tqa.json');
      assert.equal(error.field, 'bad.disease');
      assert.equal(error.line, text.split('\n').findIndex((line) => line.includes('"bad"')) + 1);
      return true;
    },
  );
  const missingTruth = JSON.stringify({ a: { ...item(), ground_truth_answer: {} } });
  assert.throws(() => parseTargetQa(missingTruth, 'f.json'), /f\.json:1: a\.ground_truth_answer\.top_bm_gene: /);
  assert.throws(() => parseTargetQa('{"a": [1, 2', 'broken.json'), /broken\.json:1:12: json: not valid JSON/);
  assert.throws(
    () => parseTargetQa('[1, 2]', 'list.json'),
    /list\.json:1: \(root\): expected an object keyed by sample id/,
  );
  const emptyTruth = JSON.stringify({ a: item({ ground_truth_answer: { top_bm_gene: { hgnc_symbols: [] } } }) });
  assert.throws(() => parseTargetQa(emptyTruth, 'e.json'), /a\.ground_truth_answer\.top_bm_gene\.hgnc_symbols: empty/);
});

test('lenient mode reports bad samples and keeps the good ones', () => {
  const errors: Error[] = [];
  const samples = parseTargetQa(JSON.stringify({ good: item(), bad: item({ input: {} }) }), 'mixed.json', {
    lenient: true,
    onError: (error) => errors.push(error),
  });
  assert.deepEqual(
    samples.map((sample) => sample.id),
    ['good'],
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /mixed\.json:1: bad\.input\.top_k_gene: /);
});

test('the benchmark stops at a bad sample unless --arg lenient=true, which reports it and goes on', async () => {
  const dir = tempDir('lenient');
  const file = join(dir, 'mixed.json');
  writeFileSync(file, JSON.stringify({ good: item(), bad: item({ disease: '' }) }, null, 2));
  await assert.rejects(
    Promise.resolve(targetQaSynthetic.dataset({ args: { path: file }, seed: 0, cacheDir: dir })),
    /mixed\.json:\d+: bad\.disease: /,
  );
  const reported: string[] = [];
  const samples = (await targetQaSynthetic.dataset({
    args: { path: file, lenient: 'true' },
    seed: 0,
    cacheDir: dir,
    onDataError: (error) => reported.push(error.message),
  })) as Sample[];
  assert.deepEqual(
    samples.map((sample) => sample.id),
    ['good'],
  );
  assert.equal(reported.length, 1);
});

test('GALAX runs graph-only on a Target-QA sample: network from its relations, permutation-proxy classifier', async () => {
  const relations = ['G1 -> G4', 'G4 -> G2', 'G2 -> G3', 'G3 -> G5', 'G5 -> G1', 'G4 -> G6'];
  const text = JSON.stringify({
    s1: item({
      input: {
        ...item().input,
        knowledge_graph: { disease_protein: { hgnc_symbols: ['G1', 'G4'] }, protein_relationships: relations },
      },
    }),
  });
  const [sample] = parseTargetQa(text, 'tqa.json');
  const context = createTestContext({}, 0);
  const state = await galax
    .createSolver({ args: { maxSteps: 4 }, seed: 0, cacheDir: tempDir('tqa-galax') })
    .solve(newTaskState(sample!, 0), context);
  const meta = state.metadata.galax as { ppiSource: string; classifier: { kind: string }; graphGenes: string[] };
  assert.equal(meta.ppiSource, 'case relations');
  assert.equal(meta.classifier.kind, 'permutation-proxy');
  assert.ok(meta.graphGenes.length >= 2, `a subgraph was found (${meta.graphGenes.join(', ')})`);
  assert.ok(
    meta.graphGenes.every((gene) => /^G\d$/.test(gene)),
    'genes come from the file',
  );
});
