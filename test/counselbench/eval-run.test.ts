// CounselBench-EVAL solvers and scorers on a test context, the CounselChat selection on the real
// CSV, and the Eval ratings loader on good and bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import { counselbenchEval } from '../../src/benchmarks/counselbench-eval/index.js';
import { therapistResponder, templateResponder } from '../../src/benchmarks/counselbench-eval/responder.js';
import { counselJudge } from '../../src/benchmarks/counselbench-eval/judge.js';
import { counselSpans } from '../../src/benchmarks/counselbench-eval/spans.js';
import { counselCommentClassifier } from '../../src/benchmarks/counselbench-eval/classify.js';
import { readCounselChat, selectCounselBenchQuestions } from '../../src/benchmarks/counselbench-eval/counselchat.js';
import { readEvalFile } from '../../src/benchmarks/counselbench-eval/loaders.js';
import { EMBEDDED_QUESTIONS, questionSample } from '../../src/benchmarks/counselbench-eval/questions.js';
import { parseCsvText } from '../../src/core/csv-file.js';
import { fakeModel, words } from './helpers.js';

const COUNSELCHAT = join(import.meta.dirname, '../../../shared/data/counselchat/20200325_counsel_chat.csv');
const sample = questionSample(EMBEDDED_QUESTIONS[0]!);
const options = { args: {}, seed: 1, cacheDir: tmpdir() };

test('responder regenerates answers over 250 words, at T=0.7 with the persona prompt', async () => {
  const agent = fakeModel([words(300), words(251), words(250)]);
  const context = createTestContext({ agent });
  const state = await therapistResponder().solve(newTaskState(sample, 1), context);
  assert.equal(agent.requests.length, 3);
  assert.equal(agent.requests[0]!.config.temperature, 0.7);
  assert.equal(agent.requests[0]!.messages[0]!.role, 'system');
  assert.match(String(agent.requests[0]!.messages[0]!.content), /therapist/);
  assert.equal(
    agent.requests[0]!.messages[1]!.content,
    `${EMBEDDED_QUESTIONS[0]!.title} ${EMBEDDED_QUESTIONS[0]!.text}`,
  );
  assert.equal(state.metadata.tries, 3);
  assert.equal(state.metadata.wordCount, 250);
  assert.equal(state.metadata.lengthExceeded, false);
});

test('responder stops after 20 tries, keeps the last answer and flags it', async () => {
  const agent = fakeModel(() => words(400));
  const context = createTestContext({ agent });
  const state = await therapistResponder().solve(newTaskState(sample, 1), context);
  assert.equal(agent.requests.length, 20);
  assert.equal(state.metadata.lengthExceeded, true);
  assert.equal(state.output.text, words(400));
  assert.ok(context.events.some((event) => event.type === 'info' && /after 20 tries/.test(event.message)));
});

test('LLM judge: T=0, rating recorded as judge evidence per dimension', async () => {
  const judge = fakeModel([
    '- Overall: 4 - Good\n- Empathy: 5\n- Specificity: 3\n- Medical Advice: Yes\n- Factual Consistency: I am not sure\n- Toxicity: 1',
  ]);
  const context = createTestContext({ judge });
  const state = await templateResponder().solve(newTaskState(sample, 1), context);
  const score = await counselJudge().score(state, context);
  assert.equal(judge.requests[0]!.config.temperature, 0);
  assert.match(String(judge.requests[0]!.messages[0]!.content), /- Medical Advice: <rating>/);
  assert.deepEqual(score.value, {
    overall: 4,
    empathy: 5,
    specificity: 3,
    medical_advice: 1,
    factual_consistency: null,
    toxicity: 1,
  });
  assert.equal((score.metadata!.status as Record<string, string>).factual_consistency, 'unsure');
  const evidence = context.events.filter((event) => event.type === 'evidence' && event.kind === 'judge');
  assert.equal(evidence.length, 6);
  assert.deepEqual((evidence[0] as { data: unknown }).data, {
    dimension: 'Overall',
    rating: 4,
    rationale: 'rated by scripted:fake: "4 - Good"',
    judge: 'scripted:fake',
    validJudge: true,
  });
});

test('LLM judge: unparseable output is a recorded per-item error with null values', async () => {
  const judge = fakeModel(['I am sorry, I cannot evaluate this.']);
  const context = createTestContext({ judge });
  const state = await templateResponder().solve(newTaskState(sample, 1), context);
  const score = await counselJudge().score(state, context);
  assert.deepEqual(Object.values(score.value as Record<string, unknown>), [null, null, null, null, null, null]);
  assert.equal((score.metadata!.errors as string[]).length, 6);
  assert.match(score.explanation!, /error: Overall: missing/);
  assert.ok(context.events.some((event) => event.type === 'info' && /judge output errors/.test(event.message)));
});

test('without a judge model the lexicon baseline rates and says it is not a valid judge', async () => {
  const context = createTestContext({});
  const state = await templateResponder().solve(newTaskState(sample, 1), context);
  const score = await counselJudge().score(state, context);
  assert.equal(score.metadata!.validJudge, false);
  assert.match(score.explanation!, /NOT a valid judge/);
  assert.match(String(state.metadata.baseline), /not a model/);
  const value = score.value as Record<string, number | null>;
  assert.equal(value.factual_consistency, null); // the lexicon cannot judge facts
  assert.equal(value.not_a_valid_judge, 1); // shows up as its own key in every summary table
  assert.ok(value.empathy! >= 3);
});

test('span scorer asks for three spans and measures overlap to expert copies', async () => {
  const judge = fakeModel([
    'N/A',
    'Antidepressants always work within a week.',
    'You should ask for sertraline 50 mg.',
  ]);
  const context = createTestContext({ judge });
  const withExperts = {
    ...sample,
    metadata: {
      ...sample.metadata,
      expertRatings: [
        { medical_copy: 'ask your doctor for sertraline 50 mg', factual_copy: 'N/A', toxicity_copy: null },
      ],
    },
  };
  const state = await templateResponder().solve(newTaskState(withExperts, 1), context);
  const score = await counselSpans().score(state, context);
  const value = score.value as Record<string, number | null>;
  assert.equal(value.toxic_flag, 0);
  assert.equal(value.inconsistent_flag, 1);
  assert.equal(value.inconsistent_overlap, null); // no expert copied an inconsistent span
  assert.equal(value.medical_advice_flag, 1);
  assert.ok(value.medical_advice_overlap! > 0.5 && value.medical_advice_overlap! < 1);
});

test('comment classifier runs on low-score expert comments only', async () => {
  const judge = fakeModel(['1, 2']);
  const context = createTestContext({ judge });
  const withExperts = {
    ...sample,
    metadata: {
      ...sample.metadata,
      expertRatings: [
        { rater: 'a', overall_score: 2, overall_reason: 'Cold and preachy.' },
        { rater: 'b', overall_score: 4, overall_reason: 'Fine.' },
      ],
    },
  };
  const state = await templateResponder().solve(newTaskState(withExperts, 1), context);
  const score = await counselCommentClassifier().score(state, context);
  assert.equal(judge.requests.length, 1);
  assert.equal((score.value as Record<string, number>).lacking_empathy, 1);
  assert.equal((score.value as Record<string, number>).inaccurate_suggestions, 0);
});

test('benchmark object: embedded dataset, solvers and scorers', async () => {
  const samples = [...((await counselbenchEval.dataset(options)) as Iterable<unknown>)];
  assert.equal(samples.length, EMBEDDED_QUESTIONS.length);
  assert.equal(counselbenchEval.scorers({ ...options, args: { spans: 'true', classify: 'true' } }).length, 3);
  assert.equal(counselbenchEval.solvers.baseline(options).name, 'counsel-template-baseline');
});

test('CSV parser: quoted commas, doubled quotes and newlines, CRLF', () => {
  const rows = parseCsvText('a,b,c\r\n1,"x, ""y""\nz",3\n4,,6\n', 'f.csv');
  assert.deepEqual(
    rows.map((row) => row.fields),
    [
      ['a', 'b', 'c'],
      ['1', 'x, "y"\nz', '3'],
      ['4', '', '6'],
    ],
  );
  assert.deepEqual(
    rows.map((row) => row.line),
    [1, 2, 4],
  );
  assert.throws(
    () => parseCsvText('a\n"open', 'f.csv'),
    /f\.csv:2: \(row\): a quoted field opened on this line is never closed/,
  );
});

test('CounselChat selection on the real 2020-03-25 CSV', {
  skip: existsSync(COUNSELCHAT) ? false : `CounselChat CSV absent at ${COUNSELCHAT}`,
}, async () => {
  const rows = await readCounselChat(COUNSELCHAT);
  assert.equal(rows.length, 2129);
  const report = selectCounselBenchQuestions(rows);
  assert.equal(report.distinctQuestions, 815);
  assert.equal(new Set(rows.map((row) => row.topic)).size, 31);
  // The 2020 CSV is older than the HF copy upstream used: only 19 topics have 5 usable questions.
  assert.equal(report.topics.length, 19);
  assert.equal(report.questions.length, 95);
  assert.equal(report.topics[0]!.topic, 'depression');
  assert.ok(
    !report.topics.some((topic) => ['intimacy', 'human-sexuality', 'lgbtq', 'spirituality'].includes(topic.topic)),
  );
  assert.ok(!report.questions.some((question) => [766, 737, 351, 347, 934, 446, 441].includes(question.questionID)));
  assert.ok(report.questions.every((question) => question.therapistAnswer.split(/\s+/).filter(Boolean).length <= 250));
  assert.deepEqual(report.skippedTopics[0], { topic: 'sleep-improvement', usable: 4 });
  assert.throws(() => selectCounselBenchQuestions(rows, { strict: true }), /sleep-improvement: only 4 questions/);
});

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cbeval-')), name);
  writeFileSync(file, text);
  return file;
}

const HEADER =
  'questionID,questionTitle,questionText,topic,responder,response,rater,overall_score,overall_reason,empathy_score,specificity_score,medical_advice_score,medical_copy,medical_reason,factual_consistency_score,factual_copy,factual_reason,toxicity_score,toxicity_copy,toxicity_reason';

test('Eval ratings loader groups raters per (question, responder)', async () => {
  const file = tempFile(
    'eval.csv',
    [
      HEADER,
      '7,Title,Body,anxiety,gpt4,"Try breathing, slowly.",r1,4,good,4,3,No,,,4,,,1,,',
      '7,Title,Body,anxiety,gpt4,"Try breathing, slowly.",r2,2,"too generic",3,2,I am not sure,,,I am not sure,,,2,,',
      '7,Title,Body,anxiety,human,Talk to someone.,r1,3,,3,3,Yes,see a psychiatrist,,3,,,1,,',
    ].join('\n'),
  );
  const samples = await readEvalFile(file);
  assert.equal(samples.length, 2);
  assert.equal(samples[0]!.id, '7:gpt4');
  assert.equal(samples[0]!.input, 'Title Body');
  assert.equal(samples[0]!.metadata!.response, 'Try breathing, slowly.');
  assert.equal((samples[0]!.metadata!.expertRatings as unknown[]).length, 2);
});

test('Eval ratings loader: missing columns and out-of-range scores name file, line and field', async () => {
  const noColumns = tempFile('bad.csv', 'questionID,responder\n1,gpt4\n');
  await assert.rejects(
    readEvalFile(noColumns),
    /bad\.csv:1: overall_score, empathy_score.*response.*column\(s\) missing/,
  );
  const outOfRange = tempFile('range.csv', [HEADER, '7,T,B,anxiety,gpt4,resp,r1,6,,4,3,No,,,4,,,1,,'].join('\n'));
  await assert.rejects(readEvalFile(outOfRange), /range\.csv:2: overall_score: /);
  const noResponder = tempFile('noresp.csv', [HEADER, '7,T,B,anxiety,,resp,r1,4,,4,3,No,,,4,,,1,,'].join('\n'));
  await assert.rejects(readEvalFile(noResponder), /noresp\.csv:2: responder: /);
  const errors: Error[] = [];
  const lenient = await readEvalFile(outOfRange, { lenient: true, onError: (error) => errors.push(error) });
  assert.equal(lenient.length, 0);
  assert.equal(errors.length, 1);
});

test('EVAL jury: three judges rate, mean per dimension, every juror kept', async () => {
  const { counselJury, parseJuryRoles } = await import('../../src/benchmarks/counselbench-eval/jury.js');
  const rating = (overall: number, advice: string) =>
    `Overall: ${overall}\nEmpathy: 4\nSpecificity: 4\nMedical Advice: ${advice}\nFactual Consistency: 4\nToxicity: 1`;
  const context = createTestContext({
    judge: fakeModel([rating(5, 'Yes')]),
    grader: fakeModel([rating(3, 'No')]),
    validator: fakeModel(['unreadable']),
  });
  const state = await templateResponder().solve(newTaskState(sample, 1), context);
  const score = await counselJury({ roles: parseJuryRoles('judge,grader,validator,user') }).score(state, context);
  const value = score.value as Record<string, number | null>;
  assert.equal(value.overall, 4);
  assert.equal(value.medical_advice, 0.5);
  assert.match(score.explanation!, /jurors without a model \(left out\): user/);
  assert.match(score.explanation!, /Overall: 2 of 3 jurors/);
  assert.equal((score.metadata!.jurors as unknown[]).length, 3);
  assert.throws(() => parseJuryRoles('judge'), /at least two roles/);
  assert.throws(() => parseJuryRoles('judge,boss'), /"boss" is not a role/);
});

test('counselbench-eval --arg counselchat and the counselchat loader on the real CSV', {
  skip: existsSync(COUNSELCHAT) ? false : `CounselChat CSV absent at ${COUNSELCHAT}`,
}, async () => {
  const { counselchatLoader } = await import('../../src/benchmarks/counselbench-eval/loaders.js');
  const samples = (await counselbenchEval.dataset({ ...options, args: { counselchat: COUNSELCHAT } })) as {
    id: string;
    input: string;
    metadata: Record<string, unknown>;
  }[];
  assert.equal(samples.length, 95);
  const first = samples[0]!;
  assert.equal(first.metadata.topic, 'depression');
  assert.equal(first.metadata.responder, 'solver under test');
  assert.equal(typeof first.metadata.response, 'string');
  assert.ok(first.input.length > 20);
  const description = await counselchatLoader.describe!(COUNSELCHAT);
  assert.match(description, /2129 answer rows, 815 distinct questions/);
  assert.match(description, /selected 95 questions from 19 topics/);
  assert.match(description, /skipped .*sleep-improvement \(4\)/);
  await assert.rejects(
    counselbenchEval.dataset({ ...options, args: { counselchat: COUNSELCHAT, strict: 'true' } }) as Promise<unknown>,
    /sleep-improvement: only 4 questions/,
  );
});
