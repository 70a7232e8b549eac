import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractGeneSymbols, geneSetMetrics, geneSetScorer, precisionAtK } from '../../src/scoring/gene-set.js';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';

test('gene-set metrics follow GALAX calculate_metrics on a hand-worked case', () => {
  // pred 5 genes, 3 in truth; truth 4 genes
  const m = geneSetMetrics(['KRAS', 'egfr', 'MYC', 'TP53', 'XYZ1'], ['KRAS', 'EGFR', 'TP53', 'BRAF']);
  assert.equal(m.overlap, 3);
  assert.equal(m.precision, 3 / 5);
  assert.equal(m.recall, 3 / 4);
  assert.ok(Math.abs(m.f1 - (2 * 0.6 * 0.75) / 1.35) < 1e-12, 'F1 = 2PR/(P+R)');
  assert.equal(m.jaccard, 3 / 6);
  assert.equal(m['precision@5'], 3 / 5);
  assert.equal(m['precision@10'], 3 / 10, 'P@10 divides by 10 even with 5 predictions');
});

test('duplicates count once, order sets P@k, empty inputs give zeros', () => {
  assert.equal(precisionAtK(['A', 'A', 'B', 'C'], new Set(['C']), 2), 0, 'A, B are the first two distinct');
  assert.equal(precisionAtK(['C', 'A'], new Set(['C']), 1), 1);
  const empty = geneSetMetrics([], ['A']);
  assert.deepEqual([empty.precision, empty.recall, empty.f1, empty.jaccard], [0, 0, 0, 0]);
  assert.equal(geneSetMetrics(['A'], []).recall, 0);
});

test('dictionary extraction keeps first-mention order and skips lower-case words by default', () => {
  const dictionary = new Set(['KRAS', 'MET', 'SET', 'HLA-A', 'SYN0001']);
  const text = 'Top targets: KRAS, HLA-A and SYN0001; we met the set of KRAS/MET targets.';
  assert.deepEqual(extractGeneSymbols(text, dictionary), ['KRAS', 'HLA-A', 'SYN0001', 'MET']);
  assert.deepEqual(extractGeneSymbols('kras and Met', dictionary, { caseInsensitive: true }), ['KRAS', 'MET']);
  assert.deepEqual(extractGeneSymbols('I cannot name any genes here.', dictionary), []);
  assert.deepEqual(extractGeneSymbols('C1orf112 and MT-CO1', new Set(['C1ORF112', 'MT-CO1'])), ['C1ORF112', 'MT-CO1']);
});

test('the scorer reads metadata.predictedGenes, and says so when it is missing', async () => {
  const scorer = geneSetScorer();
  const state = newTaskState({ id: 's', input: 'q', target: ['A', 'B'] }, 0);
  const missing = await scorer.score(state, createTestContext());
  assert.equal(missing.value, null);
  assert.match(missing.explanation!, /predictedGenes/);
  state.metadata.predictedGenes = ['B', 'C'];
  const scored = await scorer.score(state, createTestContext());
  assert.deepEqual(scored.value, {
    precision: 0.5,
    recall: 0.5,
    f1: 0.5,
    jaccard: 1 / 3,
    'precision@5': 0.2,
    'precision@10': 0.1,
  });
  state.metadata.graphGenes = ['A', 'B', 'C', 'D'];
  const staged = await geneSetScorer({ stages: { graph: 'graphGenes', step1: 'step1Genes' } }).score(
    state,
    createTestContext(),
  );
  const value = staged.value as Record<string, number>;
  assert.deepEqual([value['graph.precision'], value['graph.recall'], value['graph.f1']], [0.5, 1, 2 / 3]);
  assert.equal('step1.f1' in value, false, 'a stage the solver did not leave is not scored');
});
