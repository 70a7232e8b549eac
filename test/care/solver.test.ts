// CARE-Flow end to end: against the reference vision model over loopback (masks, views, vote in the log),
// with the HTTP segmenter on a loopback server (working, failing, malformed), the ONNX segmenter on a
// tiny generated model, an image that fails to decode, bad --arg values and a benchmark it cannot solve.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Benchmark, Sample } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { tinySegmenterOnnx } from '../../src/models/onnx/index.js';
import { startReferenceVisionServer } from '../../src/models/reference-vision/server.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';
import { evidenceOf, imageAgentBench, phantomSample } from '../support/image-agent.js';

const folder = mkdtempSync(join(tmpdir(), 'care-'));
const imageSample = (id: string, sizePx: number, bytes?: Uint8Array) => phantomSample(folder, id, sizePx, bytes);
const bench = (samples: Sample[]): Benchmark => imageAgentBench(samples, 'care-test');

test('against the reference model over loopback: the nodule mask is kept, three views answer, the vote is logged', async () => {
  const server = await startReferenceVisionServer();
  try {
    const out = join(folder, 'run-ref');
    const large = await imageSample('large', 20);
    const summary = await runEval({
      benchmark: bench([large]),
      models: { agent: 'openai:reference-vision' },
      provider: { baseURL: server.baseURL },
      solver: 'care-flow',
      outDir: out,
      cache: false,
      cacheDir: join(folder, 'cache'),
    });
    assert.equal(summary.counts.errors, 0);
    const [record] = [...readSampleRecords(out)];
    assert.equal(record!.scores.closed_answer!.value, 1, record!.output);
    const events = record!.transcript.events;
    assert.deepEqual(evidenceOf(events, 'care-entities')[0]!.data.entities, ['nodule', 'lung']);
    const masks = evidenceOf(events, 'image-region');
    const nodule = masks[0]!.data as { care: { kept: boolean; confidence: number }; boxes: { x1: number }[] };
    assert.equal(nodule.care.kept, true, masks[0]!.title);
    assert.ok(nodule.care.confidence >= 0.7);
    const truth = large.metadata!.box as number[];
    assert.ok(
      Math.abs(nodule.boxes[0]!.x1 - truth[0]!) < 8,
      `mask box near the nodule ${JSON.stringify(nodule.boxes)}`,
    );
    assert.deepEqual(
      evidenceOf(events, 'care-view').map((event) => event.data.view),
      ['zoom', 'mask', 'global'],
    );
    assert.equal(evidenceOf(events, 'care-vote')[0]!.data.answer, 'yes');
  } finally {
    await server.close();
  }
});

test('HTTP segmenter: its map is used; a failing or malformed server is an evidence note and the run goes on', async () => {
  let mode: 'ok' | 'fail' | 'bad' = 'ok';
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const json = JSON.parse(body) as { image: string; text: string };
      assert.equal(json.text, 'nodule');
      if (mode === 'fail') return response.writeHead(503).end('down');
      if (mode === 'bad') return response.writeHead(200).end('{"width": 512, "height": 512, "probabilities": [2]}');
      const probabilities = new Array<number>(512 * 512).fill(0);
      for (let y = 100; y < 120; y++) for (let x = 100; x < 120; x++) probabilities[y * 512 + x] = 1;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ width: 512, height: 512, probabilities }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/segment`;
  try {
    const run = async (name: string) => {
      const out = join(folder, `run-http-${name}`);
      const summary = await runEval({
        benchmark: bench([await imageSample(`http-${name}`, 20)]),
        models: { agent: 'reference-vision' },
        solver: 'care-flow',
        args: { segmenter: 'http', segmenter_url: url, max_entities: 1 },
        outDir: out,
        cache: false,
        cacheDir: join(folder, 'cache'),
      });
      assert.equal(summary.counts.errors, 0);
      return [...readSampleRecords(out)][0]!;
    };
    const ok = await run('ok');
    const mask = evidenceOf(ok.transcript.events, 'image-region')[0]!;
    assert.deepEqual((mask.data.boxes as object[])[0], {
      x1: 100,
      y1: 100,
      x2: 120,
      y2: 120,
      label: 'nodule (C = 1.00)',
    });
    mode = 'fail';
    const failed = await run('fail');
    const note = evidenceOf(failed.transcript.events, 'image-region')[0]!.data.care as { error: string; kept: boolean };
    assert.match(note.error, /segmenter http:\/\/127\.0\.0\.1:\d+\/segment: HTTP 503: down/);
    assert.equal(note.kept, false);
    assert.deepEqual(
      evidenceOf(failed.transcript.events, 'care-view').map((e) => e.data.view),
      ['global'],
    );
    mode = 'bad';
    const bad = await run('bad');
    assert.match(
      (evidenceOf(bad.transcript.events, 'image-region')[0]!.data.care as { error: string }).error,
      /probabilities must be a list of width·height numbers/,
    );
  } finally {
    server.close();
  }
});

test('ONNX segmenter: a tiny generated model runs through the shared wrapper; a missing file is named', async () => {
  const model = join(folder, 'seg.onnx');
  writeFileSync(model, tinySegmenterOnnx({ threshold: 0.35, gain: 40 }));
  for (const [name, path] of [
    ['onnx', model],
    ['onnx-missing', join(folder, 'missing.onnx')],
  ] as const) {
    const out = join(folder, `run-${name}`);
    const summary = await runEval({
      benchmark: bench([await imageSample(name, 16)]),
      models: { agent: 'reference-vision' },
      solver: 'care-flow',
      args: { segmenter: 'onnx', segmenter_onnx: path, max_entities: 1 },
      outDir: out,
      cache: false,
      cacheDir: join(folder, 'cache'),
    });
    assert.equal(summary.counts.errors, 0);
    const care = evidenceOf([...readSampleRecords(out)][0]!.transcript.events, 'image-region')[0]!.data.care as {
      error: string | null;
      confidence: number;
    };
    if (name === 'onnx') {
      assert.equal(care.error, null);
      assert.ok(care.confidence > 0 && care.confidence <= 1);
    } else assert.match(care.error!, /missing\.onnx/);
  }
});

test('an image that fails to decode is a per-sample error; bad --arg values and other benchmarks are refused', async () => {
  const out = join(folder, 'run-broken');
  const summary = await runEval({
    benchmark: bench([await imageSample('ok', 20), await imageSample('broken', 0, new Uint8Array([0x89, 0x50, 1, 2]))]),
    models: { agent: 'reference-vision' },
    solver: 'care-flow',
    outDir: out,
    cache: false,
    cacheDir: join(folder, 'cache'),
  });
  assert.equal(summary.counts.errors, 1);
  const broken = [...readSampleRecords(out)].find((record) => record.id === 'broken')!;
  assert.match(broken.error ?? '', /sample broken image .*broken\.png/);
  const eval_ = (args: Record<string, string>) =>
    runEval({ benchmark: bench([]), models: { agent: 'reference-vision' }, solver: 'care-flow', args, cache: false });
  await assert.rejects(eval_({ tau: '1.5' }), /--arg tau/);
  await assert.rejects(eval_({ segmenter: 'http' }), /segmenter=http needs --arg segmenter_url/);
  await assert.rejects(
    runEval({ benchmark: 'medmcq-mini', models: { agent: scriptedModel(['x']) }, solver: 'care-flow', cache: false }),
    /agent 'care-flow' needs a benchmark tagged 'closed-answer'/,
  );
});

test('care-coord: a coordinator model plans and sends the case back; the edit and its outcome are logged', async () => {
  const coordinator = scriptedModel([
    '<answer>{"view": "global"}</answer>',
    '<answer>{"verdict": "revise", "view": "zoom", "reason": "the nodule may be too small for the global view"}</answer>',
  ]);
  const out = join(folder, 'run-coord');
  const summary = await runEval({
    benchmark: bench([await imageSample('coord', 4)]),
    models: { agent: 'reference-vision', coordinator },
    solver: 'care-coord',
    outDir: out,
    cache: false,
    cacheDir: join(folder, 'cache'),
  });
  assert.equal(summary.counts.errors, 0);
  const [record] = [...readSampleRecords(out)];
  const coord = (
    record!.metadata.care as { coord: { plan: string; initial: string; final: string; edit_outcome: string } }
  ).coord;
  assert.equal(coord.plan, 'global');
  assert.equal(coord.initial, 'no', 'the 4-px nodule is not seen at the global view');
  assert.equal(coord.final, 'yes', 'the zoom view sent back by the coordinator finds it');
  assert.equal(coord.edit_outcome, 'wrong→right');
  const steps = evidenceOf(record!.transcript.events, 'care-coord').map((event) => event.data.step);
  assert.deepEqual(steps, ['plan', 'review', 'edit']);
  assert.match(JSON.stringify(coordinator.calls[1]!.messages), /View used: global/);
  // the edit reaches the task metrics (the paper's wrong→right / right→wrong counts and rates)
  const task = Object.fromEntries(summary.taskMetrics.map((metric) => [metric.name, metric.value]));
  assert.equal(task.coord_edits, 1);
  assert.equal(task.coord_wrong_to_right, 1);
  assert.equal(task.coord_wrong_to_right_rate, 1);
  assert.equal(task.coord_right_to_wrong, 0);
  assert.equal(task.coord_edit_success, 1);
  assert.equal(record!.scores.care_coord_edit!.metadata?.outcome, 'wrong→right');
});

test('care-coord without a coordinator model: the rule coordinator plans zoom when a mask was kept', async () => {
  const out = join(folder, 'run-coord-rule');
  await runEval({
    benchmark: bench([await imageSample('coord-rule', 20)]),
    models: { agent: 'reference-vision' },
    solver: 'care-coord',
    outDir: out,
    cache: false,
    cacheDir: join(folder, 'cache'),
  });
  const [record] = [...readSampleRecords(out)];
  const plan = evidenceOf(record!.transcript.events, 'care-coord')[0]!;
  assert.equal(plan.data.view, 'zoom');
  assert.match(String(plan.data.note), /rule coordinator/);
  assert.equal(record!.scores.closed_answer!.value, 1);
});
