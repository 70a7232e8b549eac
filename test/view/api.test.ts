// The viewer's API through app.request() (no port): runs list, run detail, paged samples with
// filters, one sample with its evidence and images, compare, and the rating workflow.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvalFile } from '../../src/benchmarks/counselbench-eval/loaders.js';
import { createViewer, type Viewer } from '../../src/server/app.js';
import { HOSTILE_OUTPUT, writeFixtureRuns, type Fixture } from './fixtures.js';

let temp: string;
let fixture: Fixture;
let viewer: Viewer;

const getJson = async (path: string) => {
  const response = await viewer.app.request(path);
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
};
const postJson = async (path: string, body: unknown) => {
  const response = await viewer.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
};

before(async () => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-api-'));
  fixture = await writeFixtureRuns(join(temp, 'runs'), join(temp, 'outside'));
  viewer = createViewer({ runsDir: fixture.root });
});
after(() => {
  viewer.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('runs and samples', () => {
  it('lists runs with task, models, metrics with CIs, tokens and date', async () => {
    const { status, body, headers } = await getJson('/api/runs');
    assert.equal(status, 200);
    assert.match(headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.deepEqual(
      body.runs.map((run: any) => run.run),
      ['alpha', 'beta', 'counsel'],
    );
    const alpha = body.runs[0];
    assert.equal(alpha.benchmark, 'medmcq-mini');
    assert.deepEqual(alpha.models, { agent: 'scripted:alpha' });
    assert.equal(alpha.status, 'complete');
    assert.ok(
      alpha.metrics.choice.lower <= alpha.metrics.choice.value &&
        alpha.metrics.choice.value <= alpha.metrics.choice.upper,
    );
    assert.ok(alpha.tokens > 0);
    assert.equal(alpha.created, '2026-11-28T00:00:00.000Z');
  });

  it('gives a run with its score keys, groups and error count', async () => {
    const { body } = await getJson('/api/run?run=alpha');
    assert.equal(body.samples, 12);
    assert.deepEqual(body.scoreKeys, ['choice']);
    assert.deepEqual(body.groups.category.map((group: any) => group.value).sort(), ['cardio', 'neuro']);
    assert.equal(body.errors, 1);
    assert.ok(body.summary.metrics.choice.some((metric: any) => metric.name === 'pass^2'));
  });

  it('pages, filters by score, group and error, and sorts on the server', async () => {
    const page = await getJson('/api/samples?run=alpha&pageSize=5&page=1');
    assert.equal(page.body.total, 12);
    assert.equal(page.body.pages, 3);
    assert.equal(page.body.items.length, 5);
    const failed = await getJson('/api/samples?run=alpha&error=only');
    assert.deepEqual(
      failed.body.items.map((item: any) => [item.id, item.epoch, item.error]),
      [['q6', 2, 'model timed out after 3 retries']],
    );
    const wrong = await getJson('/api/samples?run=alpha&score=choice&max=0');
    assert.ok(wrong.body.items.length > 0 && wrong.body.items.every((item: any) => item.scores.choice === 0));
    const neuro = await getJson('/api/samples?run=alpha&group=category%3Dneuro&pageSize=100');
    assert.ok(neuro.body.items.every((item: any) => item.groups.category === 'neuro'));
    assert.equal(neuro.body.total, 6);
    const sorted = await getJson('/api/samples?run=alpha&sort=id&desc=1&pageSize=2');
    assert.deepEqual(
      sorted.body.items.map((item: any) => item.id),
      ['q6', 'q6'],
    );
    const bad = await getJson('/api/samples?run=alpha&pageSize=100000');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'pageSize');
  });

  it('returns one sample with its whole transcript and servable image URLs', async () => {
    const { body } = await getJson('/api/sample?run=alpha&id=q1&epoch=1');
    assert.equal(body.record.output, HOSTILE_OUTPUT);
    assert.deepEqual([body.row, body.previous, body.next], [0, null, { id: 'q1', epoch: 2 }]);
    const kinds = body.record.transcript.events.map((event: any) => event.kind ?? event.type);
    for (const kind of [
      'model',
      'tool',
      'sql-result',
      'image-region',
      'kg-triplet',
      'rubric-item',
      'judge',
      'user-turn',
      'info',
    ])
      assert.ok(kinds.includes(kind), kind);
    const image = body.images[fixture.imagePath];
    assert.ok(image.url, JSON.stringify(body.images));
    const response = await viewer.app.request(image.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    const escaped = await getJson('/api/sample?run=alpha&id=q1&epoch=2');
    assert.deepEqual(Object.values(escaped.body.images), [{ refused: 'outside the runs folder and the image roots' }]);
    const missing = await getJson('/api/sample?run=alpha&id=nope&epoch=1');
    assert.equal(missing.status, 404);
  });

  it('compares two runs: paired statistics, histograms, CI bars and pass^k', async () => {
    const { body } = await getJson('/api/compare?a=alpha&b=beta');
    const choice = body.metrics.find((metric: any) => metric.key === 'choice');
    assert.equal(choice.pairs, 6);
    assert.ok(choice.ci.lower <= choice.difference && choice.difference <= choice.ci.upper);
    assert.equal(
      choice.histogram.a.reduce((sum: number, count: number) => sum + count, 0),
      6,
    );
    assert.ok(choice.differences.length > 0 && choice.differences.length === choice.differing);
    assert.ok(body.ciBars.choice.a && body.ciBars.choice.b);
    assert.deepEqual(
      body.passHatK.choice.b.map((point: any) => point.k),
      [1, 2],
    );
    // alpha's q6 has one scored epoch, so its pass^2 is NaN in the summary and left out of the plot
    assert.deepEqual(
      body.passHatK.choice.a.map((point: any) => point.k),
      [1],
    );
  });
});

describe('expert ratings', () => {
  it('creates an assignment, validates ratings, exports CounselBench-Eval records and computes agreement', async () => {
    const created = await postJson('/api/assignments', { run: 'counsel', name: 'pilot' });
    assert.equal(created.status, 201);
    const id = created.body.assignment.id;
    const { body: detail } = await getJson(`/api/assignments/${id}`);
    assert.equal(detail.items.length, 4);
    assert.match(detail.items[0].question, /panic attacks/);
    assert.equal(detail.items[0].questionId, '101');
    assert.equal(detail.items[0].responder, 'scripted:therapist');

    const rating = {
      overall: 4,
      empathy: 4,
      specificity: 3,
      medicalAdvice: 'Yes',
      factualConsistency: 3,
      toxicity: 1,
      medicalCopy: 'ask your doctor about sertraline',
    };
    const bad = await postJson(`/api/assignments/${id}/ratings`, {
      item: 0,
      rater: 'r1',
      rating: { ...rating, empathy: 9 },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'rating.empathy');
    const badSpan = await postJson(`/api/assignments/${id}/ratings`, {
      item: 0,
      rater: 'r1',
      rating: { ...rating, toxicityCopy: 'words that are not there' },
    });
    assert.equal(badSpan.status, 400);
    assert.equal(badSpan.body.field, 'rating.toxicityCopy');
    const badJson = await postJson(`/api/assignments/${id}/ratings`, '{not json');
    assert.equal(badJson.status, 400);
    assert.equal(
      (await postJson(`/api/assignments/${id}/ratings`, { item: 99, rater: 'r1', rating })).body.field,
      'item',
    );

    const before = await getJson(`/api/assignments/${id}/agreement`);
    assert.equal(before.body.report.humanRows, 0);
    for (const [rater, shift] of [
      ['r1', 0],
      ['r2', 1],
    ] as const) {
      for (let item = 0; item < 4; item++) {
        const overall = Math.min(5, 2 + item + (item === 3 ? 0 : shift));
        const saved = await postJson(`/api/assignments/${id}/ratings`, {
          item,
          rater,
          rating: { ...rating, overall, specificity: overall },
        });
        assert.equal(saved.status, 201, JSON.stringify(saved.body));
      }
    }
    const after = await getJson(`/api/assignments/${id}/agreement`);
    assert.deepEqual(after.body.report.raters, ['r1', 'r2']);
    assert.equal(after.body.report.judge, 'scripted:judge');
    const overall = after.body.report.keys.find((key: any) => key.key === 'overall');
    assert.equal(overall.items, 4);
    assert.equal(typeof overall.alphaHumans, 'number');
    assert.equal(typeof overall.kappa, 'number');

    const exported = await viewer.app.request(`/api/assignments/${id}/export`);
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(lines.length, 8);
    assert.equal(lines[0].survey_id, 'questionID_101');
    assert.equal(lines[0].questionID, 101);
    assert.equal(lines[0].medical_advice_score, 'Yes');
    assert.equal(lines[0].medical_copy, 'ask your doctor about sertraline');
    assert.equal(lines[0].rater, 'r1');
    // the export is a ratings file the counselbench-eval loader reads back
    const file = join(temp, 'export.jsonl');
    writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const samples = await readEvalFile(file);
    assert.equal(samples.length, 4);
    assert.match(String(samples[0]!.input), /panic attacks/);
    assert.match(String(samples[0]!.metadata!.response), /ask your doctor about sertraline/);
    assert.equal((samples[0]!.metadata!.expertRatings as unknown[]).length, 2);
  });

  it('refuses an assignment for a run that does not exist or a body without a name', async () => {
    const missing = await postJson('/api/assignments', { run: 'nope', name: 'x' });
    assert.equal(missing.status, 404);
    assert.equal((await getJson('/api/assignments/999')).status, 404);
    assert.equal((await getJson('/api/assignments/abc')).body.field, 'id');
    const noName = await postJson('/api/assignments', { run: 'counsel' });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.field, 'name');
  });
});
