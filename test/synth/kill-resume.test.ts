// A real kill -9 of `medkit synth` mid-run, then `--resume`: every figure exactly once, items written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'medkit.js');
const stageLines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;

test('kill -9 during medkit synth, then --resume: every figure exactly once', { timeout: 180_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'synth-kill-')), 'run');
  const stage = join(out, 'verified.jsonl');
  const child = spawn(process.execPath, [bin, 'synth', '--out', out, '--n', '14', '--concurrency', '1'], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while (stageLines(stage) < 3 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exited;
  const before = stageLines(stage);
  assert.ok(before >= 3 && before < 14, `killed after ${before} figures`);
  assert.ok(!existsSync(join(out, 'medsynvqa.jsonl')));
  const resumed = spawnSync(process.execPath, [bin, 'synth', '--out', out, '--resume'], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  const keys = readFileSync(stage, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).key);
  assert.equal(keys.length, 14);
  assert.equal(new Set(keys).size, 14);
  assert.match(resumed.stdout, /already done/);
  assert.ok(existsSync(join(out, 'medsynvqa.jsonl')));
});
