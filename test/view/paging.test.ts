// A run with 100,000 samples: the byte-offset index is built once, a page reads only its own
// lines, and a response holds one page (kilobytes), never the whole file. Timings are printed as
// diagnostics, not asserted (speed belongs in bench/).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createViewer, type Viewer } from '../../src/server/app.js';
import { writeBigRun } from './fixtures.js';

let temp: string;
let viewer: Viewer;
let directory: string;

before(() => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-big-'));
  directory = writeBigRun(join(temp, 'runs'));
  viewer = createViewer({ runsDir: join(temp, 'runs') });
});
after(() => {
  viewer.close();
  rmSync(temp, { recursive: true, force: true });
});

const timed = async (path: string) => {
  const started = performance.now();
  const response = await viewer.app.request(path);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), bytes: text.length, ms: performance.now() - started };
};

describe('100,000 samples', () => {
  it('indexes once and serves pages, filters and sorts without sending the file', async (t) => {
    const size = statSync(join(directory, 'samples.jsonl')).size;
    const run = await timed('/api/run?run=big');
    assert.equal(run.body.samples, 100_000);
    assert.equal(run.body.errors, 10_000);
    t.diagnostic(
      `samples.jsonl ${(size / 1e6).toFixed(1)} MB; first /api/run (builds the index) ${run.ms.toFixed(0)} ms, index ${run.body.indexMs} ms`,
    );

    const first = await timed('/api/samples?run=big&page=0&pageSize=50');
    assert.equal(first.body.total, 100_000);
    assert.equal(first.body.items.length, 50);
    assert.equal(first.body.items[0].id, 's000000');
    const last = await timed('/api/samples?run=big&page=1999&pageSize=50');
    assert.equal(last.body.items.at(-1).id, 's099999');
    assert.ok(last.bytes < 50_000, `a page is ${last.bytes} bytes`);
    t.diagnostic(
      `page 1: ${first.ms.toFixed(1)} ms; page 2000: ${last.ms.toFixed(1)} ms; ${last.bytes} bytes per page of 50`,
    );

    const errors = await timed('/api/samples?run=big&error=only&pageSize=10');
    assert.equal(errors.body.total, 10_000);
    assert.ok(errors.body.items.every((item: any) => item.error === 'failed'));
    const high = await timed('/api/samples?run=big&score=accuracy&min=1&max=1&group=category%3Dc3&pageSize=500');
    assert.ok(high.body.items.every((item: any) => item.scores.accuracy === 1 && item.groups.category === 'c3'));
    const sorted = await timed('/api/samples?run=big&sort=tokens&desc=1&pageSize=5');
    assert.ok(sorted.body.items.every((item: any) => item.tokens === 499));
    t.diagnostic(
      `filter errors: ${errors.ms.toFixed(1)} ms; score+group filter: ${high.ms.toFixed(1)} ms; sort by tokens: ${sorted.ms.toFixed(1)} ms`,
    );

    const sample = await timed('/api/sample?run=big&id=s054321&epoch=1');
    assert.equal(sample.body.record.output, 'output 54321');
    t.diagnostic(`one sample by id: ${sample.ms.toFixed(1)} ms`);
    const post = (body: unknown) =>
      viewer.app.request('/api/assignments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const tooMany = await post({ run: 'big', name: 'all of it' });
    assert.equal(tooMany.status, 400);
    assert.equal(((await tooMany.json()) as { field: string }).field, 'limit');
    const limited = await post({ run: 'big', name: 'first 20', limit: 20 });
    assert.equal(
      ((await limited.json()) as { assignment: { items: number } }).assignment.items,
      18,
      '20 samples, 2 of them failed',
    );
  });

  it('extends the index when the file grows, and waits for a partial last line', async () => {
    const path = join(directory, 'samples.jsonl');
    const line = (id: string) =>
      JSON.stringify({ id, epoch: 1, scores: {}, output: id, transcript: { messages: [], events: [] }, error: null });
    appendFileSync(path, line('extra1') + '\n' + line('extra2').slice(0, 20));
    const grown = await timed('/api/samples?run=big&q=extra');
    assert.deepEqual(
      grown.body.items.map((item: any) => item.id),
      ['extra1'],
    );
    appendFileSync(path, line('extra2').slice(20) + '\n');
    const whole = await timed('/api/samples?run=big&q=extra');
    assert.deepEqual(
      whole.body.items.map((item: any) => item.id),
      ['extra1', 'extra2'],
    );
    assert.equal(whole.body.total, 2);
    appendFileSync(path, 'not json\n{"id": 5}\n');
    const run = await timed('/api/run?run=big');
    assert.deepEqual(
      run.body.malformed.map((entry: any) => entry.problem),
      ['is not JSON', 'has no string id and number epoch'],
    );
    assert.equal(run.body.malformed[0].line, 100_003);
  });
});
