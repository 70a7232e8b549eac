// Juries: mean and majority combination (ties, drops), per-juror results kept, jurors without a
// model or with unparseable output dropped and reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import { combineMajority, combineMean, juryScorer } from '../../src/scoring/jury.js';
import { fakeModel } from './helpers.js';

test('mean combines numbers and booleans, dropping nulls', () => {
  assert.deepEqual(combineMean([4, 5, null, 3]), { value: 4, n: 3, dropped: 1 });
  assert.deepEqual(combineMean([true, false, true, true]), { value: 0.75, n: 4, dropped: 0 });
  assert.deepEqual(combineMean([null, 'x']), { value: null, n: 0, dropped: 2 });
});

test('majority: plain majority, ties without and with a tie-break', () => {
  assert.deepEqual(combineMajority(['Yes', 'No', 'Yes']), {
    value: 'Yes',
    n: 3,
    dropped: 0,
    counts: { Yes: 2, No: 1 },
    tie: false,
  });
  const tie = combineMajority(['No', 'Yes', null]);
  assert.equal(tie.value, null);
  assert.equal(tie.tie, true);
  assert.equal(tie.dropped, 1);
  assert.equal(combineMajority(['No', 'Yes'], { tieBreak: 'first' }).value, 'No');
  assert.equal(combineMajority([null, null]).value, null);
});

const sample = { id: 's1', input: 'question', target: null };

test('jury scorer keeps every juror; a juror with no model or bad output is dropped with a reason', async () => {
  const judge = fakeModel(['Score: 4']);
  const grader = fakeModel(['Score: 2']);
  const validator = fakeModel(['no idea']);
  const scorer = juryScorer({
    jurors: [{ role: 'judge' }, { role: 'grader', name: 'second' }, { role: 'validator' }, { role: 'user' }],
    combine: 'mean',
    prompt: () => 'Rate 1-5. Answer "Score: N".',
    parse: (text) => {
      const match = /Score:\s*(\d)/.exec(text);
      return match ? { value: Number(match[1]) } : { value: null, error: 'no "Score: N" line' };
    },
  });
  const context = createTestContext({ judge, grader, validator });
  const score = await scorer.score(newTaskState(sample, 1), context);
  assert.deepEqual(score.value, { jury: 3, judge: 4, second: 2, validator: null, user: null });
  assert.match(score.explanation!, /mean of 2 jurors, 2 dropped/);
  assert.match(score.explanation!, /validator \(scripted:fake\): error: no "Score: N" line/);
  assert.match(score.explanation!, /user \(no model\): error: no model for role 'user'/);
  const verdicts = score.metadata!.verdicts as { juror: string }[];
  assert.equal(verdicts.length, 4);
  assert.equal(context.events.filter((event) => event.type === 'evidence' && event.kind === 'judge').length, 4);
});

test('majority jury of Yes/No labels maps the combined label to a number', async () => {
  const scorer = juryScorer({
    jurors: [{ role: 'judge' }, { role: 'grader' }, { role: 'validator' }],
    combine: 'majority',
    prompt: () => 'Yes or No?',
    parse: (text) => ({ value: /yes/i.test(text) ? 'Yes' : 'No' }),
    labelValue: (value) => (value === 'Yes' ? 1 : 0),
  });
  const context = createTestContext({
    judge: fakeModel(['Yes']),
    grader: fakeModel(['No']),
    validator: fakeModel(['yes.']),
  });
  const score = await scorer.score(newTaskState(sample, 1), context);
  assert.deepEqual(score.value, { jury: 1, judge: 1, grader: 0, validator: 1 });
});
