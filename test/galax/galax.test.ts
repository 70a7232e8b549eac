import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { galax } from '../../src/agents/galax/index.js';
import { GraphClassifier } from '../../src/agents/galax/classifier.js';
import { GRAPH_DIM } from '../../src/agents/galax/features.js';
import { buildPpi } from '../../src/agents/galax/ppi.js';
import { DEFAULT_REWARD, graphReward } from '../../src/agents/galax/reward.js';
import { searchSubgraph } from '../../src/agents/galax/search.js';
import { reinforceSubgraph } from '../../src/agents/galax/reinforce.js';
import { targetQaSynthetic } from '../../src/benchmarks/target-qa-synthetic/index.js';
import { newTaskState } from '../../src/core/solvers.js';
import type { Sample, TranscriptEvent } from '../../src/core/index.js';
import { createRng } from '../../src/stats/random.js';
import { createTestContext } from '../../src/runner/context.js';
import { smallArgs, tempDir } from './helpers.js';
import { scriptedModel } from '../../src/models/scripted.js';
import { messageText } from '../../src/core/index.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** P(class 1 | G) = sigmoid(mean CNV of G's nodes): feature 0 is the mean-pooled CNV input. */
function meanCnvClassifier(): GraphClassifier {
  const weights = new Float64Array(GRAPH_DIM);
  weights[0] = 1;
  return new GraphClassifier(weights, 0, new Float64Array(GRAPH_DIM), new Float64Array(GRAPH_DIM).fill(1));
}

// PPI: A-B, B-C, C-D, D-E; CNV A=2, B=2, C=0, D=-2, E=3
const ppi = buildPpi([
  ['A', 'B'],
  ['B', 'C'],
  ['C', 'D'],
  ['D', 'E'],
]);
const X = new Float64Array(ppi.size * 3);
for (const [gene, cnv] of [
  ['A', 2],
  ['B', 2],
  ['C', 0],
  ['D', -2],
  ['E', 3],
] as const)
  X[ppi.index(gene) * 3] = cnv;
const [A, B, C, D, E] = ['A', 'B', 'C', 'D', 'E'].map((gene) => ppi.index(gene)) as [
  number,
  number,
  number,
  number,
  number,
];

test('graph reward = (P − 1/C) + λ1·rollout mean + λ2·validity, validity −1 for a non-PPI edge', () => {
  const context = { classifier: meanCnvClassifier(), ppi, X, candidates: [C, D], config: DEFAULT_REWARD };
  const valid = graphReward({ nodes: [A, B], edges: [[A, B]] }, context, createRng(1));
  assert.equal(valid.validity, 0);
  assert.ok(Math.abs(valid.classifier - (sigmoid(2) - 0.5)) < 1e-12, 'classifier term = P − 1/2');
  // each one-step rollout adds C or D to {A, B}: P = sigmoid(4/3) or sigmoid(2/3)
  const low = sigmoid(2 / 3) - 0.5;
  const high = sigmoid(4 / 3) - 0.5;
  assert.ok(valid.rollout >= low - 1e-12 && valid.rollout <= high + 1e-12, `rollout ${valid.rollout}`);
  const draws = (valid.rollout - low) / ((high - low) / 5);
  assert.ok(Math.abs(draws - Math.round(draws)) < 1e-9, 'the rollout term is a mean of 5 one-step rollouts');
  assert.ok(
    Math.abs(valid.total - (valid.classifier + valid.rollout)) < 1e-12,
    'total = classifier + rollout for a valid graph',
  );
  const invalid = graphReward({ nodes: [A, C], edges: [[A, C]] }, context, createRng(1));
  assert.equal(invalid.validity, -1);
  assert.ok(Math.abs(invalid.total - (invalid.classifier + invalid.rollout - 1)) < 1e-12, 'total includes validity −1');
  const weighted = graphReward(
    { nodes: [A, C], edges: [[A, C]] },
    { ...context, config: { ...DEFAULT_REWARD, lambda2: 0.5, lambda1: 0 } },
    createRng(1),
  );
  assert.ok(Math.abs(weighted.total - (weighted.classifier - 0.5)) < 1e-12, 'λ1 = 0, λ2 = 0.5 weigh the terms');
});

test('greedy and beam search add PPI edges toward high-CNV genes, deterministically', () => {
  const classifier = meanCnvClassifier();
  const greedy = searchSubgraph([B], [A, C, D, E], classifier, ppi, X, { policy: 'greedy', maxSteps: 4, seed: 3 });
  assert.deepEqual(
    searchSubgraph([B], [A, C, D, E], classifier, ppi, X, { policy: 'greedy', maxSteps: 4, seed: 3 }),
    greedy,
  );
  assert.ok(greedy.steps.length >= 1, 'at least one step');
  assert.ok(
    greedy.steps.every((step) => step.ppi),
    'every step adds a PPI edge (validity keeps it there)',
  );
  assert.deepEqual(greedy.steps[0]!.edge, ['B', 'A'], 'first step joins the high-CNV neighbour');
  assert.ok(greedy.genes.includes('A') && greedy.genes.includes('B'), 'A and B are selected');
  assert.ok(!greedy.genes.includes('D'), 'the low-CNV gene is not in the selected graph');
  assert.ok(
    greedy.edges.every(([a, b]) => ppi.isEdge(ppi.index(a), ppi.index(b))),
    'completed edges are PPI edges',
  );
  const beam = searchSubgraph([B], [A, C, D, E], classifier, ppi, X, {
    policy: 'beam',
    beamWidth: 3,
    maxSteps: 4,
    seed: 3,
  });
  assert.ok(
    beam.selectedProbability >= greedy.selectedProbability - 1e-12,
    'beam selects at least as probable a graph as greedy',
  );
  const controller = new AbortController();
  controller.abort(new Error('run cancelled'));
  assert.throws(() => searchSubgraph([B], [A, C], classifier, ppi, X, { signal: controller.signal }), /run cancelled/);
  const none = searchSubgraph([], [A], classifier, ppi, X, {});
  assert.equal(none.stopReason, 'no start nodes');
  assert.deepEqual(none.genes, []);
});

test('REINFORCE learns to prefer high-CNV end nodes under the reward, deterministically per seed', () => {
  const classifier = meanCnvClassifier();
  const run = () =>
    reinforceSubgraph([B], [A, C, D, E], classifier, ppi, X, {
      epochs: 5,
      stepsPerEpoch: 20,
      learningRate: 0.05,
      samples: 4,
      maxSteps: 3,
      seed: 9,
    });
  const first = run();
  assert.deepEqual(run(), first, 'same seed, same policy and graph');
  assert.equal(first.policy, 'reinforce');
  assert.equal(first.training.trainingSteps, 100);
  assert.ok(first.training.theta[0]! > 0, `the weight on the end node's CNV grows (${first.training.theta[0]})`);
  assert.ok(first.training.theta[6]! > 0, `the weight on "is a PPI edge" grows (${first.training.theta[6]})`);
  assert.equal(first.steps.length, 3);
  for (const { terms } of first.steps)
    assert.ok(
      Math.abs(terms.total - (terms.classifier + terms.rollout + terms.validity)) < 1e-9,
      'replayed terms add up',
    );
  assert.ok(
    first.edges.every(([a, b]) => ppi.isEdge(ppi.index(a), ppi.index(b))),
    'the completed graph has PPI edges only',
  );
});

const evidence = (events: TranscriptEvent[], kind: string) =>
  events.filter(
    (event): event is Extract<TranscriptEvent, { type: 'evidence' }> =>
      event.type === 'evidence' && event.kind === kind,
  );
const infos = (events: TranscriptEvent[]) =>
  events.filter((event) => event.type === 'info').map((event) => (event as { message: string }).message);

async function smallSample(): Promise<{
  sample: Sample;
  options: { args: typeof smallArgs; seed: number; cacheDir: string };
}> {
  const options = { args: smallArgs, seed: 0, cacheDir: tempDir('agent') };
  const [sample] = (await targetQaSynthetic.dataset(options)) as Sample[];
  return { sample: sample!, options };
}

test('GALAX runs LLM step 1, the search and LLM step 2, with evidence in the transcript', async () => {
  const { sample, options } = await smallSample();
  const truth = sample.target as string[];
  const model = scriptedModel([
    `Likely targets: ${truth.slice(0, 3).join(', ')}, FOO.`,
    `Refined: ${truth.slice(0, 5).join(', ')} and SYN9999.`,
  ]);
  const context = createTestContext({ agent: model }, 0);
  const state = await galax.createSolver(options).solve(newTaskState(sample, 0), context);
  assert.equal(model.calls.length, 2);
  assert.match(messageText(model.calls[1]!.messages.at(-1)!), /Genes in the subgraph: SYN\d{4}/);
  assert.deepEqual(state.metadata.predictedGenes, truth.slice(0, 5), 'step-2 genes; unknown symbols are not extracted');
  const galaxMeta = state.metadata.galax as Record<string, unknown>;
  assert.deepEqual(galaxMeta.step1Genes, truth.slice(0, 3));
  const [subgraph] = evidence(context.events, 'galax-subgraph');
  assert.ok(subgraph, 'a galax-subgraph evidence event');
  const data = subgraph.data as {
    steps: { terms: { classifier: number; rollout: number; validity: number; total: number } }[];
    genes: string[];
  };
  assert.ok(data.steps.length > 0, 'the search took steps');
  for (const { terms } of data.steps)
    assert.ok(
      Math.abs(terms.total - (terms.classifier + terms.rollout + terms.validity)) < 1e-9,
      'recorded terms add up',
    );
  const triplets = evidence(context.events, 'kg-triplet');
  assert.ok(triplets.length > 0, 'kg-triplet evidence for subgraph edges');
  assert.ok(
    triplets.every((event) => (event.data as { relation: string }).relation === 'protein_protein'),
    'triplets are protein_protein',
  );
  assert.equal(state.output.text.startsWith('Refined'), true);
});

test('without a model the prediction is the subgraph alone; replies without genes give empty predictions', async () => {
  const { sample, options } = await smallSample();
  const graphOnly = createTestContext({}, 0);
  const state = await galax.createSolver(options).solve(newTaskState(sample, 0), graphOnly);
  const genes = state.metadata.predictedGenes as string[];
  assert.ok(genes.length > 0, 'graph-only prediction is not empty');
  assert.deepEqual(genes, (state.metadata.galax as { graphGenes: string[] }).graphGenes);
  assert.ok(
    infos(graphOnly.events).some((message) => /no agent model/.test(message)),
    'skipped LLM steps are recorded',
  );

  const silent = createTestContext({ agent: scriptedModel(['I cannot tell.', 'Still no idea.']) }, 0);
  const quiet = await galax.createSolver(options).solve(newTaskState(sample, 0), silent);
  assert.deepEqual(quiet.metadata.predictedGenes, []);
  assert.ok(
    infos(silent.events).some((message) => /step 1: the reply names no known gene symbol/.test(message)),
    'step-1 no-gene reply recorded',
  );
  assert.ok(
    infos(silent.events).some((message) =>
      /step 2: the reply names no known gene symbol; the prediction is empty/.test(message),
    ),
    'step-2 no-gene reply recorded',
  );
  const scored = await targetQaSynthetic.scorers(options)[0]!.score(quiet, silent);
  assert.equal((scored.value as Record<string, number>).f1, 0);
});

test('unknown genes are reported and an empty subgraph is a clear result, not a crash', async () => {
  const dir = tempDir('empty');
  const ppiFile = join(dir, 'ppi.tsv');
  writeFileSync(ppiFile, 'source\ttarget\nX1\tX2\n');
  const sample: Sample = {
    id: 'nothing-links',
    input: 'Which genes?',
    target: ['G1'],
    files: { ppi: ppiFile },
    metadata: {
      case: {
        cellLine: 'L',
        disease: 'D',
        topGenes: ['G1'],
        topTranscripts: ['G2'],
        topProteins: [],
        diseaseProteins: ['G3'],
        answerSize: 1,
      },
    },
  };
  const context = createTestContext({}, 0);
  const state = await galax.createSolver({ args: {}, seed: 0, cacheDir: dir }).solve(newTaskState(sample, 0), context);
  assert.deepEqual(state.metadata.predictedGenes, []);
  const [empty] = evidence(context.events, 'galax-subgraph');
  assert.equal((empty!.data as { empty: boolean }).empty, true);
  assert.match((empty!.data as { reason: string }).reason, /no start node/);
  assert.ok(
    infos(context.events).some((message) => /3 gene symbols are not in the PPI network/.test(message)),
    'unknown genes recorded',
  );
  const bad = { ...sample, metadata: { case: { cellLine: 'L' } } };
  await assert.rejects(
    galax.createSolver({ args: {}, seed: 0, cacheDir: dir }).solve(newTaskState(bad, 0), context),
    /sample nothing-links:0: metadata\.case\.disease/,
  );
  const other = { ...sample, files: { ppi: join(dir, 'bad.tsv') } };
  writeFileSync(other.files.ppi, 'A\tB\nonly-one-column\n');
  await assert.rejects(
    galax.createSolver({ args: {}, seed: 0, cacheDir: dir }).solve(newTaskState(other, 0), context),
    /bad\.tsv:2: edge: expected two tab-separated gene symbols/,
  );
});
