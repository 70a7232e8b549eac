import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { runEval } from '../../../src/eval.js';
import {
  createRegistry,
  findAttribute,
  fundusDrRegistry,
  readRegistry,
} from '../../../src/methods/atttok/attributes.js';
import {
  attributeChoiceFormat,
  attributeLogitBias,
  attributeTokenIds,
  readTokenizer,
} from '../../../src/methods/atttok/constrain.js';
import { readClassificationItems } from '../../../src/methods/atttok/data.js';
import { exportAtttok } from '../../../src/methods/atttok/export.js';
import { formatTarget, parseAttributes } from '../../../src/methods/atttok/format.js';
import { startLoopbackServer } from '../../support/loopback-server.js';
import { tinyTokenizerJson } from './tokenizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-atttok-'));
const registry = fundusDrRegistry();
const mild = registry.byToken.get('<|fundus_milddr|>')!;

describe('AttTok registry and target format', () => {
  it('formats targets exactly as the release: markers, token, one space, label', () => {
    assert.equal(formatTarget(mild), '<|attribute_begin|><|fundus_milddr|><|attribute_end|> Mild DR');
    assert.deepEqual(registry.specialTokens.slice(0, 3), [
      '<|attribute_begin|>',
      '<|attribute_end|>',
      '<|fundus_nodr|>',
    ]);
    assert.equal(findAttribute(registry, 'mild diabetic retinopathy'), mild);
    assert.equal(findAttribute(registry, 'fundus_milddr'), mild);
  });

  it('parses generated text: known tokens mapped, unknown rejected, consistency with the free text checked', () => {
    const good = parseAttributes('<|attribute_begin|><|fundus_milddr|><|attribute_end|> Mild DR', registry);
    assert.deepEqual(
      [good.attributes.map((entry) => entry.keyword), good.consistent, good.problems],
      [['Mild DR'], true, []],
    );
    const unknown = parseAttributes('<|attribute_begin|><|fundus_glaucoma|><|attribute_end|> Glaucoma', registry);
    assert.deepEqual(unknown.unknown, ['<|fundus_glaucoma|>']);
    assert.match(unknown.problems.join(), /unknown attribute token/);
    const clash = parseAttributes('<|attribute_begin|><|fundus_pdr|><|attribute_end|> Mild DR', registry);
    assert.equal(clash.consistent, false);
    assert.match(clash.problems.join(), /names Mild DR but the token is <\|fundus_pdr\|>/);
    // "no diabetic retinopathy" must not also count as a mention of the longer-phrase-contained grades.
    const normal = parseAttributes(
      '<|attribute_begin|><|fundus_nodr|><|attribute_end|> no diabetic retinopathy',
      registry,
    );
    assert.equal(normal.consistent, true);
    assert.match(
      parseAttributes('<|attribute_begin|><|fundus_nodr|> No DR', registry).problems.join(),
      /without an end/,
    );
  });

  it('reads registries from YAML and attribute_list.txt, with errors naming file and line', () => {
    const yamlFile = join(dir, 'attrs.yaml');
    writeFileSync(
      yamlFile,
      '- {modality: oct, concept: cnv, keyword: CNV}\n- {modality: oct, concept: dme, keyword: DME}\n',
    );
    assert.deepEqual(
      readRegistry(yamlFile).entries.map((entry) => entry.token),
      ['<|oct_cnv|>', '<|oct_dme|>'],
    );
    const listFile = join(dir, 'attribute_list.txt');
    writeFileSync(listFile, '\uFEFF<|fundus_nodr|>\r\n<|fundus_pdr|>\r\n');
    assert.equal(readRegistry(listFile).entries.length, 2);
    writeFileSync(listFile, '<|fundus_nodr|>\nfundus pdr\n');
    assert.throws(() => readRegistry(listFile), /attribute_list\.txt:2: token: "fundus pdr" is not of the form/);
    assert.throws(
      () => createRegistry([{ modality: 'Fundus', concept: 'x', keyword: 'X' }], 'r.json'),
      /r\.json:1: modality/,
    );
    assert.throws(
      () =>
        createRegistry(
          [
            { modality: 'a', concept: 'b', keyword: 'B' },
            { modality: 'a', concept: 'b', keyword: 'C' },
          ],
          'r.json',
        ),
      /r\.json:2: concept: <\|a_b\|> is listed twice/,
    );
    assert.throws(() => readRegistry(join(dir, 'missing.yaml')), /no such file/);
  });
});

describe('AttTok constrained decoding', () => {
  const tokenizerFile = join(dir, 'tokenizer.json');
  writeFileSync(tokenizerFile, JSON.stringify(tinyTokenizerJson(registry.specialTokens, 200)));

  it('maps markers and attribute tokens to single token ids and builds logit_bias', () => {
    const ids = attributeTokenIds(readTokenizer(tokenizerFile), registry, tokenizerFile);
    assert.equal(ids.begin, 200);
    assert.equal(ids.byToken.get('<|fundus_milddr|>'), 203);
    const config = attributeLogitBias(ids, [mild]);
    assert.deepEqual(config.logitBias, { 200: 100, 201: 100, 203: 100 });
    assert.equal(config.maxTokens, 3);
    assert.throws(() => attributeLogitBias(ids, [mild], 300), /outside −100\.\.100/);
    const schema = attributeChoiceFormat(registry.entries).responseFormat;
    assert.equal(schema?.type, 'json_schema');
  });

  it('a tokenizer without the attribute tokens is an error listing them', () => {
    const partial = new Tokenizer(tinyTokenizerJson(['<|attribute_begin|>', '<|attribute_end|>']), {});
    assert.throws(
      () => attributeTokenIds(partial, registry, 'base/tokenizer.json'),
      /5 attribute token\(s\) are not single tokens.*<\|fundus_nodr\|>/,
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"version": "1.0"}');
    assert.throws(() => readTokenizer(broken), /no "model" section/);
    writeFileSync(broken, '{not json');
    assert.throws(() => readTokenizer(broken), /broken\.json: not a tokenizer\.json/);
  });

  it('the logit bias reaches an OpenAI-compatible server and the reply is scored by its token', async () => {
    const server = await startLoopbackServer({ script: '<|attribute_begin|><|fundus_nodr|><|attribute_end|> No DR' });
    try {
      const summary = await runEval({
        benchmark: 'atttok-classification',
        models: { agent: 'openai:attr-model' },
        provider: { baseURL: server.baseURL, apiKey: 'test' },
        args: { n: 5, constrain: 'logit-bias', tokenizer: tokenizerFile },
        outDir: join(dir, 'run-bias'),
        cacheDir: join(dir, 'cache'),
        cache: false,
      });
      assert.equal(summary.counts.errors, 0, JSON.stringify(summary.notes));
      const body = server.requests.find((request) => request.body?.model === 'attr-model')!.body;
      assert.deepEqual(Object.keys(body.logit_bias).sort(), ['200', '201', '202', '203', '204', '205', '206']);
      // One of five grades is "No DR": accuracy 1/5.
      assert.equal(summary.metrics['attribute-accuracy']![0]!.value, 0.2);
    } finally {
      await server.close();
    }
  });
});

describe('AttTok data, evaluation and export', () => {
  const images = join(dir, 'data');
  const dataFile = join(dir, 'cls.jsonl');
  writeFileSync(
    dataFile,
    [
      JSON.stringify({ id: 'a', image: 'img/a.png', label: 'Mild DR' }),
      JSON.stringify({ id: 'b', image: '/abs/b.png', label: '<|fundus_pdr|>', choices: ['No DR', 'PDR'] }),
    ].join('\n'),
  );

  it('reads classification rows; bad rows name file, line and field', async () => {
    const items = [];
    for await (const item of readClassificationItems(dataFile, registry)) items.push(item);
    assert.deepEqual(
      items.map((item) => [item.id, item.answerType, item.attribute.token, item.image]),
      [
        ['a', 'open', '<|fundus_milddr|>', join(dir, 'img/a.png')],
        ['b', 'closed', '<|fundus_pdr|>', '/abs/b.png'],
      ],
    );
    const bad = join(dir, 'bad.jsonl');
    for (const [row, pattern] of [
      [{ id: 'x', image: 'x.png', label: 'Glaucoma' }, /bad\.jsonl:1: label: "Glaucoma" is not a registered attribute/],
      [{ id: 'x', label: 'PDR' }, /bad\.jsonl:1: image/],
      [
        { id: 'x', image: 'x.png', label: 'PDR', answer_type: 'closed' },
        /bad\.jsonl:1: choices: a closed question needs choices/,
      ],
      [{ id: 'x', image: 'x.png', label: 'PDR', choices: ['No DR', 'Mild DR'] }, /no choice names the label PDR/],
    ] as const) {
      writeFileSync(bad, JSON.stringify(row));
      await assert.rejects(async () => {
        for await (const _ of readClassificationItems(bad, registry));
      }, pattern);
    }
    void images;
  });

  it('the embedded evaluation reports open and closed accuracy; text answers are read when no token is given', async () => {
    const server = await startLoopbackServer({
      script: (turn) => (/Options:/.test(turn.messages.at(-1)!.text) ? 'Mild DR' : 'I think it is PDR.'),
    });
    try {
      const summary = await runEval({
        benchmark: 'atttok-classification',
        models: { agent: 'openai:free-text' },
        provider: { baseURL: server.baseURL, apiKey: 'test' },
        args: { n: 10 },
        outDir: join(dir, 'run-text'),
        cacheDir: join(dir, 'cache'),
        cache: false,
      });
      const groups = summary.groups.answer_type!;
      // Open questions (even indexes: grades 0, 2, 4, 1, 3) get "PDR": right once; closed ones get "Mild DR": right once.
      assert.equal(groups.open!['attribute-accuracy']![0]!.value, 0.2);
      assert.equal(groups.closed!['attribute-accuracy']![0]!.value, 0.2);
      const line = readFileSync(join(dir, 'run-text', 'samples.jsonl'), 'utf8').split('\n')[0]!;
      assert.equal(JSON.parse(line).scores['attribute-accuracy'].metadata.via, 'text');
    } finally {
      await server.close();
    }
  });

  it('exports the trainer artefacts, with added token ids after the base vocabulary', async () => {
    const tokenizerFile = join(dir, 'base-tokenizer.json');
    writeFileSync(tokenizerFile, JSON.stringify(tinyTokenizerJson([], 0)));
    const out = join(dir, 'export');
    const result = await exportAtttok(registry, out, { data: dataFile, tokenizer: tokenizerFile });
    assert.equal(result.samples, 2);
    assert.equal(readFileSync(join(out, 'attribute_list.txt'), 'utf8').split('\n')[1], '<|fundus_milddr|>');
    const added = JSON.parse(readFileSync(join(out, 'added_tokens.json'), 'utf8'));
    assert.equal(added['<|attribute_begin|>'], 7, 'after ids 0..6 of the base vocabulary');
    const lora = JSON.parse(readFileSync(join(out, 'lora_config.json'), 'utf8'));
    assert.deepEqual([lora.r, lora.lora_alpha, lora.lora_dropout], [16, 32, 0.05]);
    assert.ok(new RegExp(lora.target_modules).test('model.layers.0.self_attn.q_proj'));
    assert.ok(!new RegExp(lora.target_modules).test('visual.blocks.0.mlp.gate_proj'), 'vision tower excluded');
    const samples = JSON.parse(readFileSync(join(out, 'samples.json'), 'utf8'));
    assert.deepEqual(samples[0], {
      id: 'a',
      img_path: '../img/a.png',
      input: '<image>\nWhat is the diagnosis shown in this image?',
      output: '<|attribute_begin|><|fundus_milddr|><|attribute_end|> Mild DR',
      answer_type: 'OPEN',
    });
    await assert.rejects(
      () => exportAtttok(registry, out, { tokenizer: tokenizerFile, embeddingRows: 5 }),
      /beyond 5 embedding rows/,
    );
  });
});
