// Whole episodes driven by scripted agent, user and validator models through the real solver and scorer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateRequest, Sample, TaskState } from '../../src/core/index.js';
import { messageText } from '../../src/core/index.js';
import { newTaskState } from '../../src/core/solvers.js';
import { scriptedModel, type ScriptedReply } from '../../src/models/scripted.js';
import { createTestContext } from '../../src/runner/context.js';
import { ehrChatqa } from '../../src/benchmarks/ehr-chatqa/index.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ehr-episode-'));
test.after(() => rmSync(cacheDir, { recursive: true, force: true }));
const options = (args: Record<string, string> = {}) => ({ args: { database: 'mimic', ...args }, seed: 0, cacheDir });
const samples = [...((await ehrChatqa.dataset(options())) as Sample[])];
const find = (id: string) => samples.find((sample) => sample.id === id)!;
const task = (sample: Sample) =>
  sample.metadata!.task as unknown as { gold_sql: string; user_turns: string[]; instruction: string };

async function run(sample: Sample, models: Parameters<typeof createTestContext>[0], args: Record<string, string> = {}) {
  const context = createTestContext(models);
  const solver = ehrChatqa.solvers.default(options(args));
  const state: TaskState = await solver.solve(newTaskState(sample, 1), context);
  const score = await ehrChatqa.scorers(options(args))[0]!.score(state, context);
  return { state, score, context };
}

const call = (name: string, args: Record<string, unknown> | string): ScriptedReply => ({
  text: '',
  toolCalls: [{ name, arguments: args }],
});

test('IncreQA success: exploration, the gold-equivalent query, the scripted user ends', async () => {
  const sample = samples.find((s) => s.metadata!.taskType === 'increqa')!;
  const agent = scriptedModel(
    [
      call('table_search', {}),
      call('value_substring_search', { table: 'labtesttypes', column: 'itemname', value: 'hemo' }),
      call('sql_execute', { query: 'SELECT COUNT(*) FROM demographics' }),
      'Which value do you need?',
      call('sql_execute', { query: task(sample).gold_sql }),
      'The result is in. It is the value measured during the stay.',
      'Yes, it covers everything.',
    ],
    { fallback: 'Done.' },
  );
  const { state, score } = await run(sample, { agent });
  assert.equal(state.metadata.endReason, 'user-end');
  assert.equal(score.value, 1);
  assert.equal(state.metadata.toolCalls, 4);
  assert.deepEqual((state.metadata.queries as string[]).length, 2);
  // The tools got the first call only; the system prompt holds the db rules and grading rules.
  assert.match(messageText(agent.calls[0]!.messages[0]!), /Grading: you are scored on the SQL/);
  assert.ok(agent.calls[0]!.tools!.some((tool) => tool.name === 'value_similarity_search'));
  // Final scope: the last query is the gold one, so it also scores.
  const final = await run(
    sample,
    {
      agent: scriptedModel(
        [call('sql_execute', { query: task(sample).gold_sql }), call('sql_execute', { query: 'SELECT 1' }), 'done'],
        { fallback: 'ok' },
      ),
    },
    { rewardScope: 'final' },
  );
  assert.equal(final.score.value, 0);
  assert.equal(final.score.metadata!.reward_any, 1);
});

test('AdaptQA fallback: the brand is absent, the generic answers, inside <answer> tags', async () => {
  const sample = samples.find(
    (s) => s.metadata!.categories === 'brand-generic' && /lipitor/.test(task(s).instruction),
  )!;
  const patient = /patient (\d+)/.exec(task(sample).instruction)![1];
  const agent = scriptedModel(
    [
      call('value_substring_search', { table: 'medicationorders', column: 'medicationname', value: 'lipitor' }),
      'I found no lipitor. Should I look for something else?',
      call('web_search', { query: 'lipitor generic name' }),
      call('sql_execute', {
        query: `SELECT COUNT(*) FROM medicationorders WHERE patientid = ${patient} AND medicationname LIKE '%atorvastatin%'`,
      }),
      'Counting atorvastatin orders instead.',
    ],
    { fallback: 'Done.' },
  );
  const { state } = await run(sample, { agent });
  const responses = state.metadata.responses as string[];
  assert.ok(!responses.some((r) => r.includes('<answer>')));
  const result = agent.calls[3]!.messages.at(-1)!;
  assert.equal(result.role, 'tool');
  assert.match(messageText(result), /Lipitor is the brand name of atorvastatin/);
  // Now the same with the count reported in tags.
  const count = Number((sample.target as number[][])[0]![0]);
  const agent2 = scriptedModel(
    [
      call('value_substring_search', { table: 'medicationorders', column: 'medicationname', value: 'lipitor' }),
      call('sql_execute', {
        query: `SELECT COUNT(*) FROM medicationorders WHERE patientid = ${patient} AND medicationname LIKE '%atorvastatin%'`,
      }),
      `No lipitor is stored; its generic atorvastatin was ordered <answer>${count}</answer> times.`,
    ],
    { fallback: 'Done.' },
  );
  const second = await run(sample, { agent: agent2 });
  assert.equal(second.score.value, 1);
});

test('LLM user: rule violations and empty messages are rejected and regenerated; the verifier and reflection run', async () => {
  const sample = samples.find((s) => s.metadata!.taskType === 'increqa')!;
  const userReplies: ScriptedReply[] = [
    'SELECT * FROM labresults', // rejected: SQL
    '', // rejected: empty
    'hey, I need a lab value for someone in the hospital',
    'just tell me', // candidate 2 (verified)
    'no', // verifier says no
    '{"reflection": "too vague", "new_response": "patient first, then the lab please"}',
    'yes',
    '###END###',
    'yes',
  ];
  const user = scriptedModel(userReplies);
  const agent = scriptedModel(['Which patient?', 'Noted.'], { fallback: 'ok' });
  const { state, context } = await run(sample, { agent, user });
  assert.equal(state.metadata.endReason, 'user-end');
  assert.equal(state.metadata.userRejections, 2);
  assert.equal(state.metadata.reflections, 1);
  const turns = context.events
    .filter((e) => e.type === 'evidence' && e.kind === 'user-turn')
    .map((e) => (e as unknown as { data: { verdict: string } }).data.verdict);
  assert.deepEqual(turns.slice(0, 3), [
    "rejected: the message contains 'SELECT'",
    'rejected: the message is empty',
    'sent',
  ]);
  // Roles are flipped for the user model: the greeting arrives as `user`.
  const first = user.calls[0]!;
  assert.equal(first.messages[1]!.role, 'user');
  assert.match(messageText(first.messages[0]!), /Instruction: /);
  // The correction note follows a rejected message.
  assert.match(messageText(user.calls[1]!.messages.at(-1)!), /rejected because the message contains 'SELECT'/);
  // The sent message is the reflected one.
  assert.ok(state.messages.some((m) => m.role === 'user' && messageText(m) === 'patient first, then the lab please'));
  assert.equal(state.metadata.user, 'llm');
});

test('an LLM user that only produces empty messages ends the episode instead of crashing', async () => {
  const sample = samples[0]!;
  const { state, score } = await run(sample, {
    agent: scriptedModel([], { fallback: 'hello' }),
    user: scriptedModel([], { fallback: '' }),
  });
  assert.equal(state.metadata.endReason, 'user-end');
  assert.equal(state.metadata.userRejections, 3);
  assert.equal(score.value, 0);
});

test('agent timeout: cumulative model time past the budget ends the episode with reward 0', async () => {
  const sample = samples[0]!;
  const slow: ScriptedReply = {
    text: '',
    latencyMs: 400_000,
    toolCalls: [{ name: 'sql_execute', arguments: { query: task(sample).gold_sql } }],
  };
  const { state, score } = await run(sample, { agent: scriptedModel([slow, slow, 'done'], { fallback: 'done' }) });
  assert.equal(state.metadata.endReason, 'agent-timeout');
  assert.equal(score.value, 0);
  assert.match(String(score.explanation), /agent-timeout/);
});

test('garbage tool-call JSON and a runaway query come back as tool errors; the episode goes on', async () => {
  const sample = samples[0]!;
  const agent = scriptedModel(
    [
      call('sql_execute', '{"query": "SELECT 1'),
      call('sql_execute', {
        query: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c',
        timeout: 0.5,
      }),
      call('sql_execute', { query: 'SELEC 1' }),
      call('sql_execute', { query: 'DELETE FROM demographics' }),
      call('sql_execute', { query: task(sample).gold_sql }),
      'Here is the answer.',
    ],
    { fallback: 'ok' },
  );
  const { state, score } = await run(sample, { agent });
  const tools = state.messages.filter((m) => m.role === 'tool').map(messageText);
  assert.match(tools[0]!, /^Error: the arguments of sql_execute are not valid JSON/);
  assert.equal(tools[1], 'Error: Query execution timed out after 0.5 seconds');
  assert.equal(tools[2], 'Error: near "SELEC": syntax error');
  assert.equal(tools[3], 'Error: attempt to write a readonly database');
  assert.equal(state.metadata.parseErrors, 1);
  assert.equal(state.metadata.toolErrors, 4);
  assert.equal(score.value, 1);
});

test('validator re-run: an episode blamed on the user is run again with the mistake injected', async () => {
  const sample = samples[0]!;
  let validations = 0;
  const validator = scriptedModel(() => {
    validations++;
    return validations === 1
      ? '{"explanation": "the user revealed every goal at once", "evidence": "turn 1", "broken_rule": "1", "result": "user_error"}'
      : '{"explanation": "fine", "evidence": "", "broken_rule": "", "result": "no_error"}';
  });
  const user = scriptedModel((request: GenerateRequest) => {
    const last = messageText(request.messages.at(-1)!);
    if (/Answer only "yes" or "no"/.test(last)) return 'yes';
    return /result/i.test(last) ? '###END###' : 'what was the lab value?';
  });
  const agent = scriptedModel((request: GenerateRequest) =>
    request.messages.at(-1)!.role === 'tool'
      ? 'The result is ready.'
      : call('sql_execute', { query: task(sample).gold_sql }),
  );
  const { state, score } = await run(sample, { agent, user, validator });
  assert.equal(validations, 2);
  assert.equal(state.metadata.retry, 1);
  assert.deepEqual(state.metadata.retryReasons, ['the user revealed every goal at once']);
  const systemPrompts = user.calls
    .map((c) => messageText(c.messages[0]!))
    .filter((t) => t.includes('Previous user mistakes'));
  assert.ok(systemPrompts.length > 0, 'the second run tells the user about its earlier mistake');
  assert.equal(score.value, 1);
  // Retries exhausted: the reward is null (upstream refuses to score the task).
  const always = scriptedModel([], { fallback: '{"explanation": "bad user", "result": "user_error"}' });
  const exhausted = await run(sample, { agent, user, validator: always }, { maxRetry: '2' });
  assert.equal(exhausted.state.metadata.retryExhausted, true);
  assert.equal(exhausted.score.value, null);
});

test('max steps: an agent that never answers stops at the step limit with reward 0', async () => {
  const sample = samples[0]!;
  const { state, score } = await run(
    sample,
    { agent: scriptedModel([], { fallback: call('table_search', {}) }) },
    { maxSteps: '5' },
  );
  assert.equal(state.metadata.endReason, 'max-steps');
  assert.equal(state.metadata.steps, 5);
  assert.equal(score.value, 0);
});

test('the baseline agent with the scripted user solves a task using the tools only', async () => {
  const sample = find('mimic_iv_star-incre-0');
  const context = createTestContext();
  const state = await ehrChatqa.solvers.baseline(options()).solve(newTaskState(sample, 1), context);
  assert.equal(state.metadata.agent, 'baseline');
  assert.equal(state.metadata.user, 'scripted');
  assert.ok(context.events.some((e) => e.type === 'tool' && e.name === 'value_substring_search'));
  assert.ok((state.metadata.queries as string[]).length >= 1);
});

test("value_similarity_search can use a provider's embedding endpoint (--arg embeddings=agent)", async () => {
  const sample = samples[0]!;
  const agent = scriptedModel(
    [call('value_similarity_search', { table: 'labtesttypes', column: 'itemname', value: 'hemoglobin', k: 3 }), 'done'],
    { fallback: 'ok' },
  );
  let embedded = 0;
  const embed = agent.doEmbed.bind(agent);
  agent.doEmbed = async (texts: string[]) => {
    embedded += texts.length;
    return embed(texts);
  };
  const { state } = await run(sample, { agent }, { embeddings: 'agent' });
  const result = messageText(state.messages.find((m) => m.role === 'tool')!);
  assert.match(result, /^I found close matches in labtesttypes\.itemname: \['hemoglobin', /);
  assert.ok(embedded > 30, `embedded ${embedded} texts`);
  await assert.rejects(run(sample, {}, { embeddings: 'judge' }), /no model for role 'judge'/);
});
