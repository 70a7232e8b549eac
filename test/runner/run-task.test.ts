import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  LOG_FORMAT_VERSION,
  generate,
  type Model,
  type RunSpec,
  type Sample,
  type Task,
} from '../../src/core/index.js';
import { bindModel } from '../../src/runner/context.js';
import { runTask } from '../../src/runner/run-task.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';

function echoModel(options: { delayMs?: number; failWhen?: (text: string) => boolean } = {}): Model {
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'echo',
    async doGenerate(request, signal) {
      const last = request.messages.at(-1)!;
      const text = typeof last.content === 'string' ? last.content : '';
      if (options.delayMs) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, options.delayMs);
          signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)));
        });
      }
      if (options.failWhen?.(text)) throw new Error(`cannot answer ${text}`);
      return { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } };
    },
  };
}

function* numbers(count: number): Generator<Sample> {
  for (let index = 0; index < count; index++) {
    yield {
      id: `s${index}`,
      input: index % 2 === 0 ? 'yes' : 'no',
      target: 'yes',
      metadata: { parity: index % 2 === 0 ? 'even' : 'odd' },
    };
  }
}

function yesTask(count: number, epochs = 1): Task {
  return {
    name: 'yes',
    version: 1,
    dataset: () => numbers(count),
    solver: generate(),
    scorers: [
      {
        name: 'exact',
        params: {},
        async score(state) {
          return { value: state.output.text === state.sample.target ? 1 : 0 };
        },
      },
    ],
    epochs,
    args: {},
    groupBy: ['parity'],
  };
}

const spec = (epochs = 1): RunSpec => ({
  logFormat: LOG_FORMAT_VERSION,
  runId: 'test',
  benchmark: 'yes',
  task: { name: 'yes', version: 1, args: {} },
  plan: { solver: { name: 'generate', params: {} }, scorers: [] },
  models: { agent: 'test:echo' },
  solverName: 'default',
  epochs,
  seed: 7,
  generateConfig: {},
  groupBy: ['parity'],
  versions: { medkit: 'test', node: process.version },
  created: '',
});

test('a run writes one line per unit and a summary with a CI, per group and per role usage', async () => {
  const outDir = join(mkdtempSync(join(tmpdir(), 'medkit-run-')), 'run');
  const summary = await runTask(yesTask(40, 2), {
    roles: { agent: bindModel('test:echo', echoModel()) },
    spec: spec(2),
    concurrency: 5,
    outDir,
  });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.units, 80);
  const records = [...readSampleRecords(outDir)];
  assert.equal(new Set(records.map((record) => `${record.id}/${record.epoch}`)).size, 80);
  const mean = summary.metrics.exact!.find((metric) => metric.name === 'mean')!;
  assert.equal(mean.value, 0.5);
  assert.ok(mean.ci!.lower < 0.5 && mean.ci!.upper > 0.5);
  assert.equal(summary.groups.parity!.even!.exact!.find((metric) => metric.name === 'mean')!.value, 1);
  assert.equal(summary.usage.agent!.calls, 80);
  assert.equal(summary.usage.agent!.inputTokens, 240);
  assert.ok(
    summary.metrics.exact!.some((metric) => metric.name.startsWith('pass^')),
    'pass^k is reported with 2 epochs',
  );
  const onDisk = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8'));
  assert.equal(onDisk.counts.units, 80);
});

test('a failing solver is recorded per unit and the others still score', async () => {
  const summary = await runTask(yesTask(10), {
    roles: { agent: bindModel('test:echo', echoModel({ failWhen: (text) => text === 'no' })) },
    spec: spec(),
    concurrency: 3,
    failFastAfter: 0,
  });
  assert.equal(summary.counts.errors, 5);
  const mean = summary.metrics.exact!.find((metric) => metric.name === 'mean')!;
  assert.equal(mean.value, 1);
  assert.equal(mean.dropped, 5);
});

test('when the first units all fail the same way the run stops with one message', async () => {
  const summary = await runTask(yesTask(50), {
    roles: { agent: bindModel('test:echo', echoModel({ failWhen: () => true })) },
    spec: spec(),
    concurrency: 2,
    outDir: join(mkdtempSync(join(tmpdir(), 'medkit-run-')), 'r'),
  });
  assert.equal(summary.status, 'failed');
  assert.ok(summary.counts.units < 50);
  assert.ok(summary.notes.some((note) => /first 8 units all failed/.test(note)));
});

test('an interrupted run resumes to exactly one line per (sample, epoch)', async () => {
  const outDir = join(mkdtempSync(join(tmpdir(), 'medkit-run-')), 'run');
  const controller = new AbortController();
  let finished = 0;
  const first = await runTask(yesTask(30, 3), {
    roles: { agent: bindModel('test:echo', echoModel({ delayMs: 5 })) },
    spec: spec(3),
    concurrency: 4,
    outDir,
    signal: controller.signal,
    onRecord: () => {
      if (++finished === 25) controller.abort();
    },
  });
  assert.equal(first.status, 'interrupted');
  assert.ok(first.counts.units >= 25 && first.counts.units < 90);
  const second = await runTask(yesTask(30, 3), {
    roles: { agent: bindModel('test:echo', echoModel()) },
    spec: spec(3),
    concurrency: 4,
    outDir,
    resume: true,
  });
  assert.equal(second.status, 'complete');
  assert.equal(second.counts.units, 90);
  const keys = [...readSampleRecords(outDir)].map((record) => `${record.id}/${record.epoch}`);
  assert.equal(keys.length, 90);
  assert.equal(new Set(keys).size, 90);
});

test('a task metric gets the score metadata of the scorer it reads, and only that scorer keeps metadata', async () => {
  const seen: Record<string, unknown>[] = [];
  const task: Task = {
    ...yesTask(6),
    scorers: [
      {
        name: 'pixels',
        params: {},
        async score(state) {
          return { value: { iou: 0.5 }, metadata: { intersection: state.sample.id.length } };
        },
      },
      {
        name: 'other',
        params: {},
        async score() {
          return { value: 1, metadata: { big: 'x'.repeat(100) } };
        },
      },
    ],
    metrics: [
      {
        name: 'pooled',
        scorerKey: 'pixels.iou',
        compute(units) {
          for (const unit of units) if (unit.metadata) seen.push(unit.metadata);
          return {
            name: 'pooled',
            value: units.reduce((sum, unit) => sum + Number(unit.metadata?.intersection ?? 0), 0),
            n: units.length,
          };
        },
      },
      {
        name: 'other-meta',
        scorerKey: 'other',
        compute(units) {
          // 'other' is read by this metric too, so its metadata is kept as well.
          return {
            name: 'other-meta',
            value: units.filter((unit) => unit.metadata?.big !== undefined).length,
            n: units.length,
          };
        },
      },
    ],
  };
  const summary = await runTask(task, {
    roles: { agent: bindModel('test:echo', echoModel()) },
    spec: spec(),
    concurrency: 3,
  });
  assert.equal(seen.length, 6);
  assert.equal(summary.taskMetrics.find((metric) => metric.name === 'pooled')!.value, 12); // ids s0..s5 have length 2
  assert.equal(summary.taskMetrics.find((metric) => metric.name === 'other-meta')!.value, 6);

  // The table keeps metadata only for scorers named; others' units come without it.
  const { ScoreTable } = await import('../../src/runner/score-table.js');
  const table = new ScoreTable([], new Set(['pixels']));
  table.add({
    id: 'a',
    epoch: 1,
    groups: {},
    error: null,
    scores: {
      pixels: { value: { iou: 1 }, metadata: { intersection: 4 } },
      other: { value: 1, metadata: { big: 'x' } },
    },
  });
  assert.deepEqual(table.units('pixels.iou')[0]!.metadata, { intersection: 4 });
  assert.equal(table.units('other')[0]!.metadata, undefined);
});
