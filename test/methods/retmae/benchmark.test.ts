// `retmae-hf`: the high-frequency selection as a run (evidence for the viewer, lesion coverage vs random) on the
// embedded fundus phantoms, on the real fundus photograph, and with a bad path.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runEval } from '../../../src/eval.js';
import { patchesOfBox } from '../../../src/methods/retmae/benchmark.js';

const FUNDUS = '../shared/data/images/fundus-normal-right.jpg';
const records = (dir: string) =>
  readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('retmae-hf', () => {
  it('maps a lesion box on the original image to the patches it touches', () => {
    // 512² image → 224², patch 16: x 100..140 → 43.75..61.25 → columns 2..3; y 300..310 → 131.25..135.6 → row 8.
    assert.deepEqual(patchesOfBox({ x1: 100, y1: 300, x2: 140, y2: 310 }, [512, 512], 224, 16), [114, 115]);
    assert.deepEqual(patchesOfBox({ x1: 0, y1: 0, x2: 512, y2: 512 }, [512, 512], 224, 16).length, 196);
  });

  it('records the kept patches as evidence and covers more lesions than the same count of random patches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retmae-hf-'));
    const summary = await runEval({
      benchmark: 'retmae-hf',
      args: { n: 6 },
      outDir: join(dir, 'run'),
      cacheDir: join(dir, 'cache'),
      cache: false,
    });
    assert.equal(summary.counts.errors, 0);
    const hf = summary.metrics['lesion-coverage']![0]!.value;
    const random = summary.metrics['random-coverage']![0]!.value;
    assert.ok(hf > random, `HF ${hf} vs random ${random}`);
    assert.equal(summary.headline?.[0]?.scorer, 'lesion-coverage');
    for (const record of records(join(dir, 'run'))) {
      const evidence = record.transcript.events.find((event: { kind?: string }) => event.kind === 'retmae-tokens');
      assert.equal(evidence.data.kept.length, 49);
      assert.equal(evidence.data.scores.length, 196);
      assert.ok(existsSync(evidence.data.overlay), 'the overlay PNG is written');
    }
  });

  it('scores your own images without truth (coverage null) and names a missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retmae-hf-'));
    if (existsSync(FUNDUS)) {
      const summary = await runEval({
        benchmark: 'retmae-hf',
        args: { path: FUNDUS },
        outDir: join(dir, 'run'),
        cacheDir: join(dir, 'cache'),
        cache: false,
      });
      assert.equal(summary.counts.samples, 1);
      assert.equal(summary.counts.errors, 0);
      const [record] = records(join(dir, 'run'));
      assert.equal(record.scores['lesion-coverage'].value, null);
      assert.ok(record.transcript.events.some((event: { kind?: string }) => event.kind === 'retmae-tokens'));
    }
    const error = await runEval({
      benchmark: 'retmae-hf',
      args: { path: join(dir, 'nowhere') },
      outDir: join(dir, 'run-bad'),
      cacheDir: join(dir, 'cache'),
      cache: false,
    }).catch((caught: Error) => caught);
    assert.match(
      String(error instanceof Error ? error.message : JSON.stringify(error)),
      /nowhere: no such file or folder/,
    );
  });
});
