// Compares target-qa-synthetic solvers (omics baseline, GALAX graph-only greedy / beam / REINFORCE /
// untrained sampler / proxy classifier) with bootstrap CIs and paired ΔF1; prints a markdown table.
// Not a test (minutes of CPU). Usage: node --import tsx test/galax/compare-solvers.ts [lines=20] [solvers] [dataSeed=1]
import { targetQaSynthetic } from '../../src/benchmarks/target-qa-synthetic/index.js';
import { galax } from '../../src/agents/galax/index.js';
import { createTestContext } from '../../src/runner/context.js';
import { newTaskState } from '../../src/core/solvers.js';
import { geneSetMetrics } from '../../src/scoring/gene-set.js';
import { bootstrapCI, pairedBootstrap } from '../../src/stats/bootstrap.js';
import type { Sample } from '../../src/core/index.js';
const baselineF1: number[] = [];
const rows: string[] = [];

const lines = Number(process.argv[2] ?? 20);
const dataSeed = Number(process.argv[4] ?? 1);
const options = { args: { lines, dataSeed }, seed: 0, cacheDir: '.medkit/cache' };
const samples = (await targetQaSynthetic.dataset(options)) as Sample[];
const which = (process.argv[3] ?? 'baseline,greedy,beam,reinforce,uniform,proxy').split(',');
const all: Record<string, any> = {
  baseline: ['omics-ranking baseline', targetQaSynthetic.solvers.baseline(options)],
  greedy: ['galax graph-only greedy', galax.createSolver({ ...options, args: { ...options.args, policy: 'greedy' } })],
  beam: [
    'galax graph-only beam(4)',
    galax.createSolver({ ...options, args: { ...options.args, policy: 'beam', beamWidth: 4 } }),
  ],
  reinforce: [
    'galax graph-only reinforce (5 epochs x 50 steps, best of 10)',
    galax.createSolver({ ...options, args: { ...options.args, policy: 'reinforce' } }),
  ],
  uniform: [
    'galax graph-only untrained policy (reinforce, 0 epochs: uniform, best of 10)',
    galax.createSolver({ ...options, args: { ...options.args, policy: 'reinforce', epochs: 0 } }),
  ],
  greedyWhole: [
    'galax graph-only greedy, classifier trained on whole line graphs',
    galax.createSolver({ ...options, args: { ...options.args, policy: 'greedy', classifierTraining: 'whole-graph' } }),
  ],
  reinforceWhole: [
    'galax graph-only reinforce, classifier trained on whole line graphs',
    galax.createSolver({
      ...options,
      args: { ...options.args, policy: 'reinforce', classifierTraining: 'whole-graph' },
    }),
  ],
  proxy: [
    'galax graph-only greedy, proxy classifier (no reference lines)',
    galax.createSolver({ ...options, args: { ...options.args, policy: 'greedy' } }),
    true,
  ],
};
const solvers: Record<string, any> = Object.fromEntries(which.map((key) => [all[key][0], all[key]]));
const keys = ['precision', 'recall', 'f1', 'jaccard', 'precision@5', 'precision@10', 'predicted'] as const;
for (const [name, [, solver, dropReference]] of Object.entries(solvers) as any) {
  const values: Record<string, number[]> = {};
  const truncated: Record<string, number[]> = {};
  const t = Date.now();
  let report: unknown;
  for (const sample of samples) {
    const input = dropReference ? { ...sample, files: { ppi: sample.files!.ppi! } } : sample;
    const state = await solver.solve(newTaskState(input, 0), createTestContext({}, 0));
    const r = (state.metadata.galax as any)?.reinforce;
    if (r) {
      (values.rFirst ??= []).push(r.meanRewardFirstEpoch);
      (values.rLast ??= []).push(r.meanRewardLastEpoch);
    }
    report ??= (state.metadata.galax as any)?.classifier;
    const m = geneSetMetrics(state.metadata.predictedGenes as string[], sample.target as string[]);
    for (const k of keys) (values[k] ??= []).push(m[k]);
    const cut = geneSetMetrics(
      (state.metadata.predictedGenes as string[]).slice(0, (sample.target as string[]).length),
      sample.target as string[],
    );
    for (const k of keys) (truncated[k] ??= []).push(cut[k]);
  }
  const parts = keys.map((k) => {
    const v = values[k]!;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    if (k === 'predicted') return `${k}=${mean.toFixed(1)}`;
    const ci = bootstrapCI(v, { seed: 0 });
    return `${k}=${mean.toFixed(3)} [${ci.lower.toFixed(3)}, ${ci.upper.toFixed(3)}]`;
  });
  if (name.startsWith('omics')) baselineF1.push(...values.f1!);
  const cell = (k: string) => {
    const v = values[k]!;
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const ci = bootstrapCI(v, { seed: 0 });
    return `${m.toFixed(3)} [${ci.lower.toFixed(3)}, ${ci.upper.toFixed(3)}]`;
  };
  const diff =
    baselineF1.length === values.f1!.length && !name.startsWith('omics')
      ? (() => {
          const d = pairedBootstrap(values.f1!, baselineF1, { seed: 0 });
          return `${d.estimate >= 0 ? '+' : ''}${d.estimate.toFixed(3)} [${d.lower.toFixed(3)}, ${d.upper.toFixed(3)}]`;
        })()
      : '—';
  rows.push(
    `| ${name} | ${cell('precision')} | ${cell('recall')} | ${cell('f1')} | ${cell('jaccard')} | ${cell('precision@5')} | ${cell('precision@10')} | ${(values.predicted!.reduce((a, b) => a + b, 0) / values.predicted!.length).toFixed(1)} | ${diff} | ${((Date.now() - t) / samples.length).toFixed(0)} |`,
  );
  if (!name.startsWith('omics')) {
    const d = pairedBootstrap(truncated.f1!, baselineF1.length ? baselineF1 : truncated.f1!, { seed: 0 });
    const c = (k: string) => {
      const v = truncated[k]!;
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const ci = bootstrapCI(v, { seed: 0 });
      return `${m.toFixed(3)} [${ci.lower.toFixed(3)}, ${ci.upper.toFixed(3)}]`;
    };
    rows.push(
      `| ${name}, first answerSize genes | ${c('precision')} | ${c('recall')} | ${c('f1')} | ${c('jaccard')} | ${c('precision@5')} | ${c('precision@10')} | ${(truncated.predicted!.reduce((a, b) => a + b, 0) / truncated.predicted!.length).toFixed(1)} | ${baselineF1.length ? `${d.estimate >= 0 ? '+' : ''}${d.estimate.toFixed(3)} [${d.lower.toFixed(3)}, ${d.upper.toFixed(3)}]` : '—'} | |`,
    );
  }
  console.log(
    `${name} (n=${samples.length}, ${((Date.now() - t) / samples.length).toFixed(0)} ms/line): ${parts.join('  ')}`,
  );
  if (report) console.log('  classifier:', JSON.stringify(report));
  if (values.rFirst)
    console.log(
      '  reinforce mean R per step: first epoch',
      (values.rFirst.reduce((a, b) => a + b, 0) / values.rFirst.length).toFixed(3),
      'last epoch',
      (values.rLast!.reduce((a, b) => a + b, 0) / values.rLast!.length).toFixed(3),
    );
}

console.log('| solver | P | R | F1 | Jaccard | P@5 | P@10 | genes | ΔF1 vs baseline (paired) | ms/line |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
