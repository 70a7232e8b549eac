import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openForResume, readSampleRecords, SAMPLES_FILE, unitKey } from '../../src/runner/run-dir.js';

const line = (id: string, epoch: number, error: string | null = null) =>
  JSON.stringify({ id, epoch, scores: {}, output: '', transcript: { messages: [], events: [] }, error }) + '\n';

test('a partial last line left by kill -9 is cut off, and finished units are known', () => {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-rundir-'));
  const path = join(directory, SAMPLES_FILE);
  writeFileSync(path, line('a', 1) + line('b', 1));
  appendFileSync(path, '{"id":"c","epoch":1,"sco'); // torn write
  const done = openForResume(directory);
  assert.deepEqual([...done].sort(), [unitKey('a', 1), unitKey('b', 1)].sort());
  assert.equal(readFileSync(path, 'utf8'), line('a', 1) + line('b', 1));
  assert.equal([...readSampleRecords(directory)].length, 2);
});

test('retry-errors drops failed units so they run again, keeping the others', () => {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-rundir-'));
  writeFileSync(join(directory, SAMPLES_FILE), line('a', 1) + line('b', 1, 'boom') + line('a', 2));
  const done = openForResume(directory, { dropErrors: true });
  assert.deepEqual([...done].sort(), [unitKey('a', 1), unitKey('a', 2)].sort());
  assert.equal([...readSampleRecords(directory)].length, 2);
});

test('a corrupt line in the middle names the file and line', () => {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-rundir-'));
  writeFileSync(join(directory, SAMPLES_FILE), line('a', 1) + 'not json\n' + line('b', 1));
  assert.throws(
    () => openForResume(directory),
    (error: Error) => error.message.includes(`${SAMPLES_FILE}:2`),
  );
});
