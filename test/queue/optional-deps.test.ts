// bullmq and ioredis are optional: a plain `medkit eval` must never load them. Only src/queue/connection.ts
// imports them (dynamically), and nothing outside src/queue imports src/queue statically.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const src = new URL('../../src/', import.meta.url).pathname;

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('only src/queue/connection.ts loads bullmq or ioredis, and only src/queue imports src/queue statically', () => {
  const offenders: string[] = [];
  for (const path of sources(src)) {
    const name = relative(src, path);
    const text = readFileSync(path, 'utf8');
    // Value imports (type-only imports are erased by the compiler).
    const libraryImport = /^import (?!type\b)[^;]*from '(bullmq|ioredis)'|import\('(bullmq|ioredis)'\)/m.test(text);
    if (libraryImport && name !== join('queue', 'connection.ts')) offenders.push(`${name} imports bullmq/ioredis`);
    const queueImport = /^import (?!type\b)[^;]*from '[./]*\/?queue\//m.test(text);
    if (queueImport && !name.startsWith('queue')) offenders.push(`${name} imports src/queue statically`);
  }
  assert.deepEqual(offenders, []);
});

test('a worker pointed at a Redis that is not there exits 2 naming the URL, without the password', async () => {
  const { freePort, spawnMedkit } = await import('./harness.js');
  const port = await freePort();
  const worker = spawnMedkit(['worker', '--queue', `redis://:hunter2@127.0.0.1:${port}/0`]);
  assert.equal(await worker.exited, 2, worker.output());
  assert.match(
    worker.output(),
    new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0 \\(no answer in 10 s\\)`),
  );
  assert.doesNotMatch(worker.output(), /hunter2/);
});
