// MedVR runs end to end: against the reference vision model behind a loopback server (zooms, crops
// and the consensus in the log), with bad tool calls, an image that fails to decode and a server
// that fails: each is a clear per-sample outcome and the run goes on. Other benchmarks refuse it.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Benchmark, Sample } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { startReferenceVisionServer } from '../../src/models/reference-vision/server.js';
import { imageAgentBench, phantomSample } from '../support/image-agent.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';

const folder = mkdtempSync(join(tmpdir(), 'medvr-'));

const imageSample = (id: string, sizePx: number, bytes?: Uint8Array) => phantomSample(folder, id, sizePx, bytes);
const bench = (samples: Sample[]): Benchmark => imageAgentBench(samples, 'medvr-test');

test('against the reference model over loopback: zooms find a small nodule, crops and the consensus are evidence', async () => {
  const server = await startReferenceVisionServer();
  try {
    const out = join(folder, 'run-ref');
    const summary = await runEval({
      benchmark: bench([await imageSample('small', 5)]),
      models: { agent: 'openai:reference-vision' },
      provider: { baseURL: server.baseURL },
      solver: 'medvr',
      args: { samples: 3 },
      outDir: out,
      cache: false,
      cacheDir: join(folder, 'cache'),
    });
    assert.equal(summary.counts.errors, 0);
    const [record] = [...readSampleRecords(out)];
    assert.equal(record!.scores.closed_answer!.value, 1, record!.output);
    const evidence = record!.transcript.events.filter((event) => event.type === 'evidence');
    const zoom = evidence.find(
      (event) => event.type === 'evidence' && event.kind === 'image-region' && /zoom/.test(event.title ?? ''),
    );
    assert.ok(zoom, 'each zoom is an image-region evidence event');
    const data = (zoom as unknown as { data: { medvr: { received: number[]; original: number[]; crop: string } } }).data
      .medvr;
    assert.equal(data.received.length, 4);
    assert.match(data.crop, /\.png$/);
    assert.equal(evidence.filter((event) => event.type === 'evidence' && event.kind === 'medvr-trajectory').length, 3);
    assert.ok(evidence.some((event) => event.type === 'evidence' && /consensus zoom mask/.test(event.title ?? '')));
  } finally {
    await server.close();
  }
});

test('native tool calls: the reference model zooms through the API tool, answered with a tool message and the crop', async () => {
  const out = join(folder, 'run-native');
  const summary = await runEval({
    benchmark: bench([await imageSample('native', 4)]),
    models: { agent: 'reference-vision' },
    solver: 'medvr',
    args: { tool_format: 'native' },
    outDir: out,
    cache: false,
    cacheDir: join(folder, 'cache'),
  });
  assert.equal(summary.counts.errors, 0);
  const [record] = [...readSampleRecords(out)];
  const medvr = record!.metadata.medvr as { zooms: number; invalid_calls: number };
  assert.ok(medvr.zooms >= 1 && medvr.invalid_calls === 0, JSON.stringify(medvr));
  assert.ok(record!.transcript.messages.some((message) => (message as { role: string }).role === 'tool'));
  assert.equal(record!.scores.closed_answer!.value, 1, record!.output);
});

test('bad tool calls get an error message and are counted; an undecodable image is a per-sample error; the run goes on', async () => {
  const calls = [
    '<tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [300, 300, 100, 100]}}</tool_call>',
    '<tool_call>{not json</tool_call>',
    '<tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [10, 10, 138, 138]}}</tool_call>',
    '<answer>yes</answer>',
  ];
  const model = scriptedModel(calls);
  const out = join(folder, 'run-bad');
  const summary = await runEval({
    benchmark: bench([
      await imageSample('good', 20),
      await imageSample('broken', 0, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])),
    ]),
    models: { agent: model },
    solver: 'medvr',
    concurrency: 1,
    outDir: out,
    cache: false,
    cacheDir: join(folder, 'cache'),
  });
  assert.equal(summary.counts.units, 2);
  assert.equal(summary.counts.errors, 1);
  const records = [...readSampleRecords(out)];
  const broken = records.find((record) => record.id === 'broken')!;
  assert.match(broken.error ?? '', /sample broken image .*broken\.png/);
  const good = records.find((record) => record.id === 'good')!;
  assert.equal(good.error, null);
  const medvr = good.metadata.medvr as { invalid_calls: number; zooms: number };
  assert.equal(medvr.invalid_calls, 2);
  assert.equal(medvr.zooms, 1);
  const errors = good.transcript.events.filter((event) => event.type === 'tool' && event.error);
  assert.match((errors[0] as { result: string }).result, /needs x1 < x2/);
  assert.match((errors[1] as { result: string }).result, /not JSON/);
  // The model saw each error as a tool response.
  assert.match(JSON.stringify(model.calls[1]!.messages.at(-1)), /Error: bbox_2d/);
});

test('a server that fails is a per-sample error naming the server; the other samples still run', async () => {
  const server = await startReferenceVisionServer();
  let requests = 0;
  const original = server.server.listeners('request')[0] as (...args: unknown[]) => void;
  server.server.removeAllListeners('request');
  server.server.on('request', (request, response) => {
    requests++;
    // The first sample's requests all fail with 500; later ones are answered.
    if (requests <= 1) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'boom' } }));
      return;
    }
    original(request, response);
  });
  try {
    const out = join(folder, 'run-fail');
    const summary = await runEval({
      benchmark: bench([await imageSample('a', 20), await imageSample('b', 20)]),
      models: { agent: 'openai:reference-vision' },
      provider: { baseURL: server.baseURL },
      solver: 'medvr',
      concurrency: 1,
      maxRetries: 0,
      outDir: out,
      cache: false,
      cacheDir: join(folder, 'cache'),
    });
    assert.equal(summary.counts.units, 2);
    assert.equal(summary.counts.errors, 1);
    const failed = [...readSampleRecords(out)].find((record) => record.error !== null)!;
    assert.match(failed.error!, /every MedVR trajectory failed; first error: .*500/);
  } finally {
    await server.close();
  }
});

test('benchmarks without closed answers on one image refuse medvr, naming the missing tags', async () => {
  await assert.rejects(
    runEval({ benchmark: 'medmcq-mini', models: { agent: scriptedModel(['x']) }, solver: 'medvr', cache: false }),
    /agent 'medvr' needs a benchmark tagged 'closed-answer' \(.*\) and 'single-image' .*; 'medmcq-mini' is tagged mcq, text/,
  );
});
