// Issue 11, item 1: upstream task files have no user_turns. Without a user model the scripted user
// must not silently send the hidden instruction (an easier, non-interactive benchmark): the run is
// refused with what to give, unless `--arg user=instruction` opts in, which the run notes then name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type Sample } from '../../src/core/index.js';
import { newTaskState } from '../../src/core/solvers.js';
import { createTestContext } from '../../src/runner/context.js';
import { runEval } from '../../src/eval.js';
import { ehrChatqa } from '../../src/benchmarks/ehr-chatqa/index.js';
import { ensureDatabase } from '../../src/benchmarks/ehr-chatqa/db.js';
import { ensureTaskFiles } from '../../src/benchmarks/ehr-chatqa/tasks.js';
import { scriptedModel } from '../../src/models/scripted.js';

const dir = mkdtempSync(join(tmpdir(), 'ehr-user-mode-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const cacheDir = join(dir, 'cache');

/** An upstream-shaped checkout: src/envs/mimic_iv_star/ with the database and task files without user_turns. */
function upstreamCheckout(): string {
  const root = join(dir, 'EHR-ChatQA');
  const env = join(root, 'src', 'envs', 'mimic_iv_star');
  mkdirSync(env, { recursive: true });
  copyFileSync(ensureDatabase(cacheDir, 'mimic_iv_star'), join(env, 'mimic_iv_star.sqlite'));
  const files = ensureTaskFiles(cacheDir, 'mimic_iv_star');
  for (const type of ['incre', 'adapt'] as const) {
    const tasks = JSON.parse(readFileSync(files[type], 'utf8')) as Record<string, unknown>[];
    const upstream = tasks.slice(0, 3).map(({ task_id, task_type, db_id, instruction, gold_sql, gold_answer }) => ({
      task_id,
      task_type,
      db_id,
      instruction,
      gold_sql,
      gold_answer,
    }));
    writeFileSync(join(env, `eval_${type}.jsonl`), JSON.stringify(upstream));
  }
  return root;
}
const upstreamDir = upstreamCheckout();
const base = { benchmark: 'ehr-chatqa', cacheDir, cache: false, progress: 'none' as const, epochs: 1 };

test('tasks without user_turns and no user model: the run is refused, saying what to give', async () => {
  const outDir = join(dir, 'refused');
  await assert.rejects(
    runEval({ ...base, outDir, args: { upstreamDir, database: 'mimic' } }),
    (error: Error) =>
      error instanceof ConfigError &&
      /6 of 6 tasks \(e\.g\. mimic_iv_star-incre-0\) have no user_turns/.test(error.message) &&
      error.message.includes('--role user=<provider:model>') &&
      error.message.includes('--arg user=instruction'),
  );
  assert.equal(existsSync(outDir), false, 'nothing was run');
});

test('--arg user=instruction opts in: the instruction is sent and the notes say the run is non-interactive', async () => {
  const outDir = join(dir, 'instruction');
  const summary = await runEval({
    ...base,
    outDir,
    limit: 2,
    args: { upstreamDir, database: 'mimic', taskType: 'increqa', user: 'instruction' },
  });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.errors, 0);
  const notes = summary.notes.join('\n');
  assert.match(notes, /NON-INTERACTIVE run \(--arg user=instruction\)/);
  assert.match(notes, /role 'user' has no model: the scripted user sends each task's whole hidden instruction/);
  assert.doesNotMatch(notes, /speaks each task's user_turns/);
  assert.equal(summary.task.args.user, 'instruction');
  const record = JSON.parse(readFileSync(join(outDir, 'samples.jsonl'), 'utf8').split('\n')[0]!);
  assert.equal(record.metadata.user, 'scripted-instruction');
  const tasks = JSON.parse(readFileSync(join(upstreamDir, 'src/envs/mimic_iv_star/eval_incre.jsonl'), 'utf8'));
  const instruction = tasks.find(
    (t: { task_id: string }) => `mimic_iv_star-incre-${t.task_id}` === record.id,
  ).instruction;
  const firstTurn = record.transcript.events.find((e: { kind?: string }) => e.kind === 'user-turn');
  assert.equal(firstTurn.data.text, instruction);
});

test('synthetic tasks carry user_turns: the scripted user runs and the note says so truthfully', async () => {
  const summary = await runEval({ ...base, limit: 1, args: { database: 'mimic', taskType: 'adaptqa' } });
  assert.equal(summary.status, 'complete');
  assert.match(summary.notes.join('\n'), /role 'user' has no model: the scripted user speaks each task's user_turns/);
  assert.doesNotMatch(summary.notes.join('\n'), /NON-INTERACTIVE/);
});

test('the solver refuses too when called directly, and user=instruction cannot be mixed with a user model', async () => {
  const options = { args: { upstreamDir, database: 'mimic' }, seed: 0, cacheDir };
  const sample = ((await ehrChatqa.dataset(options)) as Sample[])[0]!;
  const solver = ehrChatqa.solvers.baseline(options);
  await assert.rejects(solver.solve(newTaskState(sample, 1), createTestContext({})), /have no user_turns/);
  await assert.rejects(
    async () => ehrChatqa.preflight!({ ...options, args: { ...options.args, user: 'instruction' } }, ['user']),
    /cannot be combined with --role user/,
  );
  // With a user model, upstream tasks need nothing else.
  assert.deepEqual(await ehrChatqa.preflight!(options, ['agent', 'user']), {});
  const user = scriptedModel(['I need something', '###END###'], { fallback: '###END###' });
  const state = await solver.solve(newTaskState(sample, 1), createTestContext({ user }));
  assert.equal(state.metadata.user, 'llm');
});

test('--arg user takes turns or instruction only', () => {
  assert.throws(
    () => ehrChatqa.preflight!({ args: { user: 'hidden' }, seed: 0, cacheDir }, []),
    (error: Error) => error instanceof ConfigError && /--arg user=hidden/.test(error.message),
  );
  assert.equal(ehrChatqa.args!.parse({}).user, 'turns');
});
