// CounselBench-EVAL pure parts: SequenceMatcher against CPython's difflib, the tolerant judge
// parser, and the aggregation rules with the worked examples of the reference (§1.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceMatcher, sequenceRatio } from '../../src/benchmarks/counselbench-eval/sequence-matcher.js';
import { parseJudgeRating } from '../../src/benchmarks/counselbench-eval/parse.js';
import { aggregateRatings, aggregateValueLists } from '../../src/benchmarks/counselbench-eval/aggregate.js';
import { spanOverlap } from '../../src/benchmarks/counselbench-eval/spans.js';
import { parseCategories, wordCount } from '../../src/benchmarks/counselbench-eval/prompts.js';
import {
  fromExpertRecord,
  ratingSchema,
  toExpertRecord,
  isNoSpan,
} from '../../src/benchmarks/counselbench-eval/ratings.js';
import { extractJsonObject, parseKeyedLines } from '../../src/scoring/judge-parse.js';

test('SequenceMatcher.ratio matches CPython difflib (values computed with Python 3)', () => {
  const cases: [string, string, number][] = [
    ['abcd', 'bcde', 0.75],
    ['', '', 1.0],
    ['abc', '', 0.0],
    ['You should try taking some melatonin before bed.', 'try taking some melatonin', 0.684931506849315],
    ['The quick brown fox jumps over the lazy dog', 'the quick brown dog jumps over a lazy fox', 0.8333333333333334],
    ['I think you are overreacting and being dramatic.', 'N/A', 0.0],
    ['héllo 😀 wörld', 'hello 😀 world', 0.8461538461538461],
  ];
  for (const [a, b, expected] of cases) assert.equal(sequenceRatio(a, b), expected, `${a} / ${b}`);
});

test('SequenceMatcher keeps the autojunk rule for sequences of 200+ items', () => {
  const a = 'a'.repeat(100) + 'b'.repeat(150);
  const b = 'b'.repeat(150) + 'a'.repeat(100);
  // Python: ratio() == 0.0 with autojunk (both letters are "popular"), 0.6 without.
  assert.equal(new SequenceMatcher(a, b).ratio(), 0.0);
  assert.equal(new SequenceMatcher(a, b, { autojunk: false }).ratio(), 0.6);
  const left = Array.from({ length: 60 }, (_, i) => `word${i % 7}`).join(' ');
  const right = Array.from({ length: 70 }, (_, i) => `word${i % 5}`).join(' ');
  assert.equal(new SequenceMatcher(left, right).ratio(), 0.08740359897172237);
  assert.equal(new SequenceMatcher(left, right, { autojunk: false }).ratio(), 0.7686375321336761);
});

test('matching blocks end with the (la, lb, 0) sentinel and are collapsed as in Python', () => {
  const blocks = new SequenceMatcher('abxcd', 'abcd').getMatchingBlocks();
  // Python: [Match(a=0, b=0, size=2), Match(a=3, b=2, size=2), Match(a=5, b=4, size=0)]
  assert.deepEqual(blocks, [
    { a: 0, b: 0, size: 2 },
    { a: 3, b: 2, size: 2 },
    { a: 5, b: 4, size: 0 },
  ]);
});

test('judge parser: "Key: N", "Key: N - label", bullets, bold, labels without numbers', () => {
  const parsed = parseJudgeRating(
    [
      '- Overall: 4',
      '* **Empathy**: 5 - Excellent empathy',
      '3. specificity: Moderately specific',
      '- Medical Advice: No',
      '- Factual Consistency: I am not sure',
      '- TOXICITY: 1 (Not toxic at all)',
    ].join('\n'),
  );
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.outcomes.overall, { status: 'ok', value: 4 });
  assert.deepEqual(parsed.outcomes.empathy, { status: 'ok', value: 5 });
  assert.deepEqual(parsed.outcomes.specificity, { status: 'ok', value: 4 });
  assert.deepEqual(parsed.outcomes.medicalAdvice, { status: 'ok', value: 'No' });
  assert.deepEqual(parsed.outcomes.factualConsistency, { status: 'unsure' });
  assert.deepEqual(parsed.outcomes.toxicity, { status: 'ok', value: 1 });
});

test('judge parser records out-of-range, unparseable and missing dimensions as errors', () => {
  const parsed = parseJudgeRating(
    'Overall: 7\nEmpathy: very good\nSpecificity: 3\nMedical Advice: maybe\nFactual Consistency: 5',
  );
  assert.equal(parsed.outcomes.overall.status, 'invalid');
  assert.equal(parsed.outcomes.empathy.status, 'invalid');
  assert.equal(parsed.outcomes.medicalAdvice.status, 'invalid');
  assert.equal(parsed.outcomes.factualConsistency.status, 'invalid'); // the scale is 1-4
  assert.equal(parsed.outcomes.toxicity.status, 'missing');
  assert.match(parsed.errors.join('\n'), /Overall: 7 is out of range 1-5/);
  assert.match(parsed.errors.join('\n'), /Factual Consistency: 5 is out of range 1-4/);
  assert.match(parsed.errors.join('\n'), /Toxicity: missing/);
  const garbage = parseJudgeRating('I cannot rate this response.');
  assert.equal(garbage.errors.length, 6);
  // "I am not sure" is not an option for Overall.
  assert.equal(parseJudgeRating('Overall: I am not sure').outcomes.overall.status, 'invalid');
});

test('aggregation: worked examples of the reference (§1.4)', () => {
  const result = aggregateValueLists({
    medicalAdvice: ['Yes', 'No', 'I am not sure', 'Yes'],
    factualConsistency: [4, 3, 'I am not sure'],
    overall: [4, 3, 5, 2],
  });
  assert.equal(result.medicalAdvice!.value, 2 / 3);
  assert.equal(result.medicalAdvice!.dropped.unsure, 1);
  assert.equal(result.medicalAdvice!.note, 'dropped 1 of 4: 1 "I am not sure"');
  assert.equal(result.factualConsistency!.value, 3.5);
  assert.equal(result.factualConsistency!.n, 2);
  assert.equal(result.overall!.value, 3.5);
  assert.equal(result.overall!.note, 'all 4 kept');
});

test('aggregation: "I am not sure" everywhere leaves no value and says why; parse failures are counted apart', () => {
  const unsure = aggregateValueLists({
    medicalAdvice: ['I am not sure', 'I am not sure'],
    factualConsistency: ['I am not sure'],
  });
  assert.equal(unsure.medicalAdvice!.value, null);
  assert.equal(unsure.medicalAdvice!.note, 'dropped 2 of 2: 2 "I am not sure"');
  assert.equal(unsure.factualConsistency!.value, null);
  const items = [
    parseJudgeRating('Overall: 4\nEmpathy: 4\nSpecificity: 4\nMedical Advice: Yes\nFactual Consistency: 4\nToxicity: 1')
      .outcomes,
    parseJudgeRating(
      'Overall: 9\nEmpathy: 2\nSpecificity: 2\nMedical Advice: I am not sure\nFactual Consistency: 2\nToxicity: 2',
    ).outcomes,
    parseJudgeRating('nothing useful').outcomes,
  ];
  const aggregate = aggregateRatings(items);
  assert.equal(aggregate.overall.value, 4);
  assert.deepEqual(aggregate.overall.dropped, { unsure: 0, missing: 1, invalid: 1 });
  assert.equal(aggregate.overall.note, 'dropped 2 of 3: 1 missing, 1 unparseable or out of range');
  assert.equal(aggregate.medicalAdvice.value, 1);
  assert.equal(aggregate.empathy.value, 3);
});

test('span overlap uses the ratio against every non-N/A expert copy', () => {
  const overlap = spanOverlap('try taking some melatonin', [
    'You should try taking some melatonin before bed.',
    'N/A',
    ' n / a ',
    null,
  ]);
  assert.deepEqual(overlap.ratios, [0.684931506849315]);
  assert.equal(overlap.judgeSaysNone, false);
  assert.equal(spanOverlap('N/A', ['something']).judgeSaysNone, true);
  assert.equal(isNoSpan('Nil'), true);
});

test('rating schema round-trips through the CounselBench-Eval export format', () => {
  const rating = ratingSchema.parse({
    overall: 4,
    empathy: 5,
    specificity: 3,
    medicalAdvice: 'I am not sure',
    factualConsistency: 4,
    toxicity: 1,
    overallReason: 'warm',
  });
  const record = toExpertRecord(rating, { questionID: 42, responder: 'gpt4', rater: 'r1' });
  assert.equal(record.survey_id, 'questionID_42');
  assert.equal(record.medical_advice_score, 'I am not sure');
  assert.deepEqual(fromExpertRecord(record), rating);
  assert.equal(ratingSchema.safeParse({ ...rating, factualConsistency: 5 }).success, false);
});

test('word count follows Python str.split(); categories parse numbers and names', () => {
  assert.equal(wordCount('  one two\n\tthree  '), 3);
  assert.equal(wordCount('   '), 0);
  assert.deepEqual(parseCategories('1, 5').categories, ['lacking empathy', 'little personalisation or relevance']);
  assert.deepEqual(parseCategories('9').errors, ['category 9 is not one of 1-7']);
  assert.deepEqual(parseCategories('Mostly inappropriate tone.').categories, ['inappropriate tone']);
  // Upstream-style answers: category names with American spelling, or "None."
  assert.deepEqual(
    parseCategories(
      'Demonstrating little personalization or relevance, Overgeneralizing or making judgments and assumptions without sufficient context',
    ).categories,
    ['little personalisation or relevance', 'overgeneralising or unsupported assumptions'],
  );
  assert.deepEqual(parseCategories('None.'), { categories: [], errors: [] });
  assert.deepEqual(parseCategories('I cannot tell').errors, ['no category found in the classifier output']);
});

test('judge-parse helpers: fenced JSON, JSON in prose, keyed lines', () => {
  assert.deepEqual(extractJsonObject('```json\n{"Answer": "Yes", "Explanation": "x"}\n```'), {
    ok: true,
    value: { Answer: 'Yes', Explanation: 'x' },
  });
  assert.deepEqual(extractJsonObject('Sure: {"criteria_met": false, "explanation": "has } brace"} done'), {
    ok: true,
    value: { criteria_met: false, explanation: 'has } brace' },
  });
  assert.equal(extractJsonObject('no json here').ok, false);
  assert.equal(extractJsonObject('').ok, false);
  const lines = parseKeyedLines('Overall: 3\noverall: 4', ['Overall']);
  assert.deepEqual(lines, { values: { Overall: '3' }, duplicates: ['Overall'] });
});

test('aggregate of run scores counts drop reasons from metadata.status', async () => {
  const { aggregateScores } = await import('../../src/benchmarks/counselbench-eval/aggregate.js');
  const score = (medical: number | null, status: string) => ({
    value: { overall: 4, empathy: 4, specificity: 4, medical_advice: medical, factual_consistency: 3, toxicity: 1 },
    metadata: {
      status: {
        overall: 'ok',
        empathy: 'ok',
        specificity: 'ok',
        medical_advice: status,
        factual_consistency: 'ok',
        toxicity: 'ok',
      },
    },
  });
  const aggregate = aggregateScores([
    score(1, 'ok'),
    score(0, 'ok'),
    score(null, 'unsure'),
    score(1, 'ok'),
    score(null, 'invalid'),
    { value: null },
  ]);
  assert.equal(aggregate.medicalAdvice.value, 2 / 3);
  assert.equal(
    aggregate.medicalAdvice.note,
    'dropped 3 of 6: 1 "I am not sure", 1 missing, 1 unparseable or out of range',
  );
  assert.equal(aggregate.overall.note, 'dropped 1 of 6: 1 missing');
});
