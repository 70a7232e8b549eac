// The viewer on runs the real runner wrote (runEval): medmcq-mini with its baseline solver and
// counselbench-eval with its lexicon judge, so the viewer follows the log as it is written, not
// only hand-made fixtures. Also `medkit view` itself: it prints a 127.0.0.1 URL that serves the app.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from '../../src/eval.js';
import { createViewer, type Viewer } from '../../src/server/app.js';

let temp: string;
let viewer: Viewer;

before(async () => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-real-'));
  const cacheDir = join(temp, 'cache');
  await runEval({ benchmark: 'medmcq-mini', outDir: join(temp, 'runs', 'mcq'), cacheDir, progress: 'none' });
  await runEval({
    benchmark: 'medmcq-mini',
    outDir: join(temp, 'runs', 'mcq-seed1'),
    cacheDir,
    progress: 'none',
    seed: 1,
  });
  await runEval({
    benchmark: 'counselbench-eval',
    outDir: join(temp, 'runs', 'counsel'),
    cacheDir,
    progress: 'none',
    limit: 4,
  });
  await runEval({
    benchmark: 'counselbench-eval',
    outDir: join(temp, 'runs', 'counsel-b'),
    cacheDir,
    progress: 'none',
    limit: 3,
    args: { maxWords: 40 },
  });
  await runEval({ benchmark: 'vgmed', outDir: join(temp, 'vg-runs', 'vg'), cacheDir, progress: 'none', limit: 1 });
  viewer = createViewer({ runsDir: join(temp, 'runs') });
});
after(() => {
  viewer.close();
  rmSync(temp, { recursive: true, force: true });
});

const json = async (path: string, init?: RequestInit) => {
  const response = await viewer.app.request(path, init);
  return { status: response.status, body: (await response.json()) as any };
};

describe('runs written by runEval', () => {
  it('lists them and pages their samples', async () => {
    const { body } = await json('/api/runs');
    assert.deepEqual(
      body.runs.map((run: any) => run.run),
      ['counsel', 'counsel-b', 'mcq', 'mcq-seed1'],
    );
    const mcq = body.runs.find((run: any) => run.run === 'mcq');
    assert.equal(mcq.models.agent, 'baseline (non-LLM)');
    assert.ok(typeof mcq.metrics.choice.lower === 'number');
    const page = await json('/api/samples?run=mcq&pageSize=10&group=topic%3Dnutrition');
    assert.ok(page.body.total > 0 && page.body.items.every((item: any) => item.groups.topic === 'nutrition'));
    const compare = await json('/api/compare?a=mcq&b=mcq-seed1');
    assert.equal(compare.status, 200);
    assert.equal(compare.body.metrics[0].key, 'choice');
  });

  it('rates a counselbench-eval run and says the lexicon judge is not a valid judge', async () => {
    const sample = await json('/api/sample?run=counsel&id=mk-01&epoch=1');
    assert.ok(sample.body.record.transcript.events.some((event: any) => event.kind === 'judge'));
    const created = await json('/api/assignments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ run: 'counsel', name: 'real', limit: 2 }),
    });
    assert.equal(created.status, 201);
    const id = created.body.assignment.id;
    assert.equal(created.body.assignment.items, 2);
    const rating = {
      overall: 3,
      empathy: 4,
      specificity: 2,
      medicalAdvice: 'No',
      factualConsistency: 'I am not sure',
      toxicity: 1,
    };
    for (const rater of ['a', 'b']) {
      for (const item of [0, 1]) {
        const saved = await json(`/api/assignments/${id}/ratings`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ item, rater, rating: { ...rating, overall: 3 + item } }),
        });
        assert.equal(saved.status, 201);
      }
    }
    const { body } = await json(`/api/assignments/${id}/agreement`);
    assert.match(body.report.judge, /not a valid judge/);
    const factual = body.report.keys.find((key: any) => key.key === 'factual_consistency');
    assert.ok(
      !factual || factual.items === 0 || factual.notes.length > 0,
      'unsure ratings are dropped, and the report says so',
    );
    assert.equal(body.report.keys.find((key: any) => key.key === 'overall').items, 2);
  });

  it('builds a questions × responses assignment from two runs, question by question', async () => {
    const post = (path: string, body: unknown) =>
      json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post('/api/assignments', {
      runs: ['counsel', 'counsel-b'],
      name: 'two responders',
      limit: 3,
    });
    assert.equal(created.status, 201);
    const id = created.body.assignment.id;
    assert.deepEqual(created.body.assignment.runs, ['counsel', 'counsel-b']);
    const { body: detail } = await json(`/api/assignments/${id}`);
    assert.equal(detail.items.length, 6);
    assert.deepEqual(
      detail.items.slice(0, 2).map((item: any) => [item.sampleId, item.run]),
      [
        ['mk-01', 'counsel'],
        ['mk-01', 'counsel-b'],
      ],
    );
    const rating = { overall: 3, empathy: 4, specificity: 2, medicalAdvice: 'No', factualConsistency: 4, toxicity: 1 };
    for (const rater of ['a', 'b'])
      for (let item = 0; item < 6; item++)
        assert.equal(
          (
            await post(`/api/assignments/${id}/ratings`, {
              item,
              rater,
              rating: { ...rating, overall: 1 + ((item + (rater === 'b' ? item % 2 : 0)) % 5) },
            })
          ).status,
          201,
        );
    const { body } = await json(`/api/assignments/${id}/agreement`);
    const overall = body.report.keys.find((key: any) => key.key === 'overall');
    assert.equal(overall.items, 6);
    assert.equal(
      overall.alphaHumansPerQuestion.questions + overall.alphaHumansPerQuestion.undefinedQuestions,
      3,
      "α per question pools both runs' responses",
    );
    const exported = await viewer.app.request(`/api/assignments/${id}/export`);
    assert.equal((await exported.text()).trim().split('\n').length, 12);
  });
});

describe('images a real run records in the cache', () => {
  it('are served only with the cache as an image root', async () => {
    const cacheDir = join(temp, 'cache');
    for (const [roots, expected] of [
      [[cacheDir], 'url'],
      [[], 'refused'],
    ] as const) {
      const vg = createViewer({
        runsDir: join(temp, 'vg-runs'),
        imageRoots: [...roots],
        ratingsDb: join(temp, `vg-${expected}.sqlite`),
      });
      try {
        const { samples } = (await (await vg.app.request('/api/run?run=vg')).json()) as { samples: number };
        assert.equal(samples, 1);
        const page = (await (await vg.app.request('/api/samples?run=vg')).json()) as { items: { id: string }[] };
        const sample = (await (
          await vg.app.request(`/api/sample?run=vg&id=${encodeURIComponent(page.items[0]!.id)}&epoch=1`)
        ).json()) as { images: Record<string, { url?: string; refused?: string }>; record: any };
        const entries = Object.entries(sample.images);
        assert.ok(entries.length >= 1 && entries.every(([path]) => path.startsWith(cacheDir)));
        assert.ok(sample.record.transcript.events.some((event: any) => event.kind === 'image-region'));
        for (const [, image] of entries) {
          assert.ok(expected in image, JSON.stringify(image));
          if (image.url) assert.equal((await vg.app.request(image.url)).headers.get('content-type'), 'image/png');
        }
      } finally {
        vg.close();
      }
    }
  });
});

describe('medkit view', () => {
  it('prints a 127.0.0.1 URL that serves the web app', async () => {
    const child = spawn(process.execPath, ['bin/medkit.js', 'view', join(temp, 'runs'), '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script defer src="web\/app.js">/);
      const runs = (await (await fetch(`${url}api/runs`)).json()) as { runs: unknown[] };
      assert.equal(runs.runs.length, 4);
      const busy = spawn(
        process.execPath,
        ['bin/medkit.js', 'view', join(temp, 'runs', 'mcq'), '--port', new URL(url).port],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      busy.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise((resolve) => busy.on('exit', resolve));
      assert.equal(code, 2);
      assert.match(
        stderr,
        /mcq is a run directory; serving the runs in /,
        'a run directory given: its parent is served',
      );
      assert.match(stderr, /is in use; pick another with --port/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
