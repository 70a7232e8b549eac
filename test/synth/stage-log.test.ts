// The synth stage file resumes through the runner's openForResume (one exactly-once implementation):
// a partial last line is cut, keys come from `key`, a key-less line names file:line, and files larger than
// the 1 MB read chunk (lines across chunk boundaries) are read whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openForResume } from '../../src/runner/run-dir.js';
import { finishedKeys } from '../../src/synth/stage-log.js';

test('stage file: the runner cuts a partial last line and returns figure keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-stage-'));
  const path = join(dir, 'verified.jsonl');
  const filler = 'x'.repeat(3000);
  const lines = Array.from({ length: 900 }, (_, i) => JSON.stringify({ key: `fig-${i}`, filler }));
  writeFileSync(path, `${lines.join('\n')}\n`); // ~2.7 MB: lines cross the 1 MB read chunks
  appendFileSync(path, '{"key": "fig-partial", "fil');
  const keys = finishedKeys(path);
  assert.equal(keys.size, 900);
  assert.ok(keys.has('fig-0') && keys.has('fig-899') && !keys.has('fig-partial'));
  assert.ok(readFileSync(path, 'utf8').endsWith('}\n'));
  appendFileSync(path, '{"status": "verified"}\n');
  assert.throws(() => finishedKeys(path), /verified\.jsonl:901: key: is missing/);
});

test('samples.jsonl: dropErrors rewrites the file without failed units (streamed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-resume-'));
  const path = join(dir, 'samples.jsonl');
  writeFileSync(
    path,
    [
      { id: 'a', epoch: 1, error: null },
      { id: 'b', epoch: 1, error: 'boom' },
      { id: 'c', epoch: 1, error: null },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const done = openForResume(dir, { dropErrors: true });
  assert.equal(done.size, 2);
  assert.deepEqual(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id),
    ['a', 'c'],
  );
});
