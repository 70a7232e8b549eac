// Which registered benchmarks the image agents run on: those tagged closed-answer + single-image (graded-phantom,
// med-vqa, medsynvqa) run; grounding, free-text and multi-image benchmarks are refused before the run, naming
// the missing tags.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { agentRefusal } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { agents, benchmarks } from '../../src/registry-loaded.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-tags-'));
const IMAGE_AGENTS = ['care-flow', 'care-coord', 'medvr'];

test('tags: closed-answer single-image benchmarks accept the image agents; the others refuse with the missing tags', () => {
  for (const name of IMAGE_AGENTS) {
    for (const ok of ['graded-phantom', 'med-vqa', 'medsynvqa'])
      assert.equal(agentRefusal(agents[name]!, benchmarks[ok]!), null, `${name} on ${ok}`);
    assert.match(
      agentRefusal(agents[name]!, benchmarks['cxr-qba-synthetic']!)!,
      /needs a benchmark tagged 'closed-answer'/,
    );
    assert.match(agentRefusal(agents[name]!, benchmarks['vgmed-phantom']!)!, /'closed-answer'.*and 'single-image'/);
    assert.match(
      agentRefusal(agents[name]!, benchmarks['medthinkvqa-synthetic']!)!,
      /needs a benchmark tagged 'closed-answer' .* and 'single-image' .*is tagged mcq, image-vqa, multi-image/,
    );
  }
});

test('medsynvqa phantom MCQs run under CARE-Flow and MedVR (reference model), every unit scored', async () => {
  for (const solver of ['care-flow', 'medvr']) {
    const summary = await runEval({
      benchmark: 'medsynvqa',
      args: { n: 2 },
      models: { agent: 'reference-vision' },
      solver,
      cache: false,
      cacheDir: join(dir, 'cache'),
      outDir: join(dir, solver),
    });
    assert.equal(summary.counts.units, 2);
    assert.equal(summary.counts.errors, 0, JSON.stringify(summary.errorMessages));
  }
  await assert.rejects(
    runEval({ benchmark: 'vgmed-phantom', models: { agent: 'reference-vision' }, solver: 'care-flow', cache: false }),
    /agent 'care-flow' needs a benchmark tagged 'closed-answer'/,
  );
});
