// bench/summary: the end-of-run summary over N units (default 1,000,000) with bootstrap CIs: the
// typed-column summary (summariseTable) against the pre-issue-13 algorithm (test/support/
// summary-reference.ts) on the same seeded scores in the same process, checking the two give
// identical metrics (bit for bit) and printing the time of each and their ratio. Goal: ≤ 4 s at 1M.
// Usage: node --import tsx bench/summary.ts [--units 1000000] [--epochs 1] [--groups 15] [--no-reference]
import { isDeepStrictEqual } from 'node:util';
import type { SampleRecord, Task } from '../src/core/index.js';
import { ScoreTable, summariseTable } from '../src/runner/score-table.js';
import { createRng } from '../src/stats/random.js';
import { ReferenceScoreTable, referenceSummary } from '../test/support/summary-reference.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const units = argument('units', 1_000_000);
const epochs = argument('epochs', 1);
const groupCount = argument('groups', 15);
const withReference = !process.argv.includes('--no-reference');

/** medmcq-like rows: 0/1 choice scores, ids `q<n>`, a topic group, epochs finishing in order per sample. */
function* rows(): Generator<Pick<SampleRecord, 'id' | 'epoch' | 'scores' | 'groups' | 'error'>> {
  const rng = createRng(1);
  const samples = Math.ceil(units / epochs);
  for (let index = 0; index < samples; index++) {
    const topic = `topic-${index % groupCount}`;
    for (let epoch = 1; epoch <= epochs; epoch++)
      yield {
        id: `q${index}`,
        epoch,
        scores: { choice: { value: rng.next() < 0.6 ? 1 : 0 } as never },
        groups: groupCount > 0 ? { topic } : {},
        error: null,
      };
  }
}

const groupBy = groupCount > 0 ? ['topic'] : [];
const task = { epochs, scorers: [{ name: 'choice' }], metrics: [] } as unknown as Task;
const table = new ScoreTable(groupBy);
for (const row of rows()) table.add(row);
const rssMb = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
console.log(`units=${table.size} epochs=${epochs} groups=${groupCount} load=${(await loadAverage()).join(' ')}`);

/** CPU seconds of this process: on a machine shared with other work, a steadier figure than wall time. */
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / 1e6).toFixed(2);
};
let started = performance.now();
let cpu = process.cpuUsage();
const summary = summariseTable(table, task, 0);
const typedSeconds = (performance.now() - started) / 1000;
console.log(
  `typed-column summary: ${typedSeconds.toFixed(2)} s wall, ${cpuSeconds(cpu)} s CPU (goal <= 4 s at 1M units), rss ${rssMb()} MB`,
);

if (withReference) {
  const reference = new ReferenceScoreTable(groupBy);
  for (const row of rows()) reference.add(row);
  started = performance.now();
  cpu = process.cpuUsage();
  const expected = referenceSummary(reference, { epochs, seed: 0 });
  const referenceSeconds = (performance.now() - started) / 1000;
  const referenceCpu = cpuSeconds(cpu);
  const same =
    isDeepStrictEqual(summary.metrics, expected.metrics) && isDeepStrictEqual(summary.groups, expected.groups);
  console.log(`reference (pre-issue-13) summary: ${referenceSeconds.toFixed(2)} s wall, ${referenceCpu} s CPU`);
  console.log(`speed-up ${(referenceSeconds / typedSeconds).toFixed(1)}x; identical metrics and intervals: ${same}`);
  if (!same) process.exitCode = 1;
}
console.log(`choice mean ${JSON.stringify(summary.metrics.choice![0])}`);

async function loadAverage(): Promise<string[]> {
  const { loadavg } = await import('node:os');
  return loadavg().map((value) => value.toFixed(1));
}
