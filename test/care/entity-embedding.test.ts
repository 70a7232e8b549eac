// CARE's entity reward with a real embedding path: a MiniLM-style .onnx (tinyTextEncoderOnnx: MiniLM's inputs
// and output) and a BERT-style tokenizer.json, mean pooled; checked against vectors and a matching computed by
// hand from the model's table. Bad files are named; without a model the hashing fallback is flagged.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { entityRewardEmbedded, hashingEmbedder, sentenceEmbedder } from '../../src/agents/care/entity-reward.js';
import { cosine } from '../../src/agents/care/reward.js';
import { openSentenceEncoder, tinySegmenterOnnx, tinyTextEncoderOnnx } from '../../src/models/onnx/index.js';
import { rewards } from '../../src/registry-loaded.js';
import { MINILM_VOCAB, tinyMiniLmTokenizerJson } from '../support/minilm-tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'care-embed-'));
const onnx = join(dir, 'minilm.onnx');
const tokenizer = join(dir, 'tokenizer.json');
writeFileSync(onnx, tinyTextEncoderOnnx({ vocab: 64, dim: 8 }));
writeFileSync(tokenizer, JSON.stringify(tinyMiniLmTokenizerJson()));
const encoder = await openSentenceEncoder(onnx, tokenizer);
after(() => encoder.close());

// tinyTextEncoderOnnx's table: row id, column d = cos((id·8 + d)·0.731)·0.5
const row = (id: number) => Array.from({ length: 8 }, (_, d) => Math.cos((id * 8 + d) * 0.731) * 0.5);
function byHand(tokens: string[]): number[] {
  const ids = [MINILM_VOCAB['[CLS]']!, ...tokens.map((t) => MINILM_VOCAB[t]!), MINILM_VOCAB['[SEP]']!];
  const mean = row(0).map((_, d) => ids.reduce((sum, id) => sum + row(id)[d]!, 0) / ids.length);
  const norm = Math.hypot(...mean);
  return mean.map((v) => v / norm);
}

test('sentence vectors: tokenizer ids → encoder → mean over the attention mask → L2 norm (padding ignored)', async () => {
  const [short, long] = await encoder.embed(['Nodules', 'left lung lobe']);
  const close = (a: number[], b: number[]) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `${a} vs ${b}`));
  close(short!, byHand(['nodule', '##s']));
  close(long!, byHand(['left', 'lung', 'lobe']));
});

test('entity reward over MiniLM vectors: Kuhn–Munkres on the cosine matrix, checked against all matchings by hand', async () => {
  const predicted = ['nodule', 'left lung', 'effusion'];
  const truth = ['pleural effusion', 'nodules'];
  const vector = (tokens: string[]) => byHand(tokens);
  const P = [vector(['nodule']), vector(['left', 'lung']), vector(['effusion'])];
  const Q = [vector(['pleural', 'effusion']), vector(['nodule', '##s'])];
  // every injective map of the 2 truths into the 3 predictions
  let best = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) if (a !== b) best = Math.max(best, cosine(P[a]!, Q[0]!) + cosine(P[b]!, Q[1]!));
  const parts = await entityRewardEmbedded(
    predicted,
    truth,
    sentenceEmbedder(encoder),
    '<think>x</think><answer>nodule, left lung, effusion</answer>',
  );
  assert.ok(Math.abs(parts.sim - best / 2) < 1e-6, `${parts.sim} vs ${best / 2}`);
  assert.equal(parts.count, 1);
  assert.equal(parts.rep, 1);
  assert.equal(parts.format, 1);
  assert.match(parts.embedding, /sentence encoder .*minilm\.onnx/);
  const empty = await entityRewardEmbedded([], truth, sentenceEmbedder(encoder));
  assert.equal(empty.sim, 0, 'R_sim = 0 when either list is empty');
});

test('served as care.entity: MiniLM when given, else the hashing fallback flagged; bad files and half-given args are errors', async () => {
  const reward = rewards['care.entity']!.reward;
  const rollouts = [
    { completion: '<think>t</think><answer>nodule, nodule</answer>', groundTruth: ['nodules'] },
    { completion: '<answer>lung</answer>', groundTruth: 'lung' as never },
  ];
  const base = { seed: 0, cacheDir: dir };
  const minilm = await reward.score(rollouts, { ...base, args: { entity_onnx: onnx, entity_tokenizer: tokenizer } });
  assert.equal(minilm[0]!.components!.lexical_fallback, 0);
  assert.equal(minilm[0]!.components!.rep, 0.5, 'one repeat: 1/(1+1)');
  assert.match(minilm[1]!.error!, /ground_truth: expected a list of entity strings/);
  const lexical = await reward.score(rollouts.slice(0, 1), { ...base, args: {} });
  assert.equal(lexical[0]!.components!.lexical_fallback, 1);
  assert.match(hashingEmbedder.label, /lexical fallback/);
  await assert.rejects(
    reward.score(rollouts, { ...base, args: { entity_onnx: onnx } }),
    /entity_onnx=<model\.onnx> and --arg entity_tokenizer=<tokenizer\.json> go together/,
  );
  await assert.rejects(openSentenceEncoder(join(dir, 'none.onnx'), tokenizer), /none\.onnx/);
  await assert.rejects(openSentenceEncoder(onnx, join(dir, 'none.json')), /none\.json: no such tokenizer\.json/);
  const segmenter = join(dir, 'seg.onnx');
  writeFileSync(segmenter, tinySegmenterOnnx());
  await assert.rejects(
    openSentenceEncoder(segmenter, tokenizer),
    /seg\.onnx: a sentence encoder needs inputs input_ids and attention_mask; this model has pixel_values, input_ids/,
  );
});
