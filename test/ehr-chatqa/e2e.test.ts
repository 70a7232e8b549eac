// End to end through runEval: the baseline run, and openai: agent + user models against the
// loopback OpenAI server holding real multi-turn conversations with tool calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from '../../src/eval.js';
import { startLoopbackServer, type LoopbackTurn } from '../support/loopback-server.js';

const dir = mkdtempSync(join(tmpdir(), 'ehr-e2e-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('baseline run (scripted user) on both databases prints SR, pass@k and pass^k', async () => {
  const summary = await runEval({
    benchmark: 'ehr-chatqa',
    limit: 12,
    epochs: 2,
    concurrency: 2,
    cacheDir: join(dir, 'cache'),
    outDir: join(dir, 'baseline'),
    cache: false,
    progress: 'none',
    args: { database: 'both' },
  });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.errors, 0);
  const names = summary.metrics.reward!.map((m) => m.name);
  for (const name of ['mean', 'pass@2', 'pass^2', 'flip_rate']) assert.ok(names.includes(name), name);
  assert.ok(summary.taskMetrics.some((m) => m.name === 'gap@2'));
  // Multi-label categories: a task counts in every tag it carries.
  assert.ok(summary.taskMetrics.some((m) => m.name === 'mean[tag=time-scope]'));
  assert.ok(summary.taskMetrics.some((m) => m.name === 'pass^2[tag=abbreviation]'));
  assert.ok(summary.groups.database && summary.groups.taskType && summary.groups.category);
});

function script(turn: LoopbackTurn) {
  const system = turn.messages[0]?.text ?? '';
  const prompt = turn.messages.at(-1)?.text ?? '';
  if (/Answer only "yes" or "no"/.test(prompt)) return 'yes';
  if (system.startsWith('You are a user')) {
    const spoken = turn.messages.filter((m) => m.role === 'assistant').length;
    return [
      'I need a lab value for a patient',
      'patient 10003594, the latest hemoglobin',
      'can you double-check that covers it?',
      '###END###',
    ][Math.min(spoken, 3)]!;
  }
  // The agent: ask once, then query, then report.
  const userTurns = turn.messages.filter((m) => m.role === 'user').length;
  if (turn.lastRole === 'tool') return 'The latest hemoglobin during the current stay is shown above.';
  if (userTurns === 1) return 'Which patient and which lab?';
  return {
    text: '',
    toolCalls: [
      {
        name: 'sql_execute',
        arguments: {
          query:
            "SELECT labresults.resultvalue FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labresults.patientid = 10003594 AND labtesttypes.itemname = 'hemoglobin' ORDER BY labresults.resultdatetime DESC LIMIT 1",
        },
      },
    ],
  };
}

test('openai agent and openai user over the loopback server hold multi-turn conversations', async () => {
  const server = await startLoopbackServer({ script });
  try {
    const summary = await runEval({
      benchmark: 'ehr-chatqa',
      models: { agent: 'openai:agent-model', user: 'openai:user-model' },
      provider: { baseURL: server.baseURL, apiKey: 'test' },
      limit: 2,
      epochs: 2,
      concurrency: 2,
      cacheDir: join(dir, 'cache'),
      outDir: join(dir, 'llm'),
      cache: false,
      progress: 'none',
      args: { database: 'mimic', taskType: 'increqa' },
    });
    assert.equal(summary.status, 'complete');
    assert.equal(summary.counts.units, 4);
    assert.equal(summary.counts.errors, 0);
    assert.ok((summary.usage.user?.calls ?? 0) >= 12, `user calls ${summary.usage.user?.calls}`);
    assert.ok((summary.usage.agent?.calls ?? 0) >= 12);
    const records = readFileSync(join(dir, 'llm', 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    for (const record of records) {
      const text = JSON.stringify(record);
      assert.match(text, /user-end/);
      assert.match(text, /the latest hemoglobin/);
    }
    // Tools went to the agent on the wire; the user request had none.
    const agentRequest = server.requests.find((r) => r.body?.model === 'agent-model')!;
    assert.ok(agentRequest.body.tools.some((t: { function: { name: string } }) => t.function.name === 'sql_execute'));
    assert.equal(server.requests.find((r) => r.body?.model === 'user-model')!.body.tools, undefined);
  } finally {
    await server.close();
  }
});
