// The first hour of a new user (issue 12): runs are kept, failures are visible in the exit code and the
// summary, arguments are declared and checked, and the output leads with the paper's headline number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const repo = join(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'medkit.js');
const temporary = () => mkdtempSync(join(tmpdir(), 'medkit-everyday-'));

function medkit(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, MEDKIT_DEBUG: '', ...env };
  delete base.OPENAI_API_KEY;
  delete base.OPENAI_BASE_URL;
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env: base,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scripted model with n replies: the units after the n-th fail with "scripted replies are used up". */
function scriptWith(replies: number): string {
  const file = join(temporary(), 'script.json');
  writeFileSync(file, JSON.stringify(Array.from({ length: replies }, () => 'ANSWER: A')));
  return file;
}

test('without --out a run is kept under MEDKIT_RUNS_DIR/<benchmark>/<UTC time>-<id>, and the output says where', () => {
  const runs = temporary();
  const result = medkit(['eval', 'kgqa-mini', '--limit', '3', '--cache-dir', join(runs, '.cache')], {
    MEDKIT_RUNS_DIR: runs,
  });
  assert.equal(result.code, 0, result.stderr);
  const folders = readdirSync(join(runs, 'kgqa-mini'));
  assert.equal(folders.length, 1);
  assert.match(folders[0]!, /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{8}$/);
  const run = join(runs, 'kgqa-mini', folders[0]!);
  for (const file of ['spec.json', 'samples.jsonl', 'summary.json']) assert.ok(existsSync(join(run, file)), file);
  assert.match(result.stdout, new RegExp(`run written to ${run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  // medkit view opens that folder by default
  const help = medkit(['view', '--help'], { MEDKIT_RUNS_DIR: runs });
  assert.match(help.stdout, new RegExp(`default: "${runs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
});

test('the default output leads with the headline (95% CI, n) and its value per group; --verbose shows the rest', () => {
  const runs = temporary();
  const out = join(runs, 'cxr');
  const result = medkit(['eval', 'cxr-qba-synthetic', '--out', out, '--cache-dir', join(runs, '.cache')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /answer ROUGE-L\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]\s+47/);
  assert.match(result.stdout, /box IoU \(micro\)\s+\d\.\d{3}\s+28/);
  assert.match(result.stdout, /question_type\s+answer ROUGE-L\s+n\n/);
  assert.doesNotMatch(result.stdout, /cxr_qba\.positiveness|px_/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(
    summary.headline.map((value: { label: string }) => value.label),
    ['answer ROUGE-L', 'box IoU (micro)'],
  );
  assert.ok(summary.metrics['cxr_qba_boxes.px_union'], 'bookkeeping stays in summary.json');
  const verbose = medkit(['show', out, '--verbose']);
  assert.match(verbose.stdout, /cxr_qba\.positiveness mean/);
  assert.doesNotMatch(verbose.stdout, /px_/, 'pixel counts are bookkeeping: never in a table');
});

test('ehr-chatqa: SR, pass@5 and pass^5 lead, then per database', () => {
  const runs = temporary();
  const result = medkit([
    'eval',
    'ehr-chatqa',
    '--limit',
    '6',
    '--out',
    join(runs, 'run'),
    '--cache-dir',
    join(runs, 'cache'),
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^SR\s+\d\.\d{3} \[/m);
  assert.match(result.stdout, /^pass@5\s+\d\.\d{3} \[/m);
  assert.match(result.stdout, /^pass\^5\s+\d\.\d{3} \[/m);
  assert.match(result.stdout, /^database\s+SR\s+pass@5\s+pass\^5\s+n$/m);
  assert.doesNotMatch(result.stdout, /gap@5\[tag=/);
});

test('units that fail give exit 1, their count and the most common messages; --fail-on-error allows a share', () => {
  const script = scriptWith(10);
  const runs = temporary();
  const failing = medkit(['eval', 'medmcq-mini', '--model', `scripted:${script}`, '--concurrency', '1', '--no-cache'], {
    MEDKIT_RUNS_DIR: runs,
  });
  assert.equal(failing.code, 1, failing.stderr);
  assert.match(failing.stdout, /42 units, 32 errors/);
  assert.match(
    failing.stdout,
    /32 unit\(s\) failed; most common errors:\n\s+32 × solver chain: .*scripted replies are used up/,
  );
  assert.match(failing.stderr, /exit 1: 32 of 42 units failed/);
  const [folder] = readdirSync(join(runs, 'medmcq-mini'));
  const summary = JSON.parse(readFileSync(join(runs, 'medmcq-mini', folder!, 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'complete');
  assert.deepEqual(summary.errorMessages[0].count, 32);
  const allowed = medkit(
    [
      'eval',
      'medmcq-mini',
      '--model',
      `scripted:${script}`,
      '--concurrency',
      '1',
      '--no-cache',
      '--fail-on-error',
      '0.8',
    ],
    { MEDKIT_RUNS_DIR: runs },
  );
  assert.equal(allowed.code, 0, allowed.stderr);
  const counted = medkit(
    [
      'eval',
      'medmcq-mini',
      '--model',
      `scripted:${script}`,
      '--concurrency',
      '1',
      '--no-cache',
      '--fail-on-error',
      '32',
    ],
    { MEDKIT_RUNS_DIR: runs },
  );
  assert.equal(counted.code, 1, 'a count fails when at least that many units failed (inspect_ai)');
  const never = medkit(
    ['eval', 'medmcq-mini', '--model', `scripted:${script}`, '--concurrency', '1', '--no-cache', '--no-fail-on-error'],
    {
      MEDKIT_RUNS_DIR: runs,
    },
  );
  assert.equal(never.code, 0);
  const bad = medkit(['eval', 'medmcq-mini', '--fail-on-error', '1.5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on-error expects a fraction in \(0, 1\).*got '1\.5'/);
});

test('a run where every unit failed is "failed", with its reason', () => {
  const runs = temporary();
  const result = medkit(['eval', 'medmcq-mini', '--model', `scripted:${scriptWith(0)}`, '--limit', '3', '--no-cache'], {
    MEDKIT_RUNS_DIR: runs,
  });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /medmcq-mini v1\s+failed/);
  assert.match(result.stderr, /every unit failed \(3\)/);
});

test('a mistyped --arg fails before anything runs, with "did you mean"; a wrong type names the key', () => {
  const runs = temporary();
  const typo = medkit(['eval', 'medmcq-mini', '--arg', 'pth=my.jsonl'], { MEDKIT_RUNS_DIR: runs });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /--arg pth: medmcq-mini has no option 'pth'; did you mean 'path'\?/);
  assert.equal(existsSync(join(runs, 'medmcq-mini')), false, 'no run was started');
  const type = medkit(['eval', 'cxr-qba-synthetic', '--arg', 'n=twelve'], { MEDKIT_RUNS_DIR: runs });
  assert.equal(type.code, 2);
  assert.match(type.stderr, /--arg n=twelve: expected number.*declared: integer/);
  const config = join(temporary(), 'run.yaml');
  writeFileSync(config, 'benchmark: medmcq-mini\nargs:\n  pth: my.jsonl\n');
  const fromConfig = medkit(['eval', '--config', config], { MEDKIT_RUNS_DIR: runs });
  assert.equal(fromConfig.code, 2);
  assert.match(fromConfig.stderr, /run\.yaml: args\.pth: .*did you mean 'path'/);
});

test('eval <benchmark> --help and info show options, solvers, roles and the headline; list fits 100 columns', () => {
  const help = medkit(['eval', 'ehr-chatqa', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: medkit eval/);
  assert.match(help.stdout, /headline: SR \(scorer reward mean\)/);
  assert.match(help.stdout, /^ {2}taskType\s+\S+ \(default both\): /m);
  assert.match(help.stdout, /roles: agent \(--model\), user \(--role user=\.\.\.\), validator/);
  const info = medkit(['info', 'medmcq-mini']);
  assert.equal(info.code, 0);
  assert.match(
    info.stdout,
    /solvers \(--solver\): baseline \(without --model\), default \(with --model\), kgarevion \(agent\)/,
  );
  assert.match(info.stdout, /options of agent kgarevion \(with --solver kgarevion\):/);
  const agent = medkit(['info', 'kgarevion']);
  assert.match(agent.stdout, /verifier\s+exact\|kge\|llm\|composite \(default exact\)/);
  const unknown = medkit(['info', 'ehr-chatq']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /did you mean 'ehr-chatqa'/);
  const list = medkit(['list']);
  assert.equal(list.code, 0);
  for (const line of list.stdout.split('\n')) assert.ok(line.length <= 100, `over 100 columns: ${line}`);
  for (const name of ['ehr-chatqa', 'kgarevion', 'medmcq', 'openai', 'baseline'])
    assert.ok(
      list.stdout.split('\n').some((line) => line.startsWith(`  ${name} `)),
      name,
    );
  assert.doesNotMatch(list.stdout, /--arg \w+=/, 'options are in medkit info, not in the list');
});

test('--resume on a folder that is not a run says what a run folder is and names the newest run below it', () => {
  const runs = temporary();
  mkdirSync(join(runs, 'medmcq-mini', '2026-01-01T00-00-00Z-aaaaaaaa'), { recursive: true });
  writeFileSync(join(runs, 'medmcq-mini', '2026-01-01T00-00-00Z-aaaaaaaa', 'spec.json'), '{}');
  const result = medkit(['eval', '--resume', runs]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /is not a medkit run \(no spec\.json\)\. It holds 1 run\(s\); the newest: .*aaaaaaaa/);
});

test('a model role without a model points to --model for the agent, --role for the others', () => {
  const result = medkit(['eval', 'medmcq-mini', '--solver', 'default', '--limit', '1', '--no-cache'], {
    MEDKIT_RUNS_DIR: temporary(),
  });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr + result.stdout, /no model for role 'agent'; give one with --model <provider:model>/);
  assert.doesNotMatch(result.stderr + result.stdout, /--role agent=/);
});
