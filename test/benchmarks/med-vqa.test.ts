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
