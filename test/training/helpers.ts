// Shared by the training-bridge tests: an eval run's outputs turned into rollouts.jsonl rows.
import type { BenchmarkOptions, Reward, Sample } from '../../src/core/index.js';
import { loadBenchmark } from '../../src/registry.js';
import { readSampleRecords } from '../../src/runner/run-dir.js';

export interface EvalRollout {
  id: string;
  evalValue: number;
  row: { id: string; completion: string; ground_truth: unknown; extra?: unknown };
}

/** Each finished unit of `runDir` as a rollout of `reward`, with the value `medkit eval` gave it. */
export async function rolloutsFromRun(
  benchmark: string,
  options: BenchmarkOptions,
  runDir: string,
  scorer: string,
  reward: Reward,
  extra?: (metadata: Record<string, unknown>) => unknown,
): Promise<EvalRollout[]> {
  const samples = new Map<string, Sample>();
  for await (const sample of await (await loadBenchmark(benchmark))!.dataset(options)) samples.set(sample.id, sample);
  return [...readSampleRecords(runDir)].map((record) => ({
    id: record.id,
    evalValue: Number(record.scores[scorer]!.value),
    row: {
      id: record.id,
      completion: record.output,
      ground_truth: reward.groundTruthOf(samples.get(record.id)!),
      ...(extra ? { extra: extra(record.metadata as Record<string, unknown>) } : {}),
    },
  }));
}
