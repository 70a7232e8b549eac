// LLM generator and verifier roles over the runner's middleware against a scripted loopback server:
// malformed output is retried with a correction turn, then recorded as a failure with the raw text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMedsyn } from '../../src/benchmarks/medsynvqa/items.js';
import { openaiModel } from '../../src/models/openai.js';
import { bindModel } from '../../src/runner/context.js';
import { ESSENTIAL_TITLES } from '../../src/scoring/medvlsynther-rubric.js';
import { phantomFigures } from '../../src/synth/figures.js';
import { GENERATOR_PROMPT, llmGenerator, llmVerifier, promptHash } from '../../src/synth/llm-roles.js';
import { ITEMS_FILE, runSynth, STAGE_FILE } from '../../src/synth/pipeline.js';
import { startLoopbackServer } from '../support/loopback-server.js';

const mcq = (answer: string) =>
  JSON.stringify({
    question: 'A radiograph of the chest is shown. Which abnormality is present?',
    options: { A: 'Nodule', B: 'Mass', C: 'Consolidation', D: 'Pneumothorax', E: 'Cardiomegaly' },
    answer,
  });
const rubric = JSON.stringify({
  rubric: [
    ...ESSENTIAL_TITLES.map((title, i) => ({ idx: i + 1, title, category: 'Essential', weight: 5, score: 5 })),
    { idx: 8, title: 'Parallel Options', category: 'Important', weight: 3, score: 3 },
    { idx: 9, title: 'Synonym Drift', category: 'Pitfall', weight: -1, score: 0 },
  ],
});

test('llm roles: scripted generator and verifier over loopback; malformed replies retried, then recorded raw', async () => {
  // chest figures: the first generator reply breaks the contract, the retry is valid; fundus figures: never valid
  const server = await startLoopbackServer({
    script: (turn) => {
      const text = turn.messages[0]!.text;
      if (text.startsWith('You verify')) return rubric;
      if (text.includes('fundus')) return 'I cannot produce JSON, sorry.';
      if (turn.messages.length === 1 && text.includes('Posteroanterior')) return 'Here it is: {"question": "oops"}';
      return mcq('C');
    },
  });
  try {
    const model = bindModel(
      'openai:scripted',
      openaiModel({ model: 'scripted', baseURL: server.baseURL, apiKey: 'k' }),
    );
    const out = mkdtempSync(join(tmpdir(), 'synth-llm-'));
    const updates: Array<[number, number]> = [];
    const finishes: string[] = [];
    const summary = await runSynth({
      progress: {
        start: (total) => assert.equal(total, 6),
        update: (done, errors) => updates.push([done, errors]),
        finish: (message) => finishes.push(message),
      },
      expectedFigures: 6,
      out,
      figures: phantomFigures(join(out, 'images'), 6, 4, 64),
      source: 'phantoms',
      preset: 'mean9670',
      generator: llmGenerator(model, 2),
      verifier: llmVerifier(model, 2),
    });
    const stage = readFileSync(join(out, STAGE_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(stage.length, 6);
    const failedGenerate = stage.filter((r) => r.status === 'failed' && r.stage === 'generate');
    assert.equal(failedGenerate.length, 3);
    for (const record of failedGenerate) {
      assert.equal(record.raw, 'I cannot produce JSON, sorry.');
      assert.match(record.error, /2 replies broke the contract/);
    }
    const chest = stage.filter((r) => r.caption.startsWith('Posteroanterior'));
    assert.equal(chest.length, 3);
    for (const record of chest) {
      assert.equal(record.status, 'verified');
      assert.equal(record.accepted, true);
    }
    // the retried chest requests carried a correction turn naming the broken field
    const corrections = server.requests.filter((r) => JSON.stringify(r.body).includes('That reply was not valid'));
    assert.equal(corrections.filter((r) => JSON.stringify(r.body).includes('Posteroanterior')).length, 3);
    assert.match(JSON.stringify(corrections[0]!.body), /options/);
    const spec = JSON.parse(readFileSync(join(out, 'synth-spec.json'), 'utf8'));
    assert.equal(spec.generatorPromptHash, promptHash(GENERATOR_PROMPT));
    const items = [];
    for await (const sample of loadMedsyn(join(out, ITEMS_FILE))) items.push(sample);
    assert.equal(items.length, summary.written);
    assert.equal(summary.written, summary.accepted);
    assert.equal(summary.figures, 6);
    // cost and calls per role through the runner's accounting (addUsage): 3 chest × 2 + 3 fundus × 2 replies
    assert.equal(summary.usage.generator?.calls, 12);
    assert.equal(summary.usage.verifier?.calls, 3);
    // progress through the runner's reporter: one update per figure, failures counted
    assert.deepEqual(updates.at(-1), [6, 3]);
    assert.equal(updates.length, 6);
    assert.match(finishes[0]!, /synth: 6 figures processed \(3 failed\)/);
    const written = JSON.parse(readFileSync(join(out, 'synth-summary.json'), 'utf8'));
    assert.equal(written.usage.verifier.calls, 3);
  } finally {
    await server.close();
  }
});
