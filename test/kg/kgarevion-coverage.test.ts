// Issue 11 items 14-16: every KGARevion run reports how much of its evidence the KG checked (and the
// run notes warn below one half), the linker does not merge distinct entities by fuzzy matching
// unless asked, and the KGE verifier trains once per KG (saved and reloaded from the cache folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateRequest, Model, ModelOutput } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';
import { kgarevionSolver, optionsFromArgs } from '../../src/agents/kgarevion/index.js';
import { describeTraining, trainedScorerFor } from '../../src/agents/kgarevion/kge-scorer.js';
import { EntityLinker } from '../../src/kg/linking.js';
import { MINIKG_FACTS_FILE, MINIKG_NODES_FILE, loadMiniKg, parseMiniKg } from '../../src/kg/minikg.js';

/** A model whose triplets name `entity(option)` as head; records nothing else. */
function tripletModel(entity: (option: string) => string): Model {
  return {
    specificationVersion: 'v1',
    provider: 'fake',
    modelId: 'triplets',
    async doGenerate(request: GenerateRequest): Promise<ModelOutput> {
      const last = request.messages.at(-1)!;
      const prompt = typeof last.content === 'string' ? last.content : '';
      let text = '{"Answer": "A"}';
      if (prompt.includes('medical_terminologies')) text = '{"medical_terminologies": []}';
      else if (prompt.includes('"Revised_Triplets"')) text = 'no revision';
      else if (prompt.includes('"Triplets"')) {
        const option = /Candidate answer: (.+)/.exec(prompt)?.[1] ?? 'yes';
        text = JSON.stringify({ Triplets: [[entity(option), 'indication', 'type 2 diabetes mellitus']] });
      }
      return { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };
    },
  };
}

const runKgqa = (model: Model, args: Record<string, string | number> = {}) =>
  runEval({
    benchmark: 'kgqa-mini',
    solver: 'kgarevion',
    models: { agent: model },
    limit: 3,
    cache: false,
    progress: 'none',
    cacheDir: mkdtempSync(join(tmpdir(), 'kgarevion-cache-')),
    args: { jsonAttempts: 1, ...args },
  });

test('coverage: task metrics give the shares linked / verified / accepted unchecked; the notes warn below one half', async () => {
  const unlinkable = await runKgqa(tripletModel((option) => `${option} flux capacitor`));
  const metric = (name: string) => unlinkable.taskMetrics.find((result) => result.name === name);
  assert.ok(metric('kg triplets verified'), JSON.stringify(unlinkable.taskMetrics.map((r) => r.name)));
  assert.equal(metric('kg triplets verified')!.value, 0);
  assert.equal(metric('kg triplets linked')!.value, 0);
  assert.equal(metric('kg triplets accepted unchecked')!.value, 1);
  assert.ok(metric('kg triplets verified')!.n > 0);
  assert.match(metric('kg triplets linked')!.note!, /fuzzy off/);
  const warning = unlinkable.notes.find((note) => note.startsWith('kg triplets verified:'));
  assert.ok(warning, unlinkable.notes.join('\n'));
  assert.match(
    warning,
    /only 0\.0% of \d+ triplets were checked against the KG \(mini-KG\); 100\.0% were accepted unchecked/,
  );
  assert.match(warning, /--arg primekg=kg\.csv/);
  // Shares are not successes: no pass@k rows for them, and no bare empty row.
  assert.equal(unlinkable.metrics['kg-coverage.verified']![0]!.name, 'mean');

  const linked = await runKgqa(tripletModel((option) => option));
  const verified = linked.taskMetrics.find((result) => result.name === 'kg triplets verified')!;
  assert.ok(verified.value >= 0.5, `${verified.value}`);
  assert.equal(
    linked.notes.some((note) => note.startsWith('kg triplets verified:')),
    false,
  );
});

test('linker: distinct entities are not merged by fuzzy matching unless asked; normalised forms still link', () => {
  const linker = new EntityLinker(loadMiniKg().graph);
  assert.equal(linker.best('prednisolone'), undefined); // was Prednisone at 0.75
  assert.equal(linker.best('insulins')?.matchedOn, 'normalised'); // "insulin" is a synonym of Insulin glargine
  const fuzzy = linker.best('prednisolone', { fuzzy: 0.75 })!;
  assert.deepEqual([fuzzy.name, fuzzy.matchedOn], ['Prednisone', 'fuzzy']);
  assert.equal(linker.best('prednisolone', { fuzzy: 0.8 }), undefined);
  const plural = linker.best('Metformins')!;
  assert.deepEqual([plural.name, plural.matchedOn, plural.score], ['Metformin', 'normalised', 0.95]);
  assert.equal(linker.best('Levo thyroxine')?.name, 'Levothyroxine');
  assert.equal(linker.best('atorvastatine'), undefined);
  assert.equal(linker.best('atorvastatine', { fuzzy: 0.75 })?.name, 'Atorvastatin');
});

test('linker option: --arg fuzzyLink sets the threshold, the solver params state the linking mode, bad values are refused', async () => {
  assert.throws(() => optionsFromArgs({ fuzzyLink: 1.5 }), /fuzzyLink=1\.5: a minimum fuzzy score in \(0, 1\]/);
  assert.throws(() => optionsFromArgs({ fuzzyLink: 'high' }), /fuzzyLink=high/);
  const question = 'Which drug treats asthma exacerbations?\nA. prednisolone\nB. Warfarin';
  const sample = { id: 'q', input: question, target: 'A' };
  const heads: string[] = [];
  for (const fuzzyLink of [undefined, 0.75]) {
    const solver = kgarevionSolver({ args: fuzzyLink ? { fuzzyLink } : {}, seed: 1, cacheDir: '/tmp' });
    assert.match(String(solver.params.linking), fuzzyLink ? /fuzzy matches scoring >= 0\.75/ : /fuzzy off/);
    const context = createTestContext({ agent: tripletModel((option) => option) });
    await solver.solve(newTaskState(sample, 1), context);
    const first = context.events.find((event) => event.type === 'evidence' && event.kind === 'kg-triplet');
    heads.push(JSON.stringify((first as unknown as { data: { linked: { head: unknown } } }).data.linked.head));
  }
  assert.equal(heads[0], 'null');
  assert.match(heads[1]!, /"name":"Prednisone".*"on":"fuzzy"/);
});

test('KGE verifier trains once per KG: saved under the cache folder by content hash and settings, then reloaded', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kge-cache-'));
  const freshGraph = () =>
    parseMiniKg(readFileSync(MINIKG_NODES_FILE, 'utf8'), readFileSync(MINIKG_FACTS_FILE, 'utf8')).graph;
  const first = await trainedScorerFor(freshGraph(), { seed: 3, epochs: 5, cacheDir });
  assert.equal(first.training.source, 'trained');
  assert.equal(first.training.cacheMiss, 'not cached yet');
  const files = readdirSync(join(cacheDir, 'kge')).sort();
  assert.equal(files.length, 2);
  assert.match(files[0]!, /^[0-9a-f]{16}-[0-9a-f]{12}\.bin$/);
  assert.match(
    describeTraining(first),
    /trained in \d+\.\d s \(5 epochs, final loss [\d.]+\), saved to .*; calibration on \d+ held-out facts .* accuracy 0\.\d{3}, F1/,
  );

  // Another process (a fresh graph object with the same content) reloads instead of training.
  const graph = freshGraph();
  const second = await trainedScorerFor(graph, { seed: 3, epochs: 5, cacheDir });
  assert.equal(second.training.source, 'loaded');
  assert.equal(second.training.trainMs, first.training.trainMs);
  assert.deepEqual(second.calibration, first.calibration);
  assert.match(describeTraining(second), /loaded in \d+\.\d s from .* \(trained earlier in/);
  for (const [h, r, t] of [
    [0, 0, 1],
    [5, 1, 9],
  ] as const)
    assert.equal(second.score(h, r, t), first.score(h, r, t));

  // Other settings are another model; a corrupted file is retrained, and says why.
  const other = await trainedScorerFor(freshGraph(), { seed: 3, epochs: 6, cacheDir });
  assert.equal(other.training.source, 'trained');
  const bin = join(cacheDir, 'kge', files[0]!);
  writeFileSync(bin, 'garbage');
  const repaired = await trainedScorerFor(freshGraph(), { seed: 3, epochs: 5, cacheDir });
  assert.equal(repaired.training.source, 'trained');
  assert.match(repaired.training.cacheMiss!, /\.bin has 7 bytes, expected \d+/);
  assert.ok(existsSync(bin) && readFileSync(bin).length > 7);
});

test('a kge run writes the training line (time, quality) into the run notes and a task metric', async () => {
  const summary = await runKgqa(
    tripletModel((option) => option),
    { verifier: 'kge' },
  );
  const kge = summary.taskMetrics.find((result) => result.name === 'kge verifier calibration accuracy');
  assert.ok(kge, JSON.stringify(summary.taskMetrics.map((r) => r.name)));
  assert.ok(kge.value > 0.5 && kge.n > 0);
  assert.ok(
    summary.notes.some((note) => /kge verifier calibration accuracy: KGE verifier rotate .*trained in/.test(note)),
  );
});
