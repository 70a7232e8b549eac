// MinHash near-duplicate stems: the estimate against exact Jaccard over shingles, LSH finding the near
// duplicates, and the pipeline dropping them before rebalancing, with the spec recording the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/stats/random.js';
import {
  dedupeSpec,
  estimatedJaccard,
  jaccard,
  MinHasher,
  shingles,
  StemDeduplicator,
} from '../../src/synth/dedupe.js';
import type { Figure } from '../../src/synth/figures.js';
import { DUPLICATES_FILE, ITEMS_FILE, runSynth, SPEC_FILE, type SynthGenerator } from '../../src/synth/pipeline.js';

const WORDS =
  'axial coronal sagittal lesion mass nodule liver lung kidney brain contrast enhancing hypodense hyperintense margin rim fluid level septated calcified patient year old man woman presents with pain fever cough imaging shows which most likely diagnosis finding'.split(
    ' ',
  );

test('MinHash estimate tracks exact Jaccard over shingles (128 permutations)', () => {
  const rng = createRng(7);
  const hasher = new MinHasher(dedupeSpec(0.8, 0));
  const errors: number[] = [];
  for (let pair = 0; pair < 60; pair++) {
    const base = Array.from({ length: 25 }, () => WORDS[rng.int(WORDS.length)]!);
    const other = base.map((w) => (rng.next() < pair / 60 ? WORDS[rng.int(WORDS.length)]! : w));
    const a = base.join(' ');
    const b = other.join(' ');
    const exact = jaccard(shingles(a, 5), shingles(b, 5));
    const estimate = estimatedJaccard(hasher.signature(a), hasher.signature(b));
    errors.push(Math.abs(exact - estimate));
  }
  const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
  assert.ok(mean < 0.04, `mean |estimate − exact| ${mean.toFixed(3)}`);
  assert.ok(Math.max(...errors) < 0.15, `max error ${Math.max(...errors).toFixed(3)}`);
  assert.equal(estimatedJaccard(hasher.signature('Same stem.'), hasher.signature('same   STEM')), 1); // normalised
  assert.throws(() => dedupeSpec(0, 0), /threshold 0: expected \(0, 1\]/);
  assert.throws(() => dedupeSpec(0.8, 0, 30), /permutations 30: expected a multiple of 4/);
});

test('LSH finds a one-word edit and keeps unrelated stems', () => {
  const dedupe = new StemDeduplicator(dedupeSpec(0.7, 0));
  const stem =
    'A 45-year-old woman has an enhancing mass in the left kidney on axial CT. What is the most likely diagnosis?';
  assert.equal(dedupe.check('a', stem), undefined);
  assert.equal(dedupe.check('b', 'Which retinal lesion is shown on this colour fundus photograph?'), undefined);
  const hit = dedupe.check('c', stem.replace('left', 'right'));
  assert.equal(hit?.duplicateOf, 'a');
  assert.ok(hit!.estimatedJaccard >= 0.7);
  const exact = jaccard(shingles(stem, 5), shingles(stem.replace('left', 'right'), 5));
  assert.ok(Math.abs(exact - hit!.estimatedJaccard) < 0.12, `exact ${exact}, estimate ${hit!.estimatedJaccard}`);
});

test('pipeline: --dedupe drops near-duplicate accepted stems before rebalancing; spec records the settings', async () => {
  const out = mkdtempSync(join(tmpdir(), 'synth-dedupe-'));
  const stems = [
    'A 60-year-old man has a spiculated mass in the right upper lobe on this radiograph. What is the most likely diagnosis?',
    'A 60-year-old man has a spiculated mass in the left upper lobe on this radiograph. What is the most likely diagnosis?',
    'Which retinal lesion is shown on this colour fundus photograph of a diabetic patient?',
    'Which retinal lesion is shown on this colour fundus photograph of a diabetic patient?',
    'On this axial contrast-enhanced CT of the abdomen, which organ contains the hypodense lesion?',
  ];
  async function* figures(): AsyncGenerator<Figure> {
    for (let i = 0; i < stems.length; i++) yield { key: `f${i}`, images: [], caption: `caption ${i}`, mentions: [] };
  }
  const generator: SynthGenerator = {
    name: 'stems',
    generate: async (figure) => ({
      question: stems[Number(figure.key.slice(1))]!,
      options: { A: 'Alpha', B: 'Beta', C: 'Gamma', D: 'Delta', E: 'Epsilon' },
      answer: 'A',
    }),
  };
  const spec = dedupeSpec(0.8, 3);
  const summary = await runSynth({ out, figures: figures(), source: 'x', preset: 'upstream', generator, dedupe: spec });
  assert.equal(summary.accepted, 5);
  assert.equal(summary.deduplicated, 2);
  assert.equal(summary.written, 3);
  const duplicates = readFileSync(join(out, DUPLICATES_FILE), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    duplicates.map((d) => [d.key, d.duplicate_of]),
    [
      ['f1', 'f0'],
      ['f3', 'f2'],
    ],
  );
  const items = readFileSync(join(out, ITEMS_FILE), 'utf8').trim().split('\n');
  assert.equal(items.length, 3);
  const recorded = JSON.parse(readFileSync(join(out, SPEC_FILE), 'utf8')).dedupe;
  assert.deepEqual(recorded, {
    threshold: 0.8,
    permutations: 128,
    bands: 32,
    rows: 4,
    shingle: 5,
    seed: 3,
    method: 'minhash-lsh',
  });
});

test('dedupe settings a user mistypes are refused with the value named', () => {
  for (const threshold of [0, 1.5, Number.NaN])
    assert.throws(() => dedupeSpec(threshold, 1), new RegExp(`dedupe threshold ${threshold}: expected \\(0, 1\\]`));
  assert.throws(() => dedupeSpec(0.8, 1, 10), /dedupe permutations 10: expected a multiple of 4/);
  assert.throws(() => dedupeSpec(0.8, 1, 0), /dedupe permutations 0: expected a multiple of 4/);
  assert.equal(dedupeSpec(0.8, 1, 64).bands, 16);
});
