// Task files as a user writes them: real files in a temporary folder, run through runEval, and the
// mistakes a user makes, each answered with file:line: field.
import { test } from 'node:test';
import type { z } from 'zod';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MedkitError, type Sample } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/scripted.js';
import { loadTaskFile } from '../../src/taskfile/benchmark.js';

const SHARED_IMAGES = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'images');

const questions = [
  {
    id: 'q1',
    question: 'Which vitamin deficiency causes scurvy?',
    options: ['A vit', 'B vit', 'C vit'],
    answer: 'C',
    topic: 'nutrition',
  },
  {
    id: 'q2',
    question: 'Antidote for opioid overdose?',
    options: ['Naloxone', 'Atropine'],
    answer: 'A',
    topic: 'toxicology',
  },
  {
    id: 'q3',
    question: 'Which cranial nerve moves the lateral rectus?',
    options: ['III', 'IV', 'VI'],
    answer: 'VI',
    topic: 'neurology',
  },
];

function folder(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-task-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}
const jsonl = (rows: object[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

const MCQ_TASK = `name: tiny-mcq
dataset: questions.jsonl
prompt: |
  {{question}}
  {{choices}}
choices: options
target: answer
groupBy: [topic]
scorers:
  - choice
baseline:
  reply: "ANSWER: {{answer}}"
`;

async function samplesOf(task: string, args = {}): Promise<Sample[]> {
  const benchmark = loadTaskFile(task);
  const samples: Sample[] = [];
  for await (const sample of await benchmark.dataset({ args, seed: 0, cacheDir: tmpdir() })) samples.push(sample);
  return samples;
}

/** The SampleFormatError a load or a first read throws: file, line and field. */
async function formatError(task: string) {
  try {
    await samplesOf(task);
  } catch (error) {
    assert.ok(MedkitError.isInstance(error), String(error));
    return error as MedkitError & { file: string; line: number; field: string };
  }
  assert.fail(`${task} loaded without an error`);
}

test('a JSONL task runs end to end: prompt filled, options lettered, groups, and its source kept for --resume', async () => {
  const directory = folder({ 'task.yaml': MCQ_TASK, 'questions.jsonl': jsonl(questions) });
  const samples = await samplesOf(join(directory, 'task.yaml'));
  assert.equal(samples.length, 3);
  assert.equal(samples[0]!.input, 'Which vitamin deficiency causes scurvy?\nA. A vit\nB. B vit\nC. C vit\n');
  assert.deepEqual(samples[2]!.choices, ['III', 'IV', 'VI']);
  assert.equal(samples[1]!.metadata?.source, `${join(directory, 'questions.jsonl')}:2`);

  const out = join(directory, 'run');
  // The baseline replies with the target (an oracle), so the choice scorer must give 1 everywhere.
  const summary = await runEval({ benchmark: join(directory, 'task.yaml'), outDir: out, cache: false });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.benchmark, 'tiny-mcq');
  const mean = summary.metrics.choice!.find((metric) => metric.name === 'mean')!;
  assert.equal(mean.value, 1, 'q3 replies "ANSWER: VI": the option text, which the choice scorer maps to C');
  assert.deepEqual(Object.keys(summary.groups.topic ?? {}).sort(), ['neurology', 'nutrition', 'toxicology']);
  const spec = JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8'));
  assert.equal(spec.task.source, join(directory, 'task.yaml'));
  // --resume finds the benchmark from the recorded file, not from the (unregistered) name.
  const resumed = await runEval({ benchmark: '', resume: out, cache: false });
  assert.equal(resumed.status, 'complete');
  assert.equal(resumed.counts.units, 3);
});

test('a CSV dataset: one column per option, quoted multi-line fields, and the start line of each row', async () => {
  const csv =
    'id,question,a,b,answer\nq1,"Scurvy:\nwhich vitamin?",Vitamin C,Vitamin D,A\nq2,Antidote for opioids?,Atropine,Naloxone,B\n';
  const task =
    'dataset: rows.csv\nprompt: "{{question}} {{choices}}"\nchoices: [a, b]\ntarget: answer\nscorers: [choice]\n';
  const directory = folder({ 'task.yaml': task, 'rows.csv': csv });
  const samples = await samplesOf(join(directory, 'task.yaml'));
  assert.deepEqual(
    samples.map((sample) => [sample.id, sample.choices, sample.metadata?.source]),
    [
      ['q1', ['Vitamin C', 'Vitamin D'], `${join(directory, 'rows.csv')}:2`],
      ['q2', ['Atropine', 'Naloxone'], `${join(directory, 'rows.csv')}:4`],
    ],
  );
  writeFileSync(join(directory, 'rows.csv'), `${csv}q3,Too many,x,y,A,extra\n`);
  const error = await formatError(join(directory, 'task.yaml')).catch((e) => e);
  assert.equal(error.file, join(directory, 'rows.csv'));
  assert.equal(error.line, 5);
});

test('a folder of images with a JSONL: image paths resolve inside the folder and reach the model as image parts', async (t) => {
  if (!existsSync(join(SHARED_IMAGES, 'chest-xray-pa.png'))) return t.skip(`no ${SHARED_IMAGES} (shared test data)`);
  const directory = folder({
    'task.yaml':
      'dataset: images\nprompt: "Is there an effusion? {{question}}"\nimages: image\ntarget: answer\nscorers: [exact, rouge]\n',
  });
  const images = join(directory, 'images');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(images);
  symlinkSync(join(SHARED_IMAGES, 'chest-xray-pa.png'), join(images, 'cxr.png'));
  symlinkSync(join(SHARED_IMAGES, 'fundus-normal-right.jpg'), join(images, 'fundus.jpg'));
  writeFileSync(
    join(images, 'items.jsonl'),
    jsonl([
      { id: 'cxr', image: 'cxr.png', question: 'Answer yes or no.', answer: 'no' },
      { id: 'both', image: ['cxr.png', 'fundus.jpg'], question: 'Answer yes or no.', answer: 'no' },
    ]),
  );
  const samples = await samplesOf(join(directory, 'task.yaml'));
  const parts = samples.map(
    (sample) => (sample.input as { content: { type: string; mediaType?: string }[] }[])[0]!.content,
  );
  assert.deepEqual(
    parts.map((content) => content.map((part) => part.mediaType ?? part.type)),
    [
      ['image/png', 'text'],
      ['image/png', 'image/jpeg', 'text'],
    ],
  );
  writeFileSync(join(images, 'items.jsonl'), jsonl([{ id: 'x', image: 'missing.png', question: 'q', answer: 'no' }]));
  const error = await formatError(join(directory, 'task.yaml'));
  assert.equal(error.file, join(images, 'items.jsonl'));
  assert.equal(error.line, 1);
  assert.equal(error.field, 'image');
  assert.match(error.message, /image 'missing\.png' not found/);
});

test('mistakes in the task file name its line and field', async () => {
  const cases: [string, number, string, RegExp][] = [
    [
      MCQ_TASK.replace('prompt:', 'promt:'),
      3,
      'promt',
      /unknown key 'promt' \(did you mean 'prompt'\?\); known: name,/,
    ],
    [MCQ_TASK.replace('  - choice', '  - choise'), 10, 'scorers.0', /unknown scorer 'choise'; known: choice, exact/],
    [
      MCQ_TASK.replace('  - choice', '  - regex: {pattern: "ANSWER: ("}'),
      10,
      'scorers.0.regex.pattern',
      /Invalid regular expression/,
    ],
    [MCQ_TASK.replace('  - choice', '  - numeric: {tolerance: -1}'), 10, 'scorers.0.numeric.tolerance', />=0/],
    [
      MCQ_TASK.replace('  - choice', '  - sql: {database: ehr.sqlite}'),
      10,
      'scorers.0.sql.database',
      /no such SQLite file/,
    ],
    [MCQ_TASK.replace('  - choice', '  - choice\n  - choice'), 11, 'scorers.1', /a second scorer named 'choice'/],
    [MCQ_TASK.replace('  {{choices}}\n', ''), 3, 'prompt', /does not show them; add \{\{choices\}\}/],
    [
      MCQ_TASK.replace('{{question}}', '{{args.lang}} {{question}}'),
      3,
      'prompt',
      /\{\{args\.lang\}\} names no declared arg/,
    ],
    [MCQ_TASK.replace('{{question}}', '{{#question}}'), 3, 'prompt', /template: Unclosed section "question"/],
    [MCQ_TASK.replace('dataset: questions.jsonl', 'dataset: nowhere.jsonl'), 2, 'dataset', /no such file or folder/],
    [MCQ_TASK.replace('groupBy: [topic]', 'groupBy: topic'), 8, 'groupBy', /expected array/],
    [`${MCQ_TASK}headline: rouge_l\n`, 13, 'headline', /not one of the scorers/],
    [MCQ_TASK.replace('name: tiny-mcq', 'name: tiny mcq'), 1, 'name', /letters, digits/],
    [MCQ_TASK.replace('choices: options', 'choices: options\n  bad: indent'), 6, '(yaml)', /./],
  ];
  for (const [text, line, field, message] of cases) {
    const directory = folder({ 'task.yaml': text, 'questions.jsonl': jsonl(questions) });
    const error = await formatError(join(directory, 'task.yaml'));
    assert.equal(error.name, 'SampleFormatError', `${field}: ${error.message}`);
    assert.deepEqual([error.file, error.line, error.field], [join(directory, 'task.yaml'), line, field], error.message);
    assert.match(error.message, message);
    assert.ok(error.message.startsWith(`${join(directory, 'task.yaml')}:${line}: ${field}: `), error.message);
  }
});

test('rows that do not fit the task name the data file, line and field', async () => {
  const cases: [object[], number, string, RegExp][] = [
    [
      [{ id: 'a', questoin: 'typo', options: ['x', 'y'], answer: 'A' }],
      1,
      'question',
      /uses \{\{question\}\} but this row has no 'question' \(it has: id, questoin/,
    ],
    [[{ id: 'a', question: 'q', options: ['only one'], answer: 'A' }], 1, 'options', /at least two/],
    [[{ id: 'a', question: 'q', options: ['x', 'y'] }], 1, 'answer', /no reference answer/],
    [[questions[0]!, { ...questions[1]!, id: 'q1' }], 2, 'id', /id 'q1' is used again \(first at line 1\)/],
  ];
  for (const [rows, line, field, message] of cases) {
    const directory = folder({ 'task.yaml': MCQ_TASK, 'questions.jsonl': jsonl(rows) });
    const error = await formatError(join(directory, 'task.yaml'));
    assert.deepEqual(
      [error.file, error.line, error.field],
      [join(directory, 'questions.jsonl'), line, field],
      error.message,
    );
    assert.match(error.message, message);
  }
});

test('in a run, a bad later row is skipped and reported; a first row that does not fit stops the run', async () => {
  const rows = [questions[0]!, { id: 'bad', question: 'q' }, questions[1]!];
  const directory = folder({ 'task.yaml': MCQ_TASK, 'questions.jsonl': `${jsonl(rows)}not json\n` });
  const summary = await runEval({ benchmark: join(directory, 'task.yaml'), cache: false });
  assert.equal(summary.counts.units, 2);
  assert.equal(summary.counts.dataErrors, 2);
  assert.match(summary.dataErrors[0]!, /questions\.jsonl:2: options: must be a list/);
  assert.match(summary.dataErrors[1]!, /questions\.jsonl:4: \(whole line\): is not JSON/);
  writeFileSync(join(directory, 'questions.jsonl'), jsonl([{ id: 'bad', question: 'q' }, questions[0]!]));
  await assert.rejects(
    runEval({ benchmark: join(directory, 'task.yaml'), cache: false }),
    /questions\.jsonl:1: options/,
  );
});

test('declared args have types and defaults; unknown or mistyped --arg values are errors naming the key', async () => {
  const task = `${MCQ_TASK.replace('{{question}}', '{{question}} ({{args.lang}}, max {{args.words}} words)')}args:
  lang: {type: string, default: English, description: answer language}
  words: {type: integer}
`;
  const directory = folder({
    'task.yaml': task,
    'questions.jsonl': jsonl(questions),
    'other.jsonl': jsonl([questions[2]!]),
  });
  const file = join(directory, 'task.yaml');
  const benchmark = loadTaskFile(file);
  assert.deepEqual(Object.keys(benchmark.args!.shape), ['path', 'lang', 'words']);
  assert.equal((benchmark.args!.shape.lang as z.ZodType).description, 'answer language');
  const samples = await samplesOf(file, { words: 50 });
  assert.match(String(samples[0]!.input), /^Which vitamin deficiency causes scurvy\? \(English, max 50 words\)/);
  const other = await samplesOf(file, { path: join(directory, 'other.jsonl'), lang: 'French', words: 9 });
  assert.equal(other.length, 1);
  assert.match(String(other[0]!.input), /\(French, max 9 words\)/);
  await assert.rejects(
    samplesOf(file, { lnag: 'x' }),
    /--arg lnag: unknown \(did you mean 'lang'\?\); this task's args: path, lang, words/,
  );
  await assert.rejects(samplesOf(file, { words: 'many' }), /--arg words: Invalid input: expected number/);
});

test('a SQL task runs the model query and the gold query against the SQLite file the task names', async () => {
  const directory = folder({
    'task.yaml':
      'dataset: q.jsonl\nprompt: "{{question}}"\nscorers:\n  - sql: {database: ward.sqlite}\nbaseline: {reply: "{{gold}}"}\ntarget: gold\n',
    'q.jsonl': jsonl([
      { id: 'icu', question: 'Ids of ICU patients?', gold: "SELECT id FROM patients WHERE ward = 'ICU'" },
      { id: 'old', question: 'Ids of patients over 80?', gold: 'SELECT id FROM patients WHERE age > 80' },
    ]),
  });
  const db = new Database(join(directory, 'ward.sqlite'));
  db.exec(
    "CREATE TABLE patients (id INTEGER, ward TEXT, age INTEGER); INSERT INTO patients VALUES (1, 'ICU', 71), (2, 'ward', 88);",
  );
  db.close();
  const summary = await runEval({ benchmark: join(directory, 'task.yaml'), cache: false });
  assert.equal(summary.metrics.sql![0]!.value, 1);
});

test('medkit eval <task file>: the example runs; a bad file exits 2 with one line naming file, line and field', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const medkit = (args: string[]) =>
    spawnSync(process.execPath, [join(repo, 'bin', 'medkit.js'), ...args], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 120_000,
    });
  const good = medkit(['eval', 'examples/my-task.yaml', '--no-cache']);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /my-task v1 +complete +solver=baseline/);
  assert.match(good.stdout, /choice mean/);
  const directory = folder({
    'task.yaml': MCQ_TASK.replace('target: answer', 'taget: answer'),
    'questions.jsonl': jsonl(questions),
  });
  const bad = medkit(['eval', join(directory, 'task.yaml')]);
  assert.equal(bad.status, 2);
  assert.match(
    bad.stderr,
    new RegExp(`medkit: .*task\\.yaml:7: taget: unknown key 'taget' \\(did you mean 'target'\\?\\)`),
  );
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('a rubric task is graded by the grader role; without one its scores are null and the notes say so', async () => {
  const rubrics = [
    { criterion: 'Recommends intravenous fluids', points: 5 },
    { criterion: 'Mentions sepsis as the likely cause', points: 5 },
  ];
  const directory = folder({
    'task.yaml':
      'dataset: cases.jsonl\nprompt: "{{case}}"\nscorers: [rubric]\nbaseline: {reply: "Give IV fluids now."}\n',
    'cases.jsonl': jsonl([{ id: 'c1', case: 'Febrile, BP 80/40. What now?', rubrics }]),
  });
  const grader = scriptedModel([], {
    match: [{ contains: 'intravenous fluids', reply: '{"explanation": "it does", "criteria_met": true}' }],
    fallback: '{"explanation": "it does not", "criteria_met": false}',
  });
  const graded = await runEval({ benchmark: join(directory, 'task.yaml'), models: { grader }, cache: false });
  assert.equal(graded.metrics['rubric.overall_score']![0]!.value, 0.5);
  const ungraded = await runEval({ benchmark: join(directory, 'task.yaml'), cache: false });
  assert.equal(ungraded.metrics['rubric.overall_score']?.[0]?.n ?? 0, 0);
  assert.ok(
    ungraded.notes.some((note) => /role 'grader' has no model: rubric scores are null/.test(note)),
    ungraded.notes.join('\n'),
  );
});
