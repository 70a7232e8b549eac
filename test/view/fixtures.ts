// Run directories that follow the log contract (README "Run log format"), written directly:
// 'alpha' and 'beta' (same samples, 2 epochs, for compare and pass^k; alpha's sample q1 carries a
// tool call, an image with box and mask overlays, SQL, KG, judge, rubric and simulated-user
// evidence, and HTML/script in its output), 'counsel' (judge ratings on the six CounselBench
// dimensions, for the rating workflow) and, on request, 'big' with 100,000 samples.
import { closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import type { RunSpec, RunSummary, SampleRecord, ScoredUnit } from '../../src/core/index.js';
import { summariseScores } from '../../src/stats/index.js';

export const HOSTILE_OUTPUT =
  'Answer: B <script>window.__pwned = 1</script><b>bold?</b><img src=x onerror="window.__pwned=2">';
const AT = '2026-11-28T00:00:00.000Z';

function spec(runId: string, benchmark: string, models: Record<string, string>, epochs: number): RunSpec {
  return {
    logFormat: 1,
    runId,
    benchmark,
    task: { name: benchmark, version: 1, args: {} },
    plan: { solver: { name: 'fixture', params: {} }, scorers: [{ name: 'choice', params: {} }] },
    models,
    solverName: 'default',
    epochs,
    seed: 0,
    generateConfig: { temperature: 0 },
    groupBy: ['category'],
    versions: { medkit: '0.1.0', node: process.version },
    created: AT,
  };
}

function summary(s: RunSpec, records: SampleRecord[]): RunSummary {
  const byKey = new Map<string, ScoredUnit[]>();
  for (const record of records) {
    for (const [name, score] of Object.entries(record.scores)) {
      const entries: [string, unknown][] =
        score.value !== null && typeof score.value === 'object'
          ? Object.entries(score.value).map(([key, value]) => [`${name}.${key}`, value])
          : [[name, score.value]];
      for (const [key, value] of entries) {
        const list = byKey.get(key) ?? [];
        list.push({
          id: record.id,
          epoch: record.epoch,
          value: typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : null,
          groups: record.groups,
        });
        byKey.set(key, list);
      }
    }
  }
  const metrics = Object.fromEntries(
    [...byKey].map(([key, units]) => [key, summariseScores(units, { epochs: s.epochs })]),
  );
  const tokens = records.reduce((sum, record) => sum + record.tokens, 0);
  return {
    logFormat: 1,
    runId: s.runId,
    status: 'complete',
    benchmark: s.benchmark,
    task: s.task,
    models: s.models,
    solverName: s.solverName,
    epochs: s.epochs,
    seed: 0,
    counts: {
      samples: new Set(records.map((record) => record.id)).size,
      units: records.length,
      errors: records.filter((record) => record.error).length,
      dataErrors: 0,
    },
    dataErrors: [],
    metrics,
    groups: {},
    taskMetrics: [],
    usage: { agent: { inputTokens: tokens, outputTokens: 0, cost: 0.01, calls: records.length, cachedCalls: 0 } },
    timing: { started: AT, finished: AT, durationMs: 1234, unitsPerSecond: 10 },
    versions: s.versions,
    notes: [],
  };
}

export function writeRun(root: string, name: string, s: RunSpec, records: SampleRecord[]): string {
  const directory = join(root, name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'spec.json'), JSON.stringify(s, null, 2));
  writeFileSync(join(directory, 'samples.jsonl'), records.map((record) => JSON.stringify(record) + '\n').join(''));
  writeFileSync(join(directory, 'summary.json'), JSON.stringify(summary(s, records), null, 2));
  return directory;
}

function record(
  id: string,
  epoch: number,
  correct: boolean | null,
  category: string,
  extra: Partial<SampleRecord> = {},
): SampleRecord {
  return {
    id,
    epoch,
    scores:
      correct === null ? {} : { choice: { value: correct, answer: correct ? 'B' : 'A', explanation: `expected B` } },
    output: correct ? 'Answer: B' : 'Answer: A',
    transcript: {
      messages: [
        { role: 'user', content: `Question ${id}: which option?` },
        { role: 'assistant', content: correct ? 'Answer: B' : 'Answer: A' },
      ],
      events: [],
    },
    groups: { category },
    metadata: { category },
    usage: {},
    tokens: 100 + id.length,
    cost: 0.001,
    error: correct === null ? 'model timed out after 3 retries' : null,
    startedAt: AT,
    durationMs: 42,
    target: 'B',
    ...extra,
  };
}

/** A 64×48 PNG: dark background with a bright square at (20,10)-(40,30). */
export async function writePng(path: string): Promise<void> {
  const width = 64;
  const height = 48;
  const pixels = Buffer.alloc(width * height * 3, 30);
  for (let y = 10; y < 30; y++)
    for (let x = 20; x < 40; x++) pixels.fill(220, (y * width + x) * 3, (y * width + x) * 3 + 3);
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

function richEvents(imagePath: string): SampleRecord['transcript'] {
  return {
    messages: [
      { role: 'system', content: 'You are a careful clinician.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Where is the lesion? Also look up lab values.' },
          { type: 'image', source: { kind: 'path', path: imagePath }, mediaType: 'image/png', label: 'chest phantom' },
        ],
      },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_1', name: 'run_sql', arguments: { query: 'SELECT label, value FROM labs WHERE patient = 7' } },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', name: 'run_sql', content: '[["glucose", 5.4]]' },
      { role: 'assistant', content: HOSTILE_OUTPUT },
    ],
    events: [
      {
        type: 'model',
        role: 'agent',
        model: 'scripted:agent',
        output: {
          text: '',
          toolCalls: [
            { id: 'call_1', name: 'run_sql', arguments: { query: 'SELECT label, value FROM labs WHERE patient = 7' } },
          ],
          finishReason: 'tool_calls',
          usage: { inputTokens: 50, outputTokens: 10 },
          latencyMs: 12,
        } as never,
        at: AT,
      },
      {
        type: 'tool',
        name: 'run_sql',
        arguments: { query: 'SELECT label, value FROM labs WHERE patient = 7' },
        result: '[["glucose", 5.4]]',
        durationMs: 3,
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'sql-result',
        title: 'executed SQL',
        data: {
          sql: 'SELECT label, value FROM labs WHERE patient = 7',
          columns: ['label', 'value'],
          rows: [
            ['glucose', 5.4],
            ['<i>sodium</i>', 140],
          ],
        },
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'image-region',
        title: 'prediction vs ground truth',
        data: {
          image: imagePath,
          width: 64,
          height: 48,
          boxes: [
            { x1: 20, y1: 10, x2: 40, y2: 30, label: 'ground truth' },
            { x1: 18, y1: 12, x2: 38, y2: 32, label: 'predicted <b>box</b>' },
          ],
          masks: [
            {
              points: [
                [22, 12],
                [38, 12],
                [38, 28],
                [22, 28],
              ],
              label: 'lesion mask',
            },
            { image: imagePath.replace('phantom.png', 'mask.png'), label: 'mask image' },
          ],
        },
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'sql-result',
        title: 'rows as objects, no columns',
        data: { sql: 'SELECT 1', columns: [], rows: [{ label: 'potassium', value: 4.1 }] },
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'kg-triplet',
        data: {
          head: 'metformin',
          relation: 'treats',
          tail: 'type 2 diabetes',
          verdict: 'supported',
          evidence: 'PrimeKG edge drug_disease',
        },
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'rubric-item',
        data: { criterion: 'Mentions hypoglycaemia risk', points: 3, met: false, explanation: 'not mentioned' },
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'judge',
        data: {
          dimension: 'empathy',
          rating: 4,
          rationale: 'Warm tone, <script>alert(1)</script> acknowledges worry.',
        },
        at: AT,
      },
      {
        type: 'evidence',
        kind: 'user-turn',
        data: { text: 'I still feel dizzy, what should I do?', verdict: 'in character' },
        at: AT,
      },
      { type: 'info', message: 'fixture run', at: AT },
    ],
  };
}

export interface Fixture {
  root: string;
  outside: string;
  imagePath: string;
}

/** Writes alpha, beta and counsel under `root`; `outside` is a folder beside it (not served). */
export async function writeFixtureRuns(root: string, outside: string): Promise<Fixture> {
  mkdirSync(root, { recursive: true });
  mkdirSync(outside, { recursive: true });
  mkdirSync(join(root, 'alpha'), { recursive: true });
  const imagePath = join(root, 'alpha', 'phantom.png');
  await writePng(imagePath);
  await writePng(join(root, 'alpha', 'mask.png'));
  await writePng(join(outside, 'secret.png'));
  writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
  symlinkSync(join(outside, 'secret.png'), join(root, 'alpha', 'escape.png'));
  const ids = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'];
  const categories = ['cardio', 'neuro'];
  const alpha: SampleRecord[] = [];
  const beta: SampleRecord[] = [];
  ids.forEach((id, index) => {
    for (const epoch of [1, 2]) {
      const category = categories[index % 2]!;
      if (id === 'q1') {
        alpha.push(
          record(id, epoch, true, category, {
            output: HOSTILE_OUTPUT,
            transcript: richEvents(epoch === 1 ? imagePath : join(root, 'alpha', 'escape.png')),
          }),
        );
      } else if (id === 'q6' && epoch === 2) alpha.push(record(id, epoch, null, category));
      else alpha.push(record(id, epoch, index % 3 !== 0 || epoch === 1, category));
      beta.push(record(id, epoch, index % 2 === 0 || index === 5, category));
    }
  });
  writeRun(root, 'alpha', spec('alpha-run', 'medmcq-mini', { agent: 'scripted:alpha' }, 2), alpha);
  writeRun(root, 'beta', spec('beta-run', 'medmcq-mini', { agent: 'scripted:beta' }, 2), beta);
  const dimensions = (overall: number) => ({
    overall,
    empathy: 4,
    specificity: overall,
    medical_advice: overall > 3 ? 1 : 0,
    factual_consistency: 3,
    toxicity: 1,
  });
  const counsel = ['101', '102', '103', '104'].map((id, index) =>
    record(id, 1, true, 'anxiety', {
      scores: { 'counsel-judge': { value: dimensions(2 + index), explanation: 'judge scripted:judge' } },
      output: `It sounds hard. Try slow breathing for five minutes. You could ask your doctor about sertraline. Response ${id}.`,
      transcript: {
        messages: [
          { role: 'user', content: `How do I cope with panic attacks at work? (question ${id})` },
          { role: 'assistant', content: 'It sounds hard.' },
        ],
        events: [],
      },
      groups: { topic: 'anxiety', responder: 'scripted:therapist' },
      metadata: { questionID: Number(id), topic: 'anxiety' },
    }),
  );
  writeRun(
    root,
    'counsel',
    {
      ...spec('counsel-run', 'counselbench-eval', { agent: 'scripted:therapist', judge: 'scripted:judge' }, 1),
      groupBy: ['topic', 'responder'],
    },
    counsel,
  );
  return { root, outside, imagePath };
}

/** 'big': `count` samples written as one file; every 10th failed, scores 0..1 in steps of 0.1. */
export function writeBigRun(root: string, count = 100_000): string {
  const directory = join(root, 'big');
  mkdirSync(directory, { recursive: true });
  const s = spec('big-run', 'synthetic', { agent: 'baseline (non-LLM)' }, 1);
  writeFileSync(join(directory, 'spec.json'), JSON.stringify(s));
  const descriptor = openSync(join(directory, 'samples.jsonl'), 'w');
  let batch: string[] = [];
  for (let index = 0; index < count; index++) {
    const failed = index % 10 === 9;
    const value = (index % 11) / 10;
    batch.push(
      JSON.stringify({
        id: `s${String(index).padStart(6, '0')}`,
        epoch: 1,
        scores: failed ? {} : { accuracy: { value, answer: String(value) } },
        output: `output ${index}`,
        transcript: { messages: [{ role: 'user', content: `question ${index}` }], events: [] },
        groups: { category: `c${index % 7}` },
        metadata: {},
        usage: {},
        tokens: index % 500,
        cost: 0,
        error: failed ? 'failed' : null,
        startedAt: AT,
        durationMs: 1,
      }),
    );
    if (batch.length === 5000) {
      writeSync(descriptor, batch.join('\n') + '\n');
      batch = [];
    }
  }
  if (batch.length) writeSync(descriptor, batch.join('\n') + '\n');
  closeSync(descriptor);
  return directory;
}

/**
 * Runs laid out as `medkit eval` leaves them by default (runs/<benchmark>/<UTC time>-<id>/) for the
 * runs list, the leaderboard and the sample table: three medmcq-mini runs over the same 12 questions
 * (one with 2 failed units and the runner's topErrors, one with other task args, so unpaired), one
 * older run one level up with no headline in its summary, a failed healthbench run where every unit
 * errored, and a counselbench-eval run with eight score keys and long outputs.
 */
export function writeBoardRuns(root: string): { runs: Record<string, string> } {
  const ids = Array.from({ length: 12 }, (_, index) => `m${String(index + 1).padStart(2, '0')}`);
  const headline = [{ scorer: 'choice', metric: 'mean', label: 'accuracy' }];
  const mcq = (name: string, correct: (index: number) => boolean | null, args = {}, extra: object = {}) => {
    const s = {
      ...spec(name, 'medmcq-mini', { agent: `openai:${name}` }, 1),
      task: { name: 'medmcq-mini', version: 1, args },
      created: `2026-12-0${name[7]}T10:00:00.000Z`,
    };
    const records = ids.map((id, index) => record(id, 1, correct(index), index % 2 ? 'cardio' : 'neuro'));
    const directory = writeRun(root, `medmcq-mini/${name}`, s, records);
    const written = JSON.parse(readFileSync(join(directory, 'summary.json'), 'utf8'));
    writeFileSync(join(directory, 'summary.json'), JSON.stringify({ ...written, headline, ...extra }, null, 2));
    return `medmcq-mini/${name}`;
  };
  const strong = mcq('20261201T100000Z-a1b2', (index) => index !== 3);
  const weak = mcq(
    '20261202T100000Z-c3d4',
    (index) => (index >= 10 ? null : index % 2 === 0),
    {},
    {
      topErrors: [{ message: 'model timed out after 3 retries', count: 2 }],
    },
  );
  const other = mcq('20261203T100000Z-e5f6', (index) => index < 6, { path: 'my-questions.jsonl' });
  // an older run, one level up, whose summary has no headline field
  const old = writeRun(
    root,
    'old-baseline',
    spec('old', 'medmcq-mini', { agent: 'baseline (non-LLM)' }, 1),
    ids.map((id, index) => record(id, 1, index % 3 === 0, 'cardio')),
  );
  const failedRecords = ['h1', 'h2', 'h3'].map((id) => record(id, 1, null, 'emergency'));
  const failedDir = writeRun(
    root,
    'healthbench/20261204T090000Z-dead',
    spec('hb', 'healthbench', { agent: 'openai:down', grader: 'openai:down' }, 1),
    failedRecords,
  );
  const failedSummary = JSON.parse(readFileSync(join(failedDir, 'summary.json'), 'utf8'));
  writeFileSync(join(failedDir, 'summary.json'), JSON.stringify({ ...failedSummary, status: 'failed' }, null, 2));
  const keys = [
    'overall',
    'empathy',
    'specificity',
    'medical_advice',
    'factual_consistency',
    'toxicity',
    'length',
    'safety',
  ];
  const long = (id: string) =>
    `Response ${id}: ${'It sounds like a hard week; slow breathing for five minutes helps many people, and a talk with your doctor about the options is worth it. '.repeat(5)}END-${id}`;
  const wide = ['w1', 'w2', 'w3'].map((id, index) =>
    record(id, 1, true, 'anxiety', {
      scores: {
        judge: { value: Object.fromEntries(keys.map((key, position) => [key, 1 + ((index + position) % 5)])) },
      },
      output: long(id),
    }),
  );
  const wideRun = writeRun(
    root,
    'counselbench-eval/20261205T120000Z-wide',
    spec('wide', 'counselbench-eval', { agent: 'openai:therapist', judge: 'openai:judge' }, 1),
    wide,
  );
  return {
    runs: {
      strong,
      weak,
      other,
      old: relative(root, old),
      failed: relative(root, failedDir),
      wide: relative(root, wideRun),
    },
  };
}
