import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textToolCall } from '../../src/benchmarks/ehr-chatqa/agent.js';
import { expansionsFrom, parseIntent } from '../../src/benchmarks/ehr-chatqa/baseline-intents.js';
import { listedValues } from '../../src/benchmarks/ehr-chatqa/baseline.js';
import { userMessageProblem } from '../../src/benchmarks/ehr-chatqa/prompts.js';
import { fixtureWebSearch } from '../../src/benchmarks/ehr-chatqa/web-search.js';

test('text tool calls: Llama json fences and Qwen tags (after </think>)', () => {
  assert.deepEqual(textToolCall('```json\n{"name": "sql_execute", "parameters": {"query": "SELECT 1"}}\n```', 'a'), {
    id: 'a',
    name: 'sql_execute',
    arguments: { query: 'SELECT 1' },
    rawArguments: '{"query":"SELECT 1"}',
  });
  const qwen = textToolCall(
    '<think>maybe <tool_call>{"name": "x"}</tool_call></think>\n<tool_call>\n{"name": "table_search", "arguments": {}}\n</tool_call>',
    'b',
  );
  assert.equal(qwen?.name, 'table_search');
  assert.equal(
    textToolCall('<tool_call>{"name": "column_search", "function_input": {"table_names": "lab"}}</tool_call>', 'c')
      ?.arguments.table_names,
    'lab',
  );
  const broken = textToolCall('<tool_call>{"name": "sql_execute", "arguments": {"query": "SELECT</tool_call>', 'd');
  assert.equal(broken?.name, 'sql_execute');
  assert.match(broken!.parseError!, /not JSON/);
  assert.equal(textToolCall('just words', 'e'), undefined);
});

test('check_user_error rules', () => {
  assert.equal(userMessageProblem('how many patients?'), undefined);
  assert.equal(userMessageProblem('###END###'), undefined);
  assert.equal(userMessageProblem(' ###END### '), undefined);
  assert.match(userMessageProblem('thanks ###END###')!, /not exactly/);
  assert.match(userMessageProblem('   ')!, /empty/);
  for (const bad of ['SELECT 1', 'print(x)', 'use default_api', '```sql', 'Instruction: x', 'tool_call', 'tool_code'])
    assert.ok(userMessageProblem(bad), bad);
});

test('baseline parsing: intents, listed values and web expansions', () => {
  assert.deepEqual(
    parseIntent('mimic_iv_star', [
      'quick lab question about a current inpatient',
      'patient 10003594. what was the last HB during this current stay?',
    ]),
    {
      kind: 'lab-value',
      term: 'hb',
      agg: 'last',
      patient: '10003594',
      year: undefined,
      current: true,
    },
  );
  assert.equal(
    parseIntent('eicu_star', [
      'how many times was lipitor ordered for patient 002-184677?',
      "if there's no lipitor in there, use its generic equivalent.",
    ])?.fallback,
    'generic',
  );
  assert.equal(parseIntent('mimic_iv_star', ['tell me a joke']), undefined);
  assert.deepEqual(listedValues("Values in t.c containing 'a': ['x', \"it's\"]."), ['x', "it's"]);
  assert.deepEqual(listedValues("I found one close match in t.c: 'hemoglobin'."), ['hemoglobin']);
  assert.deepEqual(listedValues("No values in t.c contain 'q'."), []);
  assert.deepEqual(expansionsFrom(JSON.stringify(fixtureWebSearch.search('lipitor'))), ['atorvastatin']);
  assert.ok(expansionsFrom(JSON.stringify(fixtureWebSearch.search('lovastatin statins'))).includes('simvastatin'));
  assert.deepEqual(expansionsFrom(JSON.stringify(fixtureWebSearch.search('hb'))), ['hemoglobin']);
});
