// The medkit command as a user runs it: a child process, its stdout, stderr and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startLoopbackServer } from '../support/loopback-server.js';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'medkit.js');
// Runs without --out go under MEDKIT_RUNS_DIR: a temporary folder, never the repository's runs/.
const runsDir = mkdtempSync(join(tmpdir(), 'medkit-cli-runs-'));
const cleanEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, MEDKIT_DEBUG: '', MEDKIT_RUNS_DIR: runsDir };
  delete env.OPENAI_API_KEY;
  delete env.OPENAI_BASE_URL;
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  return env;
};

function medkit(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repo,
    env: options.env ?? cleanEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function medkitAsync(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repo, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const temporary = () => mkdtempSync(join(tmpdir(), 'medkit-cli-'));

test('the newcomer command prints a score table with a 95% CI and says the baseline answered', () => {
  const out = join(temporary(), 'run');
  const result = medkit(['eval', 'medmcq-mini', '--out', out, '--cache-dir', join(temporary(), 'cache')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /accuracy\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]\s+42/);
  assert.match(result.stdout, /baseline \(non-LLM\)/);
  assert.match(result.stdout, /non-LLM baseline solver/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.counts.units, 42);
  assert.equal(readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n').length, 42);
  const shown = medkit(['show', out, '--samples', '2']);
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /- mmm-001 #1: choice=/);
});

test('every command has --help', () => {
  for (const command of [[], ['eval'], ['list'], ['show'], ['compare'], ['data', 'check']]) {
    const result = medkit([...command, '--help']);
    assert.equal(result.code, 0, `${command.join(' ')} --help`);
    assert.match(result.stdout, /Usage: medkit/);
  }
});

test('list shows benchmarks, providers and the baseline', () => {
  const result = medkit(['list']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /medmcq-mini/);
  assert.match(result.stdout, /openai/);
  assert.match(result.stdout, /baseline/);
});

test('a malformed dataset line is reported with file and line; the other samples still run', () => {
  const directory = temporary();
  const file = join(directory, 'questions.jsonl');
  const good = (id: string) =>
    JSON.stringify({
      id,
      question: 'Which vitamin deficiency causes scurvy?',
      options: ['Vitamin A', 'Vitamin C'],
      answer: 'B',
    });
  writeFileSync(
    file,
    [
      good('q1'),
      '{"id": "q2", "question": ',
      good('q3'),
      JSON.stringify({ id: 'q4', question: 'x', options: ['a', 'b'], answer: 'E' }),
      good('q5'),
    ].join('\n'),
  );
  const result = medkit(['eval', 'medmcq-mini', '--arg', `path=${file}`, '--no-cache']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /3 samples × 1 epoch\(s\) = 3 units/);
  assert.match(result.stdout, new RegExp(`questions\\.jsonl:2: \\(whole line\\): is not JSON`));
  assert.match(result.stdout, /questions\.jsonl:4: answer: names an option that does not exist/);
  const check = medkit(['data', 'check', 'medmcq', file, '--lenient']);
  assert.equal(check.code, 1);
  assert.match(check.stdout, /3 items/);
  const strict = medkit(['data', 'check', 'medmcq', file]);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, /questions\.jsonl:2/);
  assert.doesNotMatch(strict.stderr, /\n\s+at /, 'no stack trace');
});

test('a missing key and an unreachable server each give one clear message, not a stack trace', () => {
  const missing = medkit(['eval', 'medmcq-mini', '--model', 'openai:gpt-4.1', '--no-cache']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /OPENAI_API_KEY/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  const unreachable = medkit([
    'eval',
    'medmcq-mini',
    '--model',
    'openai:m',
    '--base-url',
    'http://127.0.0.1:9/v1',
    '--max-retries',
    '1',
    '--no-cache',
  ]);
  assert.notEqual(unreachable.code, 0);
  assert.match(unreachable.stderr, /first 8 units all failed/);
  assert.doesNotMatch(unreachable.stderr, /\n\s+at /);
  const unknown = medkit(['eval', 'no-such-benchmark']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown benchmark 'no-such-benchmark'/);
});

test('a config file mirrors the flags, and its mistakes name the field', () => {
  const directory = temporary();
  const good = join(directory, 'run.yaml');
  writeFileSync(good, 'benchmark: medmcq-mini\nlimit: 5\ncache: false\n');
  const result = medkit(['eval', '--config', good]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /5 samples × 1 epoch/);
  const bad = join(directory, 'bad.yaml');
  writeFileSync(bad, 'benchmark: medmcq-mini\nlimit: many\n');
  const failed = medkit(['eval', '--config', bad]);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /bad\.yaml: limit:/);
});

test('kill -9 at a random moment, then --resume: every (sample, epoch) exactly once', async () => {
  const server = await startLoopbackServer({ latencyMs: 15, record: false });
  try {
    const out = join(temporary(), 'run');
    const args = [
      'eval',
      'medmcq-mini',
      '--model',
      'openai:m',
      '--base-url',
      server.baseURL,
      '--epochs',
      '3',
      '--concurrency',
      '6',
      '--no-cache',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repo,
      env: { ...cleanEnv(), OPENAI_API_KEY: 'test' },
      stdio: 'ignore',
    });
    // Wait until some lines exist, then kill at a random moment in the middle of the run.
    const samplesPath = join(out, 'samples.jsonl');
    const lines = () => {
      try {
        return readFileSync(samplesPath, 'utf8').split('\n').length - 1;
      } catch {
        return 0;
      }
    };
    const started = Date.now();
    while (lines() < 5 && Date.now() - started < 60_000) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const before = lines();
    assert.ok(before > 0 && before < 126, `killed mid-run (${before} lines)`);
    const resumed = await medkitAsync(['eval', '--resume', out], { ...cleanEnv(), OPENAI_API_KEY: 'test' });
    assert.equal(resumed.code, 0, resumed.stderr);
    const keys = readFileSync(samplesPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const record = JSON.parse(line);
        return `${record.id}/${record.epoch}`;
      });
    assert.equal(keys.length, 126);
    assert.equal(new Set(keys).size, 126);
    assert.match(resumed.stdout, /42 samples × 3 epoch\(s\) = 126 units/);
  } finally {
    await server.close();
  }
});

test('a provider failing 30% of calls in every way: the run completes and each unit has a score or a recorded error', async () => {
  const server = await startLoopbackServer({
    script: () => 'ANSWER: C',
    faults: {
      rate: 0.3,
      seed: 3,
      types: ['rate-limit', 'server-error', 'hang', 'malformed-json', 'truncated', 'disconnect', 'latency'],
      retryAfter: '0',
    },
    record: false,
  });
  try {
    const out = join(temporary(), 'run');
    const result = await medkitAsync(
      [
        'eval',
        'medmcq-mini',
        '--model',
        'openai:m',
        '--base-url',
        server.baseURL,
        '--timeout',
        '400',
        '--max-retries',
        '4',
        '--concurrency',
        '8',
        '--no-cache',
        '--fail-on-error',
        '0.1',
        '--out',
        out,
      ],
      { ...cleanEnv(), OPENAI_API_KEY: 'test' },
    );
    assert.equal(result.code, 0, result.stderr);
    const records = readFileSync(join(out, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(records.length, 42);
    for (const record of records)
      assert.ok(record.error !== null || typeof record.scores.choice.value === 'number', record.id);
    const scored = records.filter((record) => record.error === null).length;
    assert.ok(scored >= 38, `retries recovered most units (${scored}/42)`);
  } finally {
    await server.close();
  }
});

test('Ctrl-C flushes, writes an interrupted summary and leaves a run --resume finishes', async () => {
  const server = await startLoopbackServer({ latencyMs: 20, record: false });
  try {
    const out = join(temporary(), 'run');
    const env = { ...cleanEnv(), OPENAI_API_KEY: 'test' };
    const child = spawn(
      process.execPath,
      [
        bin,
        'eval',
        'medmcq-mini',
        '--model',
        'openai:m',
        '--base-url',
        server.baseURL,
        '--epochs',
        '2',
        '--concurrency',
        '4',
        '--no-cache',
        '--out',
        out,
      ],
      { cwd: repo, env },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const samplesPath = join(out, 'samples.jsonl');
    const started = Date.now();
    const lines = () => {
      try {
        return readFileSync(samplesPath, 'utf8').split('\n').length - 1;
      } catch {
        return 0;
      }
    };
    while (lines() < 4 && Date.now() - started < 60_000) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping after the units in flight/);
    assert.match(
      stderr,
      new RegExp(`finish the run with: medkit eval --resume ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'interrupted');
    assert.ok(summary.counts.units < 84);
    const resumed = await medkitAsync(['eval', '--resume', out], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const keys = readFileSync(samplesPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const record = JSON.parse(line);
        return `${record.id}/${record.epoch}`;
      });
    assert.equal(new Set(keys).size, 84);
    assert.equal(keys.length, 84);
  } finally {
    await server.close();
  }
});

test('compare pairs two runs sample by sample and prints B − A with a CI and p-values', () => {
  const directory = temporary();
  const baseline = medkit(['eval', 'medmcq-mini', '--no-cache', '--out', join(directory, 'a')]);
  assert.equal(baseline.code, 0, baseline.stderr);
  const scripted = medkit([
    'eval',
    'medmcq-mini',
    '--model',
    'scripted:examples/medmcq-scripted.yaml',
    '--no-cache',
    '--out',
    join(directory, 'b'),
  ]);
  assert.equal(scripted.code, 0, scripted.stderr);
  assert.match(scripted.stdout, /agent=scripted:examples\/medmcq-scripted\.yaml/);
  const result = medkit(['compare', join(directory, 'a'), join(directory, 'b')]);
  assert.equal(result.code, 0, result.stderr);
  const row = result.stdout.split('\n').find((line) => line.startsWith('choice '));
  assert.ok(row, result.stdout);
  const [, meanA, meanB, difference, lower, upper] = /^choice\s+(\S+)\s+(\S+)\s+(\S+) \[(\S+), (\S+)\]/.exec(row!)!;
  assert.ok(Math.abs(Number(meanB) - Number(meanA) - Number(difference)) < 0.0015);
  assert.ok(Number(lower) <= Number(difference) && Number(difference) <= Number(upper));
  assert.match(row!, /\s42\s/);
  const missing = medkit(['compare', join(directory, 'a'), join(directory, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope is not a medkit run \(no spec\.json\)/);
});
