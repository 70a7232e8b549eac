// The viewer reads a run's files only when their real paths stay in the runs folder (a symlinked
// samples.jsonl, spec.json or summary.json pointing outside is refused, not followed), bounds
// request bodies, and never echoes an API key from its environment, even one an old run log holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createViewer, type Viewer } from '../../src/server/app.js';

const MAX_BODY_BYTES = 1024 * 1024; // src/server/app.ts MAX_BODY_BYTES
import { startViewer } from '../../src/server/command.js';
import { writeFixtureRuns, type Fixture } from './fixtures.js';

const KEY_VARIABLE = 'MEDKIT_VIEW_TEST_API_KEY';
const KEY = 'viewer-env-secret-3b7e91d2c4';

let temp: string;
let fixture: Fixture;
let viewer: Viewer;

/** Copies the alpha run to `name` and swaps `file` for a symlink to `target`. */
function linkedRun(name: string, file: string, target: string): void {
  cpSync(join(fixture.root, 'alpha'), join(fixture.root, name), { recursive: true, verbatimSymlinks: true });
  unlinkSync(join(fixture.root, name, file));
  symlinkSync(target, join(fixture.root, name, file));
}

before(async () => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-hard-'));
  fixture = await writeFixtureRuns(join(temp, 'runs'), join(temp, 'outside'));
  const alphaDir = join(fixture.root, 'alpha');
  // Outside copies of a run's files, marked so a leak shows.
  const secretSamples = readFileSync(join(alphaDir, 'samples.jsonl'), 'utf8').replaceAll('Answer: B', 'TOP SECRET');
  writeFileSync(join(fixture.outside, 'samples.jsonl'), secretSamples);
  writeFileSync(
    join(fixture.outside, 'summary.json'),
    readFileSync(join(alphaDir, 'summary.json'), 'utf8').replace('"notes": [', '"notes": ["TOP SECRET",'),
  );
  writeFileSync(
    join(fixture.outside, 'spec.json'),
    readFileSync(join(alphaDir, 'spec.json'), 'utf8').replace('medmcq-mini', 'TOP SECRET'),
  );
  linkedRun('leaky-samples', 'samples.jsonl', join(fixture.outside, 'samples.jsonl'));
  linkedRun('leaky-summary', 'summary.json', join(fixture.outside, 'summary.json'));
  linkedRun('leaky-spec', 'spec.json', join(fixture.outside, 'spec.json'));
  // A symlink that stays inside the runs folder is fine.
  linkedRun('inner-link', 'samples.jsonl', join(alphaDir, 'samples.jsonl'));
  // A run log that holds a key (written before redaction existed, or by hand).
  cpSync(alphaDir, join(fixture.root, 'keyed'), { recursive: true, verbatimSymlinks: true });
  const keyed = readFileSync(join(alphaDir, 'samples.jsonl'), 'utf8').replaceAll(
    'model timed out after 3 retries',
    `openai answered 500: bad key ${KEY}`,
  );
  writeFileSync(join(fixture.root, 'keyed', 'samples.jsonl'), keyed);
  process.env[KEY_VARIABLE] = KEY;
  viewer = createViewer({ runsDir: fixture.root });
});
after(() => {
  viewer.close();
  delete process.env[KEY_VARIABLE];
  rmSync(temp, { recursive: true, force: true });
});

const get = async (path: string) => {
  const response = await viewer.app.request(path);
  return { status: response.status, text: await response.text() };
};

describe('symlinks inside the runs folder', () => {
  it('refuses a run whose samples.jsonl, summary.json or spec.json leads outside, on every route', async () => {
    for (const run of ['leaky-samples', 'leaky-summary', 'leaky-spec']) {
      for (const path of [
        `/api/run?run=${run}`,
        `/api/samples?run=${run}`,
        `/api/sample?run=${run}&id=q2&epoch=1`,
        `/api/compare?a=alpha&b=${run}`,
      ]) {
        const { status, text } = await get(path);
        assert.equal(status, 403, `${path}: ${status} ${text.slice(0, 120)}`);
        assert.match(text, /symlink leaves the runs folder/);
        assert.doesNotMatch(text, /TOP SECRET/);
      }
    }
    const listing = await get('/api/runs');
    assert.doesNotMatch(listing.text, /TOP SECRET/);
    const assignment = await viewer.app.request('/api/assignments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ run: 'leaky-samples', name: 'leak' }),
    });
    assert.equal(assignment.status, 403);
  });

  it('serves a run whose symlinked file stays inside the folder', async () => {
    const { status, text } = await get('/api/samples?run=inner-link');
    assert.equal(status, 200, text);
    assert.equal(JSON.parse(text).total, 12);
  });

  it('refuses a default ratings database symlinked outside the runs folder', () => {
    const runs = join(temp, 'runs-with-db-link');
    cpSync(join(fixture.root, 'beta'), join(runs, 'beta'), { recursive: true });
    symlinkSync(join(fixture.outside, 'ratings.sqlite'), join(runs, '.medkit-ratings.sqlite'));
    writeFileSync(join(fixture.outside, 'ratings.sqlite'), '');
    assert.throws(() => createViewer({ runsDir: runs }), /symlink leaves the runs folder/);
  });
});

describe('request bodies', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    viewer.app.request('/api/assignments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  const big = JSON.stringify({ run: 'counsel', name: 'x'.repeat(MAX_BODY_BYTES + 10) });

  it('refuses a body over the limit with 413, by Content-Length and when streamed without one', async () => {
    const declared = await post(big, { 'Content-Length': String(Buffer.byteLength(big)) });
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).field, '(body)');
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024)
          controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    assert.equal((await post(stream)).status, 413);
    assert.equal((await post(JSON.stringify({ run: 'counsel', name: 'small' }))).status, 201);
  });

  it('refuses it over a real socket too', async () => {
    const server = await startViewer({ runsDir: fixture.root, port: 0 });
    try {
      // agent: false (Connection: close), so closing the server does not wait on a kept-alive socket.
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) };
        const sent = request(new URL('/api/assignments', server.url), { method: 'POST', headers, agent: false });
        sent.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        });
        sent.on('error', reject);
        sent.end(big);
      });
      assert.equal(status, 413);
    } finally {
      await server.close();
    }
  });
});

describe('keys', () => {
  it('never echoes an API key from its environment, even one a run log holds', async () => {
    for (const path of ['/api/samples?run=keyed&error=only', '/api/sample?run=keyed&id=q6&epoch=2']) {
      const { status, text } = await get(path);
      assert.equal(status, 200, text);
      assert.ok(!text.includes(KEY), path);
      assert.match(text, /bad key \[redacted\]/);
    }
  });
});
