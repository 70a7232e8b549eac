// WebDataset shards as BIOMEDICA publishes them: a shard built here with tar-stream, read streaming,
// bad members and a corrupt shard reported with shard and member, then run through synth end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import sharp from 'sharp';
import { pack } from 'tar-stream';
import { loadMedsyn } from '../../src/benchmarks/medsynvqa/items.js';
import type { Figure } from '../../src/synth/figures.js';
import { ITEMS_FILE, runSynth, STAGE_FILE } from '../../src/synth/pipeline.js';
import { webDatasetFigures } from '../../src/synth/webdataset.js';

const record = (id: string, caption: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    image_cluster_id: id,
    image_set: [
      { image_id: 'other', caption: 'not this one' },
      { image_id: id, caption },
    ],
    image_context: [{ [id]: [`Figure 2 (${id}) shows the lesion.`] }, { other: ['no'] }],
    article_accession_id: 'PMC1',
    image_primary_label: 'Clinical Imaging',
    image_secondary_label: ['CT'],
    ...extra,
  });

async function buildShard(path: string): Promise<void> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const tar = pack();
  const done = finished(tar.pipe(createWriteStream(path)));
  const add = (name: string, body: string | Buffer) => tar.entry({ name }, body);
  add('000001.json', record('img1', 'Axial CT shows a hypodense liver lesion.'));
  add('000001.jpg', jpeg);
  add('000002.json', '{"image_cluster_id": ');
  add('000002.jpg', jpeg);
  add('000003.json', record('img3', 'No caption found'));
  add('000003.jpg', jpeg);
  add('000004.json', record('img4', 'MRI of the knee.'));
  add('000005.json', record('img5', 'Ultrasound of the gallbladder.'));
  add('000005.jpg', Buffer.from('\x89PNG not a jpeg'));
  add('000006.png', jpeg); // never read: upstream reads .json + .jpg only
  add('000007.json', record('img7', 'Chest CT shows a cavitating mass.', { image_secondary_label: 'CT' }));
  add('000007.jpg', jpeg);
  tar.finalize();
  await done;
}

test('webdataset shard: json + jpg members become figures; bad members are reported and skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-wds-'));
  const shard = join(dir, 'shard-000.tar');
  await buildShard(shard);
  const corrupt = join(dir, 'corrupt.tar');
  writeFileSync(corrupt, readFileSync(shard).subarray(0, 700)); // cut mid-member
  const errors: string[] = [];
  const figures: Figure[] = [];
  for await (const figure of webDatasetFigures([shard, corrupt], join(dir, 'images'), (e) => errors.push(e.message)))
    figures.push(figure);
  assert.deepEqual(
    figures.map((f) => f.key),
    ['shard-000/000001', 'shard-000/000007'],
  );
  assert.equal(figures[0]!.caption, 'Axial CT shows a hypodense liver lesion.');
  assert.deepEqual(figures[0]!.mentions, ['Figure 2 (img1) shows the lesion.']);
  assert.equal(figures[0]!.modality, 'ct');
  assert.equal(readFileSync(figures[0]!.images[0]!)[0], 0xff);
  const joined = errors.join('\n');
  assert.match(joined, /shard-000\.tar: 000002\.json: is not JSON/);
  assert.match(joined, /000003\.json: image_set: no caption for image_id img3/);
  assert.match(joined, /000004\.json: no 000004\.jpg member/);
  assert.match(joined, /000005\.json: 000005\.jpg is not a JPEG/);
  assert.match(joined, /corrupt\.tar: not a readable tar archive/);
});

test('webdataset shard through synth: scripted generator, rules verifier, items read by the medsynvqa loader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-wds-run-'));
  const shard = join(dir, 'shard-000.tar');
  await buildShard(shard);
  const out = join(dir, 'out');
  const errors: string[] = [];
  const summary = await runSynth({
    out,
    figures: webDatasetFigures([shard], join(out, 'images'), (e) => errors.push(e.message)),
    source: shard,
    preset: 'mean9670',
    generator: {
      name: 'scripted (test)',
      async generate(figure) {
        return {
          question: `An axial CT image is shown for ${figure.key.endsWith('1') ? 'a liver study' : 'a chest study'}. What is the main finding?`,
          options: {
            A: 'Hypodense lesion',
            B: 'Cavitating mass',
            C: 'Calcified nodule',
            D: 'Pleural fluid',
            E: 'Normal study',
          },
          answer: figure.key.endsWith('1') ? 'A' : 'B',
        };
      },
    },
  });
  assert.equal(errors.length, 4);
  assert.equal(summary.figures, 2);
  assert.equal(summary.written, 2);
  const stage = readFileSync(join(out, STAGE_FILE), 'utf8').trim().split('\n');
  assert.equal(stage.length, 2);
  const samples = [];
  for await (const sample of loadMedsyn(join(out, ITEMS_FILE))) samples.push(sample);
  assert.equal(samples.length, 2);
  assert.match(String(samples[0]!.files?.image1), /images\/shard-000-000001\.jpg$/);
});
