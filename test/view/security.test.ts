// Nothing outside the runs folder (and the web app folder) is readable through the viewer: '..',
// encoded '..', absolute paths, backslashes, NUL, symlinks that leave the folder, and image paths
// the sample does not refer to are all refused, through app.request() and through raw HTTP
// requests to a listening server (which no client normalises first).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createViewer, DEFAULT_WEB_DIR, type Viewer } from '../../src/server/app.js';
import { startViewer } from '../../src/server/command.js';
import { checkRelative, PathRefused } from '../../src/server/paths.js';
import { writeFixtureRuns, type Fixture } from './fixtures.js';

let temp: string;
let fixture: Fixture;
let viewer: Viewer;

before(async () => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-sec-'));
  fixture = await writeFixtureRuns(join(temp, 'runs'), join(temp, 'outside'));
  symlinkSync(fixture.outside, join(fixture.root, 'linked'));
  viewer = createViewer({ runsDir: fixture.root });
});
after(() => {
  viewer.close();
  rmSync(temp, { recursive: true, force: true });
});

const bodyOf = async (path: string) => {
  const response = await viewer.app.request(path);
  return { status: response.status, text: await response.text() };
};

describe('the web app', () => {
  it('never parses strings as HTML', () => {
    const files = readdirSync(DEFAULT_WEB_DIR, { recursive: true, encoding: 'utf8' }).filter((file) =>
      /\.(ts|js)$/.test(file),
    );
    assert.ok(files.length >= 8);
    for (const file of files) {
      const text = readFileSync(join(DEFAULT_WEB_DIR, file), 'utf8');
      assert.doesNotMatch(
        text,
        /innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|\beval\(|new Function/,
        file,
      );
    }
  });
});

describe('path rules', () => {
  it('refuses .., absolute, backslash, NUL and empty segments by text', () => {
    for (const given of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', 'a\0b', '', 'a//b', './a', 'C:/x']) {
      assert.throws(() => checkRelative(given), PathRefused, JSON.stringify(given));
    }
    assert.deepEqual(checkRelative('sweep/m1'), ['sweep', 'm1']);
  });

  it('refuses run names that leave the runs folder, encoded or not', async () => {
    for (const run of [
      '..',
      '../outside',
      '..%2Foutside',
      '%2e%2e%2foutside',
      '/etc',
      'alpha/../..',
      'linked',
      'alpha%00',
    ]) {
      const { status, text } = await bodyOf(`/api/run?run=${run}`);
      assert.ok(status === 403 || status === 404 || status === 400, `${run}: ${status}`);
      assert.doesNotMatch(text, /TOP SECRET/);
    }
    const { status } = await bodyOf('/api/samples?run=linked');
    assert.equal(status, 403, 'a symlink to a folder outside is refused');
  });

  it('serves an image only when the sample refers to it and it lies inside the allowed roots', async () => {
    const base = '/api/image?run=alpha&id=q1&epoch=1&path=';
    assert.equal((await bodyOf(base + encodeURIComponent(fixture.imagePath))).status, 200);
    for (const path of [
      join(fixture.outside, 'secret.txt'),
      join(fixture.outside, 'secret.png'),
      '../outside/secret.png',
      '/etc/passwd',
      `${fixture.root}/alpha/../../outside/secret.png`,
    ]) {
      const { status, text } = await bodyOf(base + encodeURIComponent(path));
      assert.equal(status, 403, path);
      assert.doesNotMatch(text, /TOP SECRET/);
    }
    // Recorded by the sample, but a symlink out of the runs folder.
    const escaped = await bodyOf(
      `/api/image?run=alpha&id=q1&epoch=2&path=${encodeURIComponent(join(fixture.root, 'alpha', 'escape.png'))}`,
    );
    assert.equal(escaped.status, 403);
    assert.match(escaped.text, /outside the runs folder/);
  });

  it('serves only web app files from /web/', async () => {
    assert.equal((await bodyOf('/web/app.js')).status, 200);
    for (const path of [
      '/web/..%2f..%2fpackage.json',
      '/web/%2e%2e/%2e%2e/package.json',
      '/web/../package.json',
      '/web/..%5c..%5cpackage.json',
      '/web/views/..%2F..%2F..%2Fsrc%2Fserver%2Fapp.ts',
      '/web/README.md',
    ]) {
      const { status, text } = await bodyOf(path);
      assert.ok(status >= 400, `${path}: ${status}`);
      assert.doesNotMatch(text, /"name": "medkit"/);
    }
  });
});

/** Sends a request line as given, with no client-side normalisation. */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

describe('cross-site requests', () => {
  it('refuses a foreign Host (DNS rebinding), non-JSON posts and foreign origins', async () => {
    const rebound = await viewer.app.request('/api/runs', { headers: { Host: 'evil.example:7860' } });
    assert.equal(rebound.status, 421);
    assert.equal((await viewer.app.request('/api/runs', { headers: { Host: '127.0.0.1:7860' } })).status, 200);
    assert.equal((await viewer.app.request('/api/runs', { headers: { Host: 'localhost:7860' } })).status, 200);
    const form = await viewer.app.request('/api/assignments', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ run: 'counsel', name: 'csrf' }),
    });
    assert.equal(form.status, 415);
    const foreign = await viewer.app.request('/api/assignments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Host: '127.0.0.1:7860', Origin: 'http://evil.example' },
      body: JSON.stringify({ run: 'counsel', name: 'csrf' }),
    });
    assert.equal(foreign.status, 403);
    const same = await viewer.app.request('/api/assignments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Host: '127.0.0.1:7860', Origin: 'http://127.0.0.1:7860' },
      body: JSON.stringify({ run: 'counsel', name: 'same origin' }),
    });
    assert.equal(same.status, 201);
  });
});

describe('over a real socket', () => {
  it('binds 127.0.0.1 by default and refuses raw /../ request targets', async () => {
    const server = await startViewer({ runsDir: fixture.root, port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const port = Number(new URL(server.url).port);
      for (const target of [
        '/../../../etc/passwd',
        '/web/../../package.json',
        '/web/..%2f..%2fpackage.json',
        '/web/%2e%2e/%2e%2e/package.json',
        `/api/image?run=alpha&id=q1&epoch=1&path=${encodeURIComponent('../../outside/secret.txt')}`,
        '/api/run?run=..%2F..%2Foutside',
      ]) {
        const response = await rawGet(port, target);
        const status = Number(response.split(' ')[1]);
        assert.ok(status >= 400, `${target}: ${response.slice(0, 80)}`);
        assert.doesNotMatch(response, /TOP SECRET|"name": "medkit"|root:x:0/);
      }
      assert.match(await rawGet(port, '/'), /^HTTP\/1\.1 200/);
    } finally {
      await server.close();
    }
  });
});
