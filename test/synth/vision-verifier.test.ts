// The reference vision model (pixel rules, not an LLM) as the image-reading part of the rules verifier:
// it judges Image–Text Consistency only on chest radiographs whose caption names a nodule or mass,
// records that per item, and leaves the gate assumed (and listed) elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel } from '../../src/models/registry.js';
import { bindModel } from '../../src/runner/context.js';
import { phantomFigures } from '../../src/synth/figures.js';
import { ITEMS_FILE, rulesVerifier, runSynth, STAGE_FILE } from '../../src/synth/pipeline.js';
import { synthStats } from '../../src/synth/stats.js';
import { IMAGE_TEXT_GATE, visionNotApplicable, withImageVerifier } from '../../src/synth/vision-verifier.js';

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

test('reference vision verifier: judges the image–text gate where it can see the claim, and says so', async () => {
  const out = mkdtempSync(join(tmpdir(), 'synth-vision-'));
  const binding = bindModel('reference-vision', await createModel('reference-vision'));
  const verifier = withImageVerifier(rulesVerifier, binding);
  assert.match(
    verifier.name,
    /^rules \(non-LLM\) \+ reference-vision \(reference vision model: pixel rules, not an LLM\)$/,
  );
  await runSynth({ out, figures: phantomFigures(join(out, 'images'), 40, 0, 256), source: 'phantoms', verifier });
  const records = lines(join(out, STAGE_FILE));
  let judged = 0;
  let seen = 0;
  for (const record of records) {
    const canSee = visionNotApplicable(record) === undefined;
    const gate = record.rubric.find((item: { title: string }) => item.title === IMAGE_TEXT_GATE);
    if (canSee) {
      judged++;
      assert.deepEqual(record.judged_by_vision.judged, [IMAGE_TEXT_GATE]);
      assert.ok(!record.assumed_passed.includes(IMAGE_TEXT_GATE));
      assert.equal(gate.score, record.judged_by_vision.answer === 'yes' ? 5 : 0);
      if (record.judged_by_vision.answer === 'yes') seen++;
      else assert.equal(record.accepted, false); // an essential gate at 0 fails require_pass
    } else {
      assert.deepEqual(record.judged_by_vision.judged, []);
      assert.match(record.judged_by_vision.note, /not a chest radiograph|names no nodule or mass/);
      assert.ok(record.assumed_passed.includes(IMAGE_TEXT_GATE));
    }
  }
  assert.ok(judged >= 3, `judged ${judged}`);
  assert.ok(seen >= 1, `seen ${seen}`);
  const item = lines(join(out, ITEMS_FILE)).find((i) => i.provenance.judged_by_vision.judged.length);
  assert.match(item.provenance.verifier, /not an LLM/);
  const stats = await synthStats(out);
  assert.equal(stats.gatePassRate[IMAGE_TEXT_GATE]!.judgedByReferenceVision, judged);
  assert.equal(
    visionNotApplicable({ caption: 'Axial CT of the chest showing a mass.', modality: 'computerized tomography' }),
    'not a chest radiograph',
  );
});
