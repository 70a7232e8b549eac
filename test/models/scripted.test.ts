// scriptedModel and script files (JSON, JSONL, YAML) with match rules and errors naming file and field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ScriptExhaustedError } from '../../src/core/errors.js';
import { userMessage } from '../../src/core/messages.js';
import type { GenerateRequest } from '../../src/core/model.js';
import { loadScriptedModel, scriptedModel } from '../../src/models/scripted.js';

const ask = (text: string): GenerateRequest => ({ messages: [userMessage(text)], config: {} });

describe('scriptedModel', () => {
  test('answers in order, records calls, then throws ScriptExhaustedError', async () => {
    const model = scriptedModel(['A', 'B']);
    assert.equal((await model.doGenerate(ask('1'))).text, 'A');
    const second = await model.doGenerate(ask('2'));
    assert.deepEqual(second, {
      text: 'B',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0 },
      modelId: 'scripted-2',
    });
    assert.deepEqual(
      model.calls.map((call) => call.messages[0]!.content),
      ['1', '2'],
    );
    await assert.rejects(
      model.doGenerate(ask('3')),
      (error) => error instanceof ScriptExhaustedError && error.available === 2,
    );
    assert.equal(model.provider, 'scripted');
  });

  test('partial outputs: tool calls get ids, text arguments are parsed or kept raw', async () => {
    const model = scriptedModel([
      {
        toolCalls: [
          { name: 'lab', arguments: { code: 'K' } },
          { id: 'x', name: 'lab', arguments: '{broken' },
        ],
      },
      { text: 'done', usage: { inputTokens: 5, outputTokens: 1 }, cost: 0.01, finishReason: 'length' },
    ]);
    const first = await model.doGenerate(ask('go'));
    assert.equal(first.finishReason, 'tool_calls');
    assert.deepEqual(first.toolCalls[0], { id: 'call_0_0', name: 'lab', arguments: { code: 'K' } });
    assert.equal(first.toolCalls[1]!.id, 'x');
    assert.deepEqual(first.toolCalls[1]!.arguments, {});
    assert.equal(first.toolCalls[1]!.rawArguments, '{broken');
    assert.ok(first.toolCalls[1]!.parseError);
    const second = await model.doGenerate(ask('go'));
    assert.deepEqual(
      [second.usage, second.cost, second.finishReason],
      [{ inputTokens: 5, outputTokens: 1 }, 0.01, 'length'],
    );
  });

  test('a function of the request answers multi-turn conversations', async () => {
    const model = scriptedModel((request, index) => `${index}: ${request.messages.length} messages`);
    assert.equal((await model.doGenerate(ask('a'))).text, '0: 1 messages');
    assert.equal(
      (
        await model.doGenerate({
          messages: [userMessage('a'), { role: 'assistant', content: 'b' }, userMessage('c')],
          config: {},
        })
      ).text,
      '1: 3 messages',
    );
    await assert.rejects(scriptedModel(() => undefined).doGenerate(ask('x')), ScriptExhaustedError);
  });

  test('match rules read the last user or tool message and do not use up the list', async () => {
    const model = scriptedModel(['listed'], {
      match: [
        { contains: ['chest', 'pain'], reply: 'ACS work-up' },
        { contains: '5.9', role: 'tool', reply: 'Hyperkalaemia.' },
      ],
      fallback: 'I am not sure.',
    });
    assert.equal((await model.doGenerate(ask('Crushing CHEST pain'))).text, 'ACS work-up');
    assert.equal((await model.doGenerate(ask('Cough'))).text, 'listed');
    const afterTool: GenerateRequest = {
      messages: [
        userMessage('K?'),
        { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'lab', arguments: {} }] },
        { role: 'tool', toolCallId: 'c', name: 'lab', content: '5.9' },
      ],
      config: {},
    };
    assert.equal((await model.doGenerate(afterTool)).text, 'Hyperkalaemia.');
    assert.equal(
      (await model.doGenerate(ask('5.9'))).text,
      'I am not sure.',
      'role: tool does not match a user message',
    );
  });

  test('doEmbed gives unit vectors where shared words land close', async () => {
    const { embeddings } = await scriptedModel([]).doEmbed(['chest pain', 'Chest pain!', 'ankle sprain']);
    const dot = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    assert.ok(Math.abs(dot(embeddings[0]!, embeddings[0]!) - 1) < 1e-9);
    assert.ok(dot(embeddings[0]!, embeddings[1]!) > 0.99);
    assert.ok(dot(embeddings[0]!, embeddings[2]!) < 0.9);
  });
});

describe('loadScriptedModel', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'medkit-script-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));
  const write = async (name: string, text: string) => {
    const path = join(folder, name);
    await writeFile(path, text);
    return path;
  };

  test('a JSON list of replies', async () => {
    const model = await loadScriptedModel(await write('list.json', JSON.stringify(['B', { text: 'C' }])));
    assert.equal(model.modelId, 'list');
    assert.equal((await model.doGenerate(ask('q'))).text, 'B');
    assert.equal((await model.doGenerate(ask('q'))).text, 'C');
    await assert.rejects(
      model.doGenerate(ask('q')),
      (error: Error) => error instanceof ScriptExhaustedError && error.message.includes('list.json'),
    );
  });

  test('JSONL: one reply per line', async () => {
    const model = await loadScriptedModel(
      await write('lines.jsonl', '"A"\n\n{"toolCalls":[{"name":"lab","arguments":{"code":"K"}}]}\n'),
    );
    assert.equal((await model.doGenerate(ask('q'))).text, 'A');
    assert.equal((await model.doGenerate(ask('q'))).toolCalls[0]!.name, 'lab');
  });

  test('YAML with replies, match rules, fallback and a model id', async () => {
    const yaml = [
      'modelId: demo-doctor',
      'match:',
      '  - contains: [fever, neck]',
      '    reply: Consider meningitis; do a lumbar puncture.',
      '  - contains: potassium',
      '    reply:',
      '      toolCalls:',
      '        - name: latest_lab',
      '          arguments: { loinc: "2823-3" }',
      'replies:',
      '  - First listed reply.',
      'fallback: Please see a clinician.',
    ].join('\n');
    const model = await loadScriptedModel(await write('demo.yaml', yaml));
    assert.equal(model.modelId, 'demo-doctor');
    assert.equal(
      (await model.doGenerate(ask('Fever and a stiff neck'))).text,
      'Consider meningitis; do a lumbar puncture.',
    );
    assert.deepEqual((await model.doGenerate(ask('Latest potassium?'))).toolCalls[0]!.arguments, { loinc: '2823-3' });
    assert.equal((await model.doGenerate(ask('Rash'))).text, 'First listed reply.');
    assert.equal((await model.doGenerate(ask('Rash'))).text, 'Please see a clinician.');
  });

  const bad: [string, string, RegExp][] = [
    [
      'bad-field.json',
      JSON.stringify({ replies: ['ok', { txt: 'typo' }] }),
      /bad-field\.json: replies\.1: Unrecognized key: "txt"/,
    ],
    [
      'bad-tool.yaml',
      'replies:\n  - toolCalls:\n      - arguments: {}\n',
      /bad-tool\.yaml: replies\.0\.toolCalls\.0\.name: /,
    ],
    ['bad-type.json', JSON.stringify([1]), /bad-type\.json: 0: expected a string or an object/],
    ['bad-line.jsonl', '"fine"\n{"text": 3}\n', /bad-line\.jsonl:2: reply\.text: /],
    ['not-json.jsonl', '"fine"\n{nope\n', /not-json\.jsonl:2: \(whole line\): is not JSON/],
    ['broken.json', '{"replies": [', /broken\.json: \(file\): is not valid JSON/],
    ['empty.yaml', 'modelId: x\n', /empty\.yaml: \(file\): has no replies, match rules or fallback/],
    ['bad-match.yaml', 'match:\n  - reply: hi\n', /bad-match\.yaml: match\.0\.contains: /],
  ];
  for (const [name, text, message] of bad) {
    test(`${name} → ConfigError naming file and field`, async () => {
      const path = await write(name, text);
      await assert.rejects(loadScriptedModel(path), (error: Error) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, message);
        assert.ok(error.message.startsWith(path));
        return true;
      });
    });
  }

  test('a missing file → ConfigError naming it', async () => {
    await assert.rejects(loadScriptedModel(join(folder, 'nope.json')), /nope\.json could not be read \(ENOENT\)/);
  });
});
