// The runs list's new fields and the leaderboard, on runs laid out as `medkit eval` leaves them
// (runs/<benchmark>/<time>-<id>/, plus an older run one level up): headline from the summary, from
// the benchmark's declaration, or the first metric; errors and their most common messages; ranking by
// the headline with a paired test against the top run over shared (sample id, epoch) units; runs
// with other task args unpaired; bad queries named.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createViewer, type Viewer } from '../../src/server/app.js';
import { defaultRunsDir } from '../../src/server/command.js';
import { countErrors, resolveHeadline, summaryErrors } from '../../src/server/headline.js';
import { canonicalArgs } from '../../src/server/leaderboard.js';
import { pairedBootstrap } from '../../src/stats/index.js';
import type { RunSummary } from '../../src/core/index.js';
import { writeBoardRuns } from './fixtures.js';

let temp: string;
let viewer: Viewer;
let runs: ReturnType<typeof writeBoardRuns>['runs'];

const getJson = async (target: Viewer, path: string) => {
  const response = await target.app.request(path);
  return { status: response.status, body: (await response.json()) as any };
};

before(() => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-board-'));
  runs = writeBoardRuns(join(temp, 'runs')).runs;
  viewer = createViewer({ runsDir: join(temp, 'runs') });
});
after(() => {
  viewer.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('runs list', () => {
  it('finds runs one and two levels down, with errors, status and headline', async () => {
    const { body } = await getJson(viewer, '/api/runs');
    const byName = new Map<string, any>(body.runs.map((run: any) => [run.run, run]));
    assert.deepEqual([...byName.keys()].sort(), Object.values(runs).sort());
    const weak = byName.get(runs.weak);
    assert.equal(weak.errors, 2);
    assert.deepEqual(weak.topErrors, [{ message: 'model timed out after 3 retries', count: 2 }]);
    assert.equal(weak.headline[0].label, 'accuracy');
    assert.equal(weak.headline[0].source, 'run');
    assert.equal(weak.headline[0].value, 0.5);
    assert.ok(weak.headline[0].lower < 0.5 && weak.headline[0].upper > 0.5);
    const failed = byName.get(runs.failed);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errors, 3);
    assert.deepEqual(failed.headline, [], 'nothing scored, no headline');
    const old = byName.get(runs.old);
    assert.equal(old.headline[0].source, 'first metric');
    assert.equal(old.headline[0].label, 'choice');
  });

  it("takes the benchmark's declared headline for a run whose summary names none", async () => {
    const declared = createViewer({
      runsDir: join(temp, 'runs'),
      ratingsDb: join(temp, 'declared.sqlite'),
      headlines: (benchmark) =>
        benchmark === 'medmcq-mini' ? [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }] : undefined,
    });
    try {
      const { body } = await getJson(declared, '/api/runs');
      const old = body.runs.find((run: any) => run.run === runs.old);
      assert.equal(old.headline[0].source, 'benchmark');
      assert.equal(old.headline[0].label, 'accuracy');
    } finally {
      declared.close();
    }
  });

  it('gives a run page the most common error messages, counted from the samples when the summary has none', async () => {
    const { body } = await getJson(viewer, `/api/run?run=${encodeURIComponent(runs.failed)}`);
    assert.deepEqual(body.topErrors, [{ message: 'model timed out after 3 retries', count: 3 }]);
    assert.equal(body.listing.status, 'failed');
  });

  it('defaults the runs folder to $MEDKIT_RUNS_DIR, else runs/', () => {
    const saved = process.env.MEDKIT_RUNS_DIR;
    try {
      delete process.env.MEDKIT_RUNS_DIR;
      assert.equal(defaultRunsDir(), 'runs');
      process.env.MEDKIT_RUNS_DIR = '/data/evals';
      assert.equal(defaultRunsDir(), '/data/evals');
    } finally {
      if (saved === undefined) delete process.env.MEDKIT_RUNS_DIR;
      else process.env.MEDKIT_RUNS_DIR = saved;
    }
  });
});

describe('leaderboard', () => {
  it('ranks by the headline and pairs each run with the top one over shared units', async () => {
    const { status, body } = await getJson(viewer, '/api/leaderboard?benchmark=medmcq-mini');
    assert.equal(status, 200);
    assert.deepEqual(body.headline, { scorer: 'choice', metric: 'mean', label: 'accuracy', source: 'run' });
    assert.equal(body.top, runs.strong);
    const rows = new Map<string, any>(body.rows.map((row: any) => [row.run, row]));
    assert.deepEqual(
      body.rows.map((row: any) => [row.run, row.rank]),
      [
        [runs.strong, 1],
        [runs.other, 2],
        [runs.weak, 3],
        [runs.old, 4],
      ],
    );
    assert.equal(rows.get(runs.strong).paired, null);
    // weak: 10 scored units (2 errored) shared with the top run; strong misses m04 only
    const weak = rows.get(runs.weak).paired;
    assert.equal(weak.units, 10);
    const mine = Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? 1 : 0));
    const top = Array.from({ length: 10 }, (_, index) => (index === 3 ? 0 : 1));
    const expected = pairedBootstrap(mine, top, { seed: 0 });
    assert.equal(weak.difference, expected.estimate);
    assert.equal(weak.lower, expected.lower);
    assert.equal(weak.upper, expected.upper);
    assert.ok(weak.wilcoxonP > 0 && weak.wilcoxonP < 1);
    assert.equal(rows.get(runs.old).paired.units, 12, 'a run with the same (empty) args is paired');
    const other = rows.get(runs.other);
    assert.equal(other.paired, null);
    assert.match(other.unpaired, /different task args \(path="my-questions\.jsonl"\)/);
  });

  it('names a missing benchmark parameter, and gives an empty board for a benchmark without runs', async () => {
    const missing = await getJson(viewer, '/api/leaderboard');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'benchmark');
    const none = await getJson(viewer, '/api/leaderboard?benchmark=no-such-benchmark');
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.rows, []);
    assert.equal(none.body.top, null);
  });

  it('tells task args apart regardless of key order', () => {
    assert.equal(canonicalArgs({ b: 1, a: { y: [1, 2], x: 'p' } }), canonicalArgs({ a: { x: 'p', y: [1, 2] }, b: 1 }));
    assert.notEqual(canonicalArgs({ a: [1, 2] }), canonicalArgs({ a: [2, 1] }));
  });
});

describe('headline and error helpers', () => {
  const summary = {
    metrics: { rubric: [{ name: 'mean', value: 0.4, n: 5, ci: { lower: 0.2, upper: 0.6, level: 0.95, method: 'b' } }] },
    taskMetrics: [
      { name: 'clipped_mean', value: 0.31, n: 5, ci: { lower: 0.1, upper: 0.5, level: 0.95, method: 'b' } },
    ],
  } as unknown as RunSummary;

  it('resolves a task-level headline and falls back when a reference names nothing', () => {
    const [task] = resolveHeadline(summary, [{ scorer: 'rubric', metric: 'clipped_mean', task: true, label: 'score' }]);
    assert.deepEqual(
      { label: task!.label, value: task!.value, lower: task!.lower, task: task!.task, source: task!.source },
      { label: 'score', value: 0.31, lower: 0.1, task: true, source: 'benchmark' },
    );
    const [fallback] = resolveHeadline(summary, [{ scorer: 'nope', metric: 'mean' }]);
    assert.equal(fallback!.source, 'first metric');
    assert.equal(fallback!.value, 0.4);
    assert.deepEqual(resolveHeadline(null), []);
  });

  it('reads the most common errors in the shapes a summary may carry', () => {
    const expected = [{ message: 'timeout', count: 3 }];
    for (const topErrors of [[{ message: 'timeout', count: 3 }], [['timeout', 3]], { timeout: 3 }])
      assert.deepEqual(summaryErrors({ topErrors } as unknown as RunSummary), expected, JSON.stringify(topErrors));
    assert.equal(summaryErrors({} as RunSummary), null);
    assert.deepEqual(countErrors([null, 'b', 'a', 'b', null, 'a', 'b']), [
      { message: 'b', count: 3 },
      { message: 'a', count: 2 },
    ]);
  });
});
