// medkit synth inputs beyond the phantoms: a JSONL with image paths, a folder of images with caption
// files, multi-image groups (JSONL, folder, WebDataset articles) reaching the generator as `[Image i]`
// lines, per-figure errors naming file and line, and the curation filters (whitelist, buckets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import sharp from 'sharp';
import { pack } from 'tar-stream';
import { bucketQuotas, Curation, curationSpec, UPSTREAM_BALANCE_CATEGORIES } from '../../src/synth/curate.js';
import { type Figure, jsonlFigures } from '../../src/synth/figures.js';
import { folderFigures } from '../../src/synth/folder.js';
import { generatorContext } from '../../src/synth/generator.js';
import { runSynth, SPEC_FILE, type SynthGenerator } from '../../src/synth/pipeline.js';
import { webDatasetFigures } from '../../src/synth/webdataset.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `synth-${name}-`));
const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } })
    .png()
    .toBuffer();
const jpeg = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } })
    .jpeg()
    .toBuffer();
async function collect(source: AsyncIterable<Figure>): Promise<Figure[]> {
  const out: Figure[] = [];
  for await (const figure of source) out.push(figure);
  return out;
}

/** A generator that records the context it was given and writes a valid MCQ. */
function recordingGenerator(seen: string[]): SynthGenerator {
  return {
    name: 'recording',
    async generate(figure) {
      seen.push(generatorContext(figure));
      return {
        question: 'Which imaging finding is most consistent with the appearance shown here?',
        options: { A: 'Cyst', B: 'Abscess', C: 'Haemangioma', D: 'Metastasis', E: 'Lipoma' },
        answer: 'B',
      };
    },
  };
}

test('JSONL figures: multi-image lines, missing and non-image files named by file:line: images[i]', async () => {
  const dir = tmp('jsonl');
  writeFileSync(join(dir, 'a.png'), await png());
  writeFileSync(join(dir, 'b.jpg'), await jpeg());
  writeFileSync(join(dir, 'notes.png'), 'plain text with a .png name');
  const file = join(dir, 'figures.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ images: ['a.png', 'b.jpg'], caption: 'Axial and coronal CT of one liver lesion.' }),
      JSON.stringify({ images: ['a.png', 'missing.png'], caption: 'x' }),
      JSON.stringify({ images: ['notes.png'], caption: 'y' }),
      JSON.stringify({ images: ['b.jpg'], caption: 'Endoscopy of the duodenum.', mentions: ['See Fig. 2.'] }),
    ].join('\n'),
  );
  const errors: string[] = [];
  const figures = await collect(jsonlFigures(file, (error) => errors.push(error.message)));
  assert.deepEqual(
    figures.map((f) => f.images.length),
    [2, 1],
  );
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /figures\.jsonl:2: images\[1\]: missing\.png: no such file/);
  assert.match(errors[1]!, /figures\.jsonl:3: images\[0\]: notes\.png: not a PNG, JPEG, GIF or WebP/);
  const out = tmp('jsonl-run');
  const contexts: string[] = [];
  const summary = await runSynth({
    out,
    figures: jsonlFigures(file, () => {}),
    source: file,
    preset: 'upstream',
    generator: recordingGenerator(contexts),
  });
  assert.equal(summary.figures, 2);
  const twoImages = contexts.find((c) => c.includes('[Image 2]'))!;
  assert.match(twoImages, /^\[Image 1\] Axial and coronal CT.*\n\[Image 2\] Axial and coronal CT/);
});

test('folder figures: image + sidecar, group folders of 1–6 images, each bad figure named by path', async () => {
  const dir = tmp('folder');
  writeFileSync(join(dir, 'fig01.png'), await png());
  writeFileSync(join(dir, 'fig01.txt'), 'Chest radiograph with a right upper lobe mass.\n');
  writeFileSync(join(dir, 'fig02.jpg'), await jpeg());
  writeFileSync(
    join(dir, 'fig02.json'),
    JSON.stringify({ caption: 'Fundus photograph.', mentions: ['Figure 2 shows drusen.'], modality: 'Eye' }),
  );
  writeFileSync(join(dir, 'fig03.png'), await png()); // no caption
  writeFileSync(join(dir, 'fig04.png'), 'not an image');
  writeFileSync(join(dir, 'fig04.txt'), 'caption');
  writeFileSync(join(dir, 'fig05.json'), JSON.stringify({ caption: 'orphan' })); // no image
  writeFileSync(join(dir, 'fig06.png'), await png());
  writeFileSync(join(dir, 'fig06.json'), JSON.stringify({ caption: '' }));
  mkdirSync(join(dir, 'group-a'));
  for (const name of ['1.png', '2.png', '3.png']) writeFileSync(join(dir, 'group-a', name), await png());
  writeFileSync(join(dir, 'group-a', 'caption.txt'), 'T1, T2 and FLAIR MRI of a frontal glioma.');
  mkdirSync(join(dir, 'group-b'));
  for (let i = 1; i <= 7; i++) writeFileSync(join(dir, 'group-b', `${i}.png`), await png());
  writeFileSync(join(dir, 'group-b', 'caption.txt'), 'seven panels');
  mkdirSync(join(dir, 'group-c'));
  writeFileSync(join(dir, 'group-c', '1.png'), await png()); // no caption
  const errors: string[] = [];
  const figures = await collect(folderFigures(dir, (error) => errors.push(error.message)));
  assert.deepEqual(
    figures.map((f) => [f.key, f.images.length, f.modality]),
    [
      ['fig01.png', 1, undefined],
      ['fig02.jpg', 1, 'eye'],
      ['group-a', 3, undefined],
    ],
  );
  assert.deepEqual(figures[1]!.mentions, ['Figure 2 shows drusen.']);
  assert.equal(figures[2]!.caption, 'T1, T2 and FLAIR MRI of a frontal glioma.');
  const joined = errors.join('\n');
  assert.match(joined, /fig03\.png: no caption \(expected fig03\.txt or fig03\.json beside it\)/);
  assert.match(joined, /fig04\.png: not a PNG, JPEG, GIF or WebP/);
  assert.match(joined, /fig05\.json: a caption file with no image/);
  assert.match(joined, /fig06\.json: caption: /);
  assert.match(joined, /group-b: 7 images; a figure has 1–6/);
  assert.match(joined, /group-c: a figure folder with 1 image\(s\) but no caption\.txt or figure\.json/);
  assert.equal(errors.length, 6, joined);
});

const biomedica = (id: string, caption: string, article: string, secondary: string[], primary = 'Clinical Imaging') =>
  JSON.stringify({
    image_cluster_id: id,
    image_set: [{ image_id: id, caption }],
    image_context: { [id]: [`${id} is discussed here.`] },
    article_accession_id: article,
    image_primary_label: [primary],
    image_secondary_label: secondary,
  });

async function groupedShard(path: string): Promise<void> {
  const image = await jpeg();
  const tar = pack();
  const done = finished(tar.pipe(createWriteStream(path)));
  let n = 0;
  const add = (json: string) => {
    n++;
    const key = String(n).padStart(6, '0');
    tar.entry({ name: `${key}.json` }, json);
    tar.entry({ name: `${key}.jpg` }, image);
  };
  for (let i = 0; i < 3; i++) add(biomedica(`a${i}`, 'MRI sequences of one lesion.', 'PMC1', ['Magnetic Resonance']));
  add(biomedica('a9', 'Photomicrograph of the biopsy.', 'PMC1', ['Light Microscopy'], 'Microscopy'));
  add(biomedica('b0', 'MRI sequences of one lesion.', 'PMC2', ['magnetic resonance'])); // same caption, other article
  for (let i = 0; i < 7; i++) add(biomedica(`c${i}`, 'Seven ultrasound frames.', 'PMC3', ['ultrasound']));
  add(biomedica('d0', 'A bar chart of outcomes.', 'PMC4', ['chart'], 'Graphics'));
  add(biomedica('e0', 'Axial CT of the chest.', 'PMC5', ['computerized tomography']));
  add(biomedica('e1', 'Coronal CT of the chest.', 'PMC5', ['computerized tomography']));
  tar.finalize();
  await done;
}

test('WebDataset: images of one article sharing a caption are one figure; groups above 6 are skipped', async () => {
  const dir = tmp('wds-groups');
  const shard = join(dir, 'shard.tar');
  await groupedShard(shard);
  const errors: string[] = [];
  const figures = await collect(webDatasetFigures([shard], join(dir, 'images'), (e) => errors.push(e.message)));
  assert.deepEqual(
    figures.map((f) => [f.key, f.images.length]),
    [
      ['shard/000001+shard/000002+shard/000003', 3],
      ['shard/000004', 1],
      ['shard/000005', 1],
      ['shard/000013', 1],
      ['shard/000014', 1],
      ['shard/000015', 1],
    ],
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /000006, .*000012: 7 images of article PMC3 share one caption; upstream skips/);
  assert.deepEqual(figures[0]!.labels!.secondary, ['magnetic resonance']);
  assert.equal(figures[0]!.mentions.length, 3);
});

test("curation: upstream's whitelist per image before grouping, buckets as upstream's quotas, both in the spec", async () => {
  const quotas = bucketQuotas(50, UPSTREAM_BALANCE_CATEGORIES);
  assert.equal(Object.keys(quotas).length, 24);
  const sum = Object.values(quotas).reduce((s, perK) => s + Object.values(perK).reduce((a, b) => a + b, 0), 0);
  assert.equal(sum, 50);
  assert.deepEqual(quotas['x-ray radiography'], { 1: 3, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 }); // 50 = 24×2 + 2: first two get 3
  assert.deepEqual(quotas.skull, { 1: 2, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 });
  assert.deepEqual(bucketQuotas(1000, ['a']).a, { 1: 900, 2: 20, 3: 20, 4: 20, 5: 20, 6: 20 });
  assert.throws(() => curationSpec(undefined, '0'), /--buckets 0: expected a positive integer/);
  assert.throws(() => curationSpec(' , '), /--modalities ' , ': expected 'upstream' or a comma list/);

  const dir = tmp('curate');
  const shard = join(dir, 'shard.tar');
  await groupedShard(shard);
  // upstream whitelist: the chart (Graphics) is dropped, light microscopy kept; one bucket per category and K
  const curation = new Curation(curationSpec('upstream'));
  const figures = await collect(
    curation.apply(webDatasetFigures([shard], join(dir, 'images'), () => {}, curation.allowLabels)),
  );
  assert.equal(figures.length, 5);
  assert.equal(curation.counts.dropped.modality, 1);

  // buckets over two named categories, 3 figures: magnetic resonance (first) gets 2, computerized tomography 1, all K=1
  const buckets = new Curation(curationSpec('magnetic resonance,computerized tomography', '3'));
  const kept = await collect(
    buckets.apply(webDatasetFigures([shard], join(dir, 'images2'), () => {}, buckets.allowLabels)),
  );
  assert.deepEqual(
    kept.map((f) => f.key),
    ['shard/000005', 'shard/000014'],
  );
  assert.equal(buckets.counts.dropped.bucketFull, 2); // the 3-image MRI group (no K=3 quota at N=3), the 2nd CT

  const out = tmp('curate-run');
  const contexts: string[] = [];
  const run = new Curation(curationSpec('upstream', '30'));
  await runSynth({
    out,
    figures: webDatasetFigures([shard], join(out, 'images'), () => {}, run.allowLabels),
    source: shard,
    preset: 'upstream',
    generator: recordingGenerator(contexts),
    curation: run,
  });
  const spec = JSON.parse(readFileSync(join(out, SPEC_FILE), 'utf8'));
  assert.equal(spec.curation.modalities, 'upstream');
  assert.equal(spec.curation.buckets.total, 30);
  assert.equal(spec.curation.buckets.categories.length, 24);
  const summary = JSON.parse(readFileSync(join(out, 'synth-summary.json'), 'utf8'));
  assert.equal(summary.curation.kept, contexts.length);
});
