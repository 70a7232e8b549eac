// med-vqa: VQA-RAD, SLAKE, PMC-VQA and OmniMedVQA files in their published shapes (rows made up, as
// ../shared/reference/vqa-datasets.md describes them), closed and open accuracy apart, bad rows named.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tokenRecall } from '../../src/benchmarks/med-vqa/index.js';
import { readVqaRows } from '../../src/benchmarks/med-vqa/loader.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'med-vqa-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

test('VQA-RAD: numeric answers become strings, answer_type splits closed/open, images under the image folder', () => {
  const file = write(
    'rad/VQA_RAD Dataset Public.json',
    JSON.stringify([
      { qid: 1, image_name: 'synpic1.jpg', question: 'Is there a mass?', answer: 'yes', answer_type: 'CLOSED' },
      { qid: 2, image_name: 'synpic1.jpg', question: 'How many masses?', answer: 2, answer_type: 'OPEN' },
      { qid: 3, image_name: 'synpic2.jpg', question: 'Is it normal?', answer: 'no' },
    ]),
  );
  const rows = readVqaRows('vqa-rad', file);
  assert.deepEqual(
    rows.map((r) => [r.answer, r.answerType]),
    [
      ['yes', 'closed'],
      ['2', 'open'],
      ['no', 'closed'],
    ],
  );
  assert.equal(rows[0]!.image, join(dir, 'rad', 'VQA_RAD Image Folder', 'synpic1.jpg'));
});

test('SLAKE keeps English rows; PMC-VQA strips option prefixes and scores by Answer_label; bad rows name file and row', () => {
  const slake = write(
    'slake/test.json',
    JSON.stringify([
      {
        qid: 1,
        img_name: 'xmlab1/source.jpg',
        question: 'Which organ?',
        answer: 'Liver',
        q_lang: 'en',
        answer_type: 'OPEN',
      },
      { qid: 2, img_name: 'xmlab1/source.jpg', question: '哪个器官?', answer: '肝', q_lang: 'zh', answer_type: 'OPEN' },
      { qid: 3, img_name: 'xmlab1/source.jpg', question: 'Is it CT?', answer: 'Yes', q_lang: 'en', answer_type: 'YES' },
    ]),
  );
  assert.throws(
    () => readVqaRows('slake', slake),
    /slake\/test\.json row 2: answer_type must be OPEN or CLOSED, got 'YES'/,
  );
  const errors: Error[] = [];
  const rows = readVqaRows('slake', slake, { onError: (e) => errors.push(e) });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.image, join(dir, 'slake', 'imgs', 'xmlab1', 'source.jpg'));
  assert.equal(errors.length, 1);
  const pmc = write(
    'pmc/test_clean.csv',
    'Figure_path,Question,Anwser,Choice A,Choice B,Choice C,Choice D,Answer_label\n' +
      'PMC1_F2.jpg,What modality?,B:CT, A:MRI, B:CT, C:PET, D:US,B\n' +
      'PMC1_F3.jpg,Which?,x, A:a, B:b, C:c, D:d,E\n',
  );
  assert.throws(() => readVqaRows('pmc-vqa', pmc), /test_clean\.csv row 3: Answer_label must be A–D, got 'E'/);
  const [row] = readVqaRows('pmc-vqa', pmc, { onError: () => {} });
  assert.deepEqual(row!.choices, ['MRI', 'CT', 'PET', 'US']);
  assert.equal(row!.answer, 'CT');
});

test('token recall: the share of reference tokens in the answer', () => {
  assert.equal(tokenRecall('the left lower lobe', 'Left lung, lower lobe'), 0.75);
  assert.equal(tokenRecall('', 'liver'), 0);
});

test('OmniMedVQA root: options by text, closed and open reported apart in a run', async () => {
  const root = join(dir, 'OmniMedVQA');
  write(
    'OmniMedVQA/QA_information/Open-access/ACRIMA.json',
    JSON.stringify([
      {
        question_id: 'a1',
        question: 'What is shown?',
        gt_answer: 'Glaucoma',
        image_path: 'Images/ACRIMA/1.png',
        option_A: 'Normal',
        option_B: 'Glaucoma',
        modality_type: 'Fundus Photography',
        dataset: 'ACRIMA',
      },
      {
        question_id: 'a2',
        question: 'What is shown?',
        gt_answer: 'Cataract',
        image_path: 'Images/ACRIMA/2.png',
        option_A: 'Normal',
        option_B: 'Glaucoma',
      },
    ]),
  );
  const errors: Error[] = [];
  const rows = readVqaRows('omnimedvqa', root, { onError: (e) => errors.push(e) });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.image, join(root, 'Images', 'ACRIMA', '1.png'));
  assert.match(errors[0]!.message, /ACRIMA\.json row 1: gt_answer 'Cataract' is not one of the options/);
  // A run over SLAKE's open + closed rows: closed by exact match, open by token recall, grouped apart.
  const file = write(
    'slake2/test.json',
    JSON.stringify([
      { qid: 1, img_name: 'a.png', question: 'Which organ?', answer: 'Left lung', q_lang: 'en', answer_type: 'OPEN' },
      { qid: 2, img_name: 'a.png', question: 'Is it CT?', answer: 'Yes', q_lang: 'en', answer_type: 'CLOSED' },
    ]),
  );
  const out = join(dir, 'run');
  const summary = await runEval({
    benchmark: 'med-vqa',
    args: { format: 'slake', path: file },
    models: { agent: scriptedModel(['<answer>the left lung</answer>', '<answer>no</answer>']) },
    concurrency: 1,
    outDir: out,
    cache: false,
  });
  const groups = summary.groups.answer_type!;
  assert.equal(groups.open!.vqa_accuracy![0]!.value, 1);
  assert.equal(groups.closed!.vqa_accuracy![0]!.value, 0);
  assert.equal([...readSampleRecords(out)].length, 2);
});

test('open answers through a loopback judge: its verdict scores them, a replaced prompt is used, an unparseable reply falls back (labelled)', async () => {
  const { startLoopbackServer } = await import('../support/loopback-server.js');
  const replies: Record<string, string> = {
    'Which organ?': '```json\n{"correct": true, "reason": "hepatic = liver"}\n```',
    'What lies left?': 'I cannot tell.',
  };
  const server = await startLoopbackServer({
    script: (turn) => {
      if (turn.lastUserText.startsWith('GRADE')) {
        const question = Object.keys(replies).find((q) => turn.lastUserText.includes(q));
        return question ? replies[question]! : '{"correct": false, "reason": "different"}';
      }
      return '<answer>unused</answer>';
    },
  });
  try {
    const file = write(
      'slake-judge/test.json',
      JSON.stringify([
        { qid: 1, img_name: 'a.png', question: 'Which organ?', answer: 'Liver', q_lang: 'en', answer_type: 'OPEN' },
        { qid: 2, img_name: 'a.png', question: 'What lies left?', answer: 'Spleen', q_lang: 'en', answer_type: 'OPEN' },
        { qid: 3, img_name: 'a.png', question: 'Is it CT?', answer: 'Yes', q_lang: 'en', answer_type: 'CLOSED' },
      ]),
    );
    const prompt = write('judge-prompt.txt', 'GRADE {{strict}}\nQ: {question}\nGold: {reference}\nGiven: {answer}\n');
    const out = join(dir, 'run-judge');
    const summary = await runEval({
      benchmark: 'med-vqa',
      args: { format: 'slake', path: file, judge_prompt: prompt },
      models: {
        agent: scriptedModel(['<answer>hepatic tissue</answer>', '<answer>spleen</answer>', '<answer>yes</answer>']),
        judge: 'openai:judge',
      },
      provider: { baseURL: server.baseURL, apiKey: 'k' },
      concurrency: 1,
      outDir: out,
      cache: false,
    });
    assert.equal(summary.counts.errors, 0);
    const judged = server.requests.filter((r) => r.turn?.lastUserText.startsWith('GRADE'));
    assert.equal(judged.length, 2, 'the judge sees open answers only');
    assert.match(
      judged[0]!.turn!.lastUserText,
      /GRADE \{strict\}\nQ: Which organ\?[\s\S]*Gold: Liver\nGiven: hepatic tissue/,
    );
    const records = Object.fromEntries([...readSampleRecords(out)].map((r) => [r.id, r]));
    assert.equal(records['slake:1']!.scores.vqa_accuracy!.value, 1, 'judged correct although token recall is 0');
    assert.equal(records['slake:1']!.scores.vqa_accuracy!.metadata?.rule, 'judge');
    assert.equal(records['slake:2']!.scores.vqa_accuracy!.value, 1, 'unparseable judge reply: token recall 1.0');
    assert.match(records['slake:2']!.scores.vqa_accuracy!.explanation!, /judge reply unparseable .*fallback rule/);
    const open = summary.taskMetrics.find((m) => m.name === 'open_accuracy')!;
    assert.equal(open.value, 1);
    assert.match(open.note!, /1 judged, 1 by token recall/);
    assert.ok(summary.notes.some((n) => /open_accuracy: 1 of 2 open answers were scored by token recall/.test(n)));
    assert.ok(summary.notes.some((n) => /judged by the judge role with the prompt .*judge-prompt\.txt/.test(n)));
    assert.equal(summary.taskMetrics.find((m) => m.name === 'closed_accuracy')!.value, 1);
  } finally {
    await server.close();
  }
  const bad = write('bad-prompt.txt', 'Grade {answer} against {gold}');
  await assert.rejects(
    runEval({
      benchmark: 'med-vqa',
      args: { format: 'slake', path: join(dir, 'slake', 'test.json'), judge_prompt: bad },
      models: { agent: scriptedModel(['x']) },
      cache: false,
    }),
    /bad-prompt\.txt:1:24: unknown field \{gold\}/,
  );
  await assert.rejects(
    runEval({
      benchmark: 'med-vqa',
      args: { format: 'slake', path: join(dir, 'slake', 'test.json'), judge_prompt: join(dir, 'none.txt') },
      models: { agent: scriptedModel(['x']) },
      cache: false,
    }),
    /none\.txt: cannot read the template \(ENOENT\)/,
  );
});
