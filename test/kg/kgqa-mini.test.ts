import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';
import { loadMiniKg } from '../../src/kg/minikg.js';
import { EntityLinker, graphRelationsFor } from '../../src/kg/linking.js';
import { findPaths } from '../../src/kg/subgraph.js';
import { KGAREVION_RELATIONS, type KgarevionRelation } from '../../src/kg/schema.js';
import { kgqaMini, questionSample } from '../../src/benchmarks/kgqa-mini/index.js';
import { QUESTIONS } from '../../src/benchmarks/kgqa-mini/questions.js';
import { choiceScorer } from '../../src/scoring/choice.js';

const { graph } = loadMiniKg();
const linker = new EntityLinker(graph);
const node = (name: string) => {
  const hit = linker.best(name);
  assert.ok(hit && hit.score === 1, `'${name}' is not a mini-KG node`);
  return hit.node;
};

test('every question is answerable from the mini-KG and no distractor has the deciding fact', () => {
  assert.equal(QUESTIONS.length, 70);
  assert.equal(new Set(QUESTIONS.map((q) => q[0])).size, 70);
  for (const [id, , , options, about, relation] of QUESTIONS) {
    const stem = node(about);
    const [answer, ...distractors] = options.map(node);
    if (relation === 'path') {
      assert.ok(findPaths(graph, stem, answer!, { maxHops: 2 }).length > 0, `${id}: no 2-hop path`);
      continue;
    }
    assert.ok((KGAREVION_RELATIONS as readonly string[]).includes(relation), `${id}: ${relation}`);
    const relations = graphRelationsFor(graph, relation as KgarevionRelation);
    assert.ok(graph.hasEdge(stem, answer!, relations), `${id}: ${about} -${relation}- ${options[0]} missing`);
    for (const [index, distractor] of distractors.entries()) {
      assert.ok(
        !graph.hasEdge(stem, distractor!, relations),
        `${id}: distractor ${options[index + 1]} also has ${relation}`,
      );
    }
  }
});

test('samples: answers spread over A-D, metadata for groupBy', async () => {
  const samples = [
    ...((await kgqaMini.dataset({ args: {}, seed: 1, cacheDir: '/tmp' })) as Iterable<
      ReturnType<typeof questionSample>
    >),
  ];
  const letters = new Set(samples.map((s) => s.target));
  assert.equal(letters.size, 4);
  assert.deepEqual(kgqaMini.groupBy, ['category']);
  const first = samples[0]!;
  assert.equal(first.choices![(first.target as string).charCodeAt(0) - 65], 'Metformin');
});

test('KG-path baseline: answers one-fact questions from the graph and records its evidence', async () => {
  const solver = kgqaMini.solvers.baseline({ args: {}, seed: 1, cacheDir: '/tmp' });
  const scorer = choiceScorer();
  let correct = 0;
  const byCategory = new Map<string, number[]>();
  for (const row of QUESTIONS) {
    const context = createTestContext();
    const state = await solver.solve(newTaskState(questionSample(row), 1), context);
    const value = (await scorer.score(state, context)).value as number;
    correct += value;
    byCategory.set(row[1], [...(byCategory.get(row[1]) ?? []), value]);
    if (row[0] === 'ind-01') {
      assert.ok(
        context.events.some(
          (e) =>
            e.type === 'evidence' &&
            /type 2 diabetes mellitus -\[indication\]- Metformin|Metformin -\[indication\]- type 2 diabetes mellitus/.test(
              JSON.stringify(e.data),
            ),
        ),
      );
    }
  }
  const oneFact = QUESTIONS.filter((q) => q[5] !== 'path').length;
  assert.ok(correct >= oneFact * 0.9, `baseline ${correct}/${QUESTIONS.length}`);
  console.log(
    `kgqa-mini KG-path baseline: ${correct}/${QUESTIONS.length}`,
    Object.fromEntries([...byCategory].map(([k, v]) => [k, `${v.reduce((a, b) => a + b, 0)}/${v.length}`])),
  );
});
