import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractChoice, targetLetters, choiceScorer } from '../../src/scoring/choice.js';
import { newTaskState } from '../../src/core/index.js';
import { createTestContext } from '../../src/runner/context.js';

const choices = ['Vitamin A', 'Vitamin B12', 'Vitamin C', 'Vitamin D'];

test('the explicit ANSWER line wins over letters mentioned in passing', () => {
  assert.deepEqual(extractChoice('Option A is wrong because...\nANSWER: C', choices), {
    letter: 'C',
    rule: 'answer-line',
  });
  assert.equal(extractChoice('answer: b', choices).letter, 'B');
  assert.equal(
    extractChoice('ANSWER: A\nOn reflection, ANSWER: D', choices).letter,
    'D',
    'the last answer line counts',
  );
});

test('answer phrases, leading letters, lone letters and option text are recognised', () => {
  assert.equal(extractChoice('I think the answer is (c).', choices).letter, 'C');
  assert.equal(extractChoice('C) Vitamin C', choices).letter, 'C');
  assert.equal(extractChoice('B', choices).letter, 'B');
  assert.equal(extractChoice('Scurvy comes from a lack of ascorbic acid, so: D', choices).letter, 'D');
  assert.deepEqual(extractChoice('It is vitamin c, found in citrus fruit.', choices), {
    letter: 'C',
    rule: 'option-text',
  });
});

test('letters outside the option range and ambiguous replies give no answer', () => {
  assert.equal(extractChoice('ANSWER: F', choices).letter, undefined);
  assert.equal(extractChoice('Either vitamin a or vitamin d.', choices).letter, undefined);
  assert.equal(extractChoice('', choices).letter, undefined);
});

test('targets may be letters, indices or option text', () => {
  assert.deepEqual(targetLetters('c', choices), ['C']);
  assert.deepEqual(targetLetters(2, choices), ['C']);
  assert.deepEqual(targetLetters('Vitamin C', choices), ['C']);
});

test('the scorer scores 1 for the target, 0 otherwise, and says when nothing was extracted', async () => {
  const state = newTaskState({ id: 'q', input: 'Which vitamin?', choices, target: 'C' }, 1);
  const context = createTestContext();
  state.output.text = 'ANSWER: C';
  assert.equal((await choiceScorer().score(state, context)).value, 1);
  state.output.text = 'ANSWER: A';
  assert.equal((await choiceScorer().score(state, context)).value, 0);
  state.output.text = 'I cannot say.';
  const none = await choiceScorer().score(state, context);
  assert.equal(none.value, 0);
  assert.match(none.explanation ?? '', /no option letter/);
});

test('patterns reused across calls follow each call’s option count and option texts', () => {
  // The patterns are cached by option count and option text: a 2-option call after a 4-option one must not see C/D.
  assert.equal(extractChoice('ANSWER: D', choices).letter, 'D');
  assert.deepEqual(extractChoice('ANSWER: D', ['yes', 'no']), { letter: undefined, rule: 'none' });
  assert.equal(extractChoice('ANSWER: B', ['yes', 'no']).letter, 'B');
  // The same list mutated in place, and another list with the same texts, get the texts they hold now.
  const options = ['aspirin', 'heparin'];
  assert.equal(extractChoice('I would give heparin.', options).letter, 'B');
  options[1] = 'warfarin';
  assert.deepEqual(extractChoice('I would give heparin.', options), { letter: undefined, rule: 'none' });
  assert.equal(extractChoice('I would give warfarin.', [...options]).letter, 'B');
  // Repeated calls with global patterns keep no lastIndex state between them.
  for (let round = 0; round < 3; round++) assert.equal(extractChoice('The answer is (C).', choices).letter, 'C');
});
