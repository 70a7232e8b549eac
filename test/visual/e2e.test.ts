// End to end through runEval: the four visual benchmarks on their embedded defaults with the
// baseline, then with openai: models against the loopback OpenAI server, asserting that the
// phantom images arrived on the wire as PNG data and that the run log keeps paths, not base64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from '../../src/eval.js';
import { startLoopbackServer, type LoopbackTurn } from '../support/loopback-server.js';

const dir = mkdtempSync(join(tmpdir(), 'visual-e2e-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const common = { concurrency: 2, cacheDir: join(dir, 'cache'), cache: false, progress: 'none' as const };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64').slice(0, 4); // "iVBO"

test('baselines run on every embedded default', async () => {
  for (const [benchmark, args, key] of [
    ['vgmed-phantom', { n: 3 }, 'attention_grounding.attention_ratio'],
    ['cxr-qba-synthetic', { n: 2 }, 'cxr_qba.positiveness'],
    ['medthinkvqa-synthetic', { n: 3 }, 'choice'],
    ['medsynvqa', { n: 4 }, 'medsyn_correct'],
  ] as const) {
    const summary = await runEval({ benchmark, ...common, outDir: join(dir, `baseline-${benchmark}`), args });
    assert.equal(summary.status, 'complete', benchmark);
    assert.equal(summary.counts.errors, 0, benchmark);
    assert.ok(
      summary.metrics[key]?.some((metric) => metric.name === 'mean'),
      `${benchmark}: ${key}`,
    );
  }
});

function script(turn: LoopbackTurn) {
  const system = turn.messages[0]?.role === 'system' ? turn.messages[0].text : '';
  const prompt = turn.lastUserText;
  if (/atomic reasoning steps/.test(system))
    return '{"steps": ["The images show the planted finding.", "The history fits."]}';
  if (/evaluate reasoning about radiology cases/.test(system))
    return '{"verdicts": [{"is_factual": true, "is_critical": true, "explanation": "ok"}, {"is_factual": true, "is_critical": false, "explanation": "ok"}]}';
  if (/Outline the region/.test(prompt)) return '{"boxes": [[40, 40, 200, 200]]}';
  if (/"positiveness"/.test(prompt))
    return '{"answer": "Yes.", "positiveness": "pos", "findings": [], "laterality": "left", "regions": [], "boxes": [[50, 50, 150, 150]]}';
  if (/Step 1 - per-image findings/.test(prompt)) return '{"per_image_findings": ["Image 1: an opacity"]}';
  if (/Step 2 - integrated summary/.test(prompt)) return 'An opacity persists.';
  if (/Step 3 - differential reasoning/.test(prompt))
    return 'The images show the planted finding. The history fits.\nANSWER: B';
  if (/<answer>/.test(prompt)) return '<think>looking</think><answer>B</answer>';
  return 'unexpected prompt';
}

test('openai models over the loopback server: images on the wire, paths in the log', async () => {
  const server = await startLoopbackServer({ script });
  try {
    for (const [benchmark, args, roles] of [
      ['vgmed-phantom', { n: 2 }, {}],
      ['cxr-qba-synthetic', { n: 1 }, {}],
      ['medthinkvqa-synthetic', { n: 2 }, { judge: 'openai:judge-model' }],
      ['medsynvqa', { n: 2 }, {}],
    ] as const) {
      server.reset();
      const outDir = join(dir, `llm-${benchmark}`);
      const summary = await runEval({
        benchmark,
        models: { agent: 'openai:agent-model', ...roles },
        provider: { baseURL: server.baseURL, apiKey: 'test' },
        ...common,
        outDir,
        args,
      });
      assert.equal(summary.status, 'complete', benchmark);
      assert.equal(summary.counts.errors, 0, `${benchmark}: ${JSON.stringify(summary.notes)}`);
      const agentTurns = server.requests.filter((request) => request.body?.model === 'agent-model' && request.turn);
      assert.ok(agentTurns.length > 0, benchmark);
      const withImages = agentTurns.filter((request) => request.turn!.images.length > 0);
      assert.ok(withImages.length > 0, `${benchmark}: no image reached the server`);
      for (const request of withImages)
        for (const image of request.turn!.images) {
          assert.equal(image.mediaType, 'image/png');
          assert.ok(image.base64.startsWith(PNG), `${benchmark}: image is not PNG data`);
        }
      const log = readFileSync(join(outDir, 'samples.jsonl'), 'utf8');
      assert.ok(
        !log.includes(withImages[0]!.turn!.images[0]!.base64.slice(0, 200)),
        `${benchmark}: base64 image data in the log`,
      );
      assert.ok(log.includes('.png'), `${benchmark}: image paths missing from the log`);
      if (benchmark === 'medthinkvqa-synthetic') {
        assert.ok(
          summary.metrics['step_judge.factual_rate']?.some((metric) => metric.name === 'mean' && metric.value === 1),
        );
        assert.ok(server.requests.some((request) => request.body?.model === 'judge-model'));
      }
      if (benchmark === 'vgmed-phantom')
        assert.ok(summary.taskMetrics.some((metric) => metric.name.includes('NOT the VGMED metric')));
    }
  } finally {
    await server.close();
  }
});

test('a user file with a missing image: the item is reported with file:line and the run goes on', async () => {
  const data = mkdtempSync(join(dir, 'data-'));
  writeFileSync(join(data, 'a.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  const row = (image: string, index: number) =>
    JSON.stringify({
      images: [image],
      question: 'Q?',
      options: '{"A": "x", "B": "y"}',
      answer_label: 'A',
      answer: 'x',
      dataset_name: 'd',
      dataset_index: index,
    });
  writeFileSync(join(data, 'eval.jsonl'), [row('a.png', 1), row('missing.png', 2), row('a.png', 3)].join('\n'));
  const summary = await runEval({
    benchmark: 'medsynvqa',
    ...common,
    outDir: join(dir, 'missing-image'),
    args: { data: join(data, 'eval.jsonl') },
  });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.units, 2);
  assert.equal(summary.counts.dataErrors, 1);
  assert.match(summary.dataErrors[0]!, /eval\.jsonl:2: images\[0\]: image file not found: .*missing\.png/);
});
