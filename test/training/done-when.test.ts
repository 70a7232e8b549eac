// Issue 16's "done when", per benchmark: `medkit export` (verl parquet) → a scripted policy answers the exported
// prompts inside `medkit eval` → the rewards from the server, from each generated shim (python3) and from
// `medkit reward score`, all fed the exported ground truth and group ids, equal the eval's own scores.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { groupRewards } from '../../src/agents/medvr/reward.js';
import type { GenerateRequest, TranscriptEvent } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';
import { thinkAnswerFormat } from '../../src/scoring/think-format.js';
import { runExport } from '../../src/training/export/command.js';
import { type Row, rewardsByEveryPath } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'done-when-'));
const cacheDir = join(folder, 'cache');

interface VerlRow {
  prompt: { role: string; content: string }[];
  reward_model: { ground_truth: string };
  extra_info: { id: string; group: string | null; group_size: bigint | null };
}

async function exported(source: string, extra: Partial<Parameters<typeof runExport>[0]> = {}) {
  const outDir = join(folder, `export-${source}`);
  await runExport({ source, format: 'verl', outDir, cacheDir, ...extra });
  const rows = (await parquetReadObjects({
    file: await asyncBufferFromFile(join(outDir, 'train.parquet')),
  })) as unknown as VerlRow[];
  return new Map(rows.map((row) => [row.extra_info.id, row]));
}

const lastUserText = (request: GenerateRequest) => {
  const user = request.messages.filter((message) => message.role === 'user').at(-1)!;
  return typeof user.content === 'string'
    ? user.content
    : user.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
};

test('medsynvqa: export → scripted policy → server, shims and reward score equal medkit eval', async () => {
  const rows = await exported('medsynvqa', { limit: 12 });
  // The policy reads the exported prompt text: right for some questions, wrong, malformed or bare for others.
  const policy = scriptedModel((request) => {
    const text = lastUserText(request);
    const letter = /\nB\. /.test(text) ? 'B' : 'A';
    return [
      `<think>looks like ${letter}</think><answer>${letter}</answer>`,
      `The answer is ${letter}`,
      'no idea',
      `<answer>C</answer>`,
    ][text.length % 4]!;
  });
  const runDir = join(folder, 'medsyn-run');
  await runEval({
    benchmark: 'medsynvqa',
    models: { agent: policy },
    outDir: runDir,
    cache: false,
    cacheDir,
    limit: 12,
  });
  const records = [...readSampleRecords(runDir)];
  const wire: Row[] = records.map((record) => ({
    id: record.id,
    completion: record.output,
    ground_truth: JSON.parse(rows.get(record.id)!.reward_model.ground_truth),
  }));
  const expected = records.map((record) => Number(record.scores.medsyn_correct!.value));
  assert.ok(expected.includes(0) && expected.includes(1), `a mix: ${expected}`);
  await rewardsByEveryPath({ reward: 'medsynvqa', rows: wire, expected, folder, cacheDir, dataSource: 'medsynvqa' });
});

test('ehr-chatqa: export → scripted agent episodes → the DB-backed reward equals medkit eval', async () => {
  const rows = await exported('ehr-chatqa', { limit: 10 });
  const runDir = join(folder, 'ehr-run');
  // The baseline agent is medkit's scripted policy for this benchmark (intents → SQL), the scripted user speaks.
  await runEval({ benchmark: 'ehr-chatqa', limit: 10, epochs: 1, outDir: runDir, cache: false, cacheDir });
  const records = [...readSampleRecords(runDir)];
  const wire: Row[] = records.map((record) => {
    const metadata = record.metadata as Record<string, unknown>;
    return {
      id: record.id,
      completion: record.output,
      ground_truth: JSON.parse(rows.get(record.id)!.reward_model.ground_truth),
      extra: { queries: metadata.queries ?? [], responses: metadata.responses ?? [], endReason: metadata.endReason },
    };
  });
  const expected = records.map((record) => Number(record.scores.reward!.value));
  assert.ok(expected.includes(1), `some tasks solved: ${expected}`);
  await rewardsByEveryPath({ reward: 'ehr-chatqa', rows: wire, expected, folder, cacheDir, dataSource: 'ehr-chatqa' });
});

test('medvr: export with group ids → 4 rollouts per prompt → the group reward (CCA) equals medkit eval', async () => {
  const groupSize = 4;
  const rows = await exported('graded-phantom', { solver: 'medvr', groupSize, limit: 2, args: { per_group: '2' } });
  for (const row of rows.values()) assert.equal(row.extra_info.group_size, BigInt(groupSize));
  // A trajectory zooms (or not) and then answers; which one depends on the unit's seed (sample × epoch).
  const policy = scriptedModel((request) => {
    const kind = Number(request.config.seed ?? 0) % 4;
    const zoomed = request.messages.some(
      (message) => message.role === 'user' && /crop_box/.test(JSON.stringify(message)),
    );
    if (!zoomed && kind !== 2) {
      const box = kind === 3 ? [300, 300, 480, 480] : [96, 96, 288, 288];
      return `<think>look closer</think><tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [${box}]}}</tool_call>`;
    }
    return `<think>seen</think><answer>${kind === 3 ? 'maybe' : kind === 1 ? 'no' : 'yes'}</answer>`;
  });
  const runDir = join(folder, 'medvr-run');
  await runEval({
    benchmark: 'graded-phantom',
    solver: 'medvr',
    models: { agent: policy },
    epochs: groupSize,
    limit: 2,
    args: { per_group: 2 },
    outDir: runDir,
    cache: false,
    cacheDir,
  });
  const records = [...readSampleRecords(runDir)].sort((a, b) => a.id.localeCompare(b.id) || a.epoch - b.epoch);
  const boxesOf = (events: TranscriptEvent[]) =>
    events.flatMap((event) =>
      event.type === 'evidence' && event.kind === 'image-region' && /^trajectory \d+, zoom/.test(event.title ?? '')
        ? [(event.data as { medvr: { original: number[] } }).medvr.original]
        : [],
    );
  const wire: Row[] = records.map((record) => {
    const row = rows.get(record.id)!;
    return {
      id: `${record.id}#${record.epoch}`,
      completion: record.output,
      ground_truth: JSON.parse(row.reward_model.ground_truth),
      group: row.extra_info.group!,
      group_size: Number(row.extra_info.group_size),
      extra: { boxes: boxesOf(record.transcript.events) },
    };
  });
  // medkit eval's per-rollout numbers (closed_answer, the R1 format of its output, its logged zooms) put
  // through the group formula once per prompt: what the reward must give.
  const expected: number[] = [];
  for (let start = 0; start < records.length; start += groupSize) {
    const group = records.slice(start, start + groupSize);
    const truth = wire[start]!.ground_truth as { width: number; height: number };
    expected.push(
      ...groupRewards(
        group.map((record, k) => ({
          accuracy: Number(record.scores.closed_answer!.value),
          format: thinkAnswerFormat(record.output, true),
          boxes: ((wire[start + k]!.extra as { boxes: number[][] }).boxes ?? []).map(([x1, y1, x2, y2]) => ({
            x1: x1!,
            y1: y1!,
            x2: x2!,
            y2: y2!,
          })),
        })),
        { width: truth.width, height: truth.height },
      ),
    );
  }
  assert.ok(new Set(expected).size >= 2 && expected.some((value) => value > 2), `CCA tool reward earned: ${expected}`);
  const results = await rewardsByEveryPath({
    reward: 'medvr',
    rows: wire,
    expected,
    folder,
    cacheDir,
    dataSource: 'graded-phantom',
  });
  results.forEach((result, index) =>
    assert.equal(result.components?.accuracy, Number(records[index]!.scores.closed_answer!.value)),
  );
});
