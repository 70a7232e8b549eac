// toLlamaHistory: medkit messages → node-llama-cpp chat history, without the native library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { imageFromPath, textPart, userMessage } from '../../src/core/messages.js';
import { toLlamaHistory } from '../../src/models/llama-history.js';

test('system, user and assistant turns map in order, ending with an empty model turn to write', () => {
  const history = toLlamaHistory([
    { role: 'system', content: 'Be brief.' },
    userMessage('Fever?'),
    { role: 'assistant', content: 'No.' },
    userMessage([textPart('And'), textPart('now?')]),
  ]);
  assert.deepEqual(history, [
    { type: 'system', text: 'Be brief.' },
    { type: 'user', text: 'Fever?' },
    { type: 'model', response: ['No.'] },
    { type: 'user', text: 'And\nnow?' },
    { type: 'model', response: [] },
  ]);
});

test('tool calls carry their results inside the model turn, which the model then continues', () => {
  const history = toLlamaHistory([
    userMessage('Potassium?'),
    { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'c1', name: 'lab', arguments: { code: 'K' } }] },
    { role: 'tool', toolCallId: 'c1', name: 'lab', content: '5.9' },
  ]);
  assert.deepEqual(history, [
    { type: 'user', text: 'Potassium?' },
    {
      type: 'model',
      response: ['Checking.', { type: 'functionCall', name: 'lab', params: { code: 'K' }, result: '5.9' }],
    },
  ]);
});

test('a tool result with no matching call is kept as text; a later user turn gets a fresh model turn', () => {
  const history = toLlamaHistory([
    userMessage('Go'),
    { role: 'tool', toolCallId: 'unknown', name: 'lab', content: '7' },
    userMessage('Then?'),
  ]);
  assert.deepEqual(history.slice(1), [
    { type: 'user', text: 'Result of lab: 7' },
    { type: 'user', text: 'Then?' },
    { type: 'model', response: [] },
  ]);
});

test('an image → ConfigError naming node-llama-cpp 3.21.1', () => {
  assert.throws(
    () => toLlamaHistory([userMessage([imageFromPath('/x.png', 'image/png')])]),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^llama provider takes no images in node-llama-cpp 3\.21\.1/);
      return true;
    },
  );
});
