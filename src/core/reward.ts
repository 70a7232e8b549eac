// A training reward: the scoring a benchmark or agent evaluates with, offered to RL trainers (verl, TRL,
// OpenRLHF) one rollout at a time or, for group rewards such as MedVR's CCA, one prompt's rollouts at once.
// Declared on the registered Benchmark/Agent (`rewards`), reached through the registry, served by
// `medkit reward serve`. One implementation each: a reward calls the scorer `medkit eval` uses.
import type { JsonObject, JsonValue } from './json.js';
import type { BenchmarkOptions } from './benchmark.js';
import type { ModelRole } from './model.js';
import type { SolverContext } from './task.js';
import type { Sample } from './sample.js';

/** One policy output to score. Field names are medkit's; the server maps trainers' shapes onto them. */
export interface RewardRollout {
  /** The policy's final text (the last assistant turn; for tool agents, the whole assistant trajectory text). */
  completion: string;
  /** What the reward compares against: the `ground_truth` an export wrote for this prompt. */
  groundTruth: JsonValue;
  /** Rollouts of one prompt share a group id; group rewards need every one of them. */
  group?: string;
  /** How many rollouts the group has (GRPO's num_generations); group rewards refuse a group of another size. */
  groupSize?: number;
  /** The prompt text, when the trainer sends it (not needed by rule rewards). */
  prompt?: string;
  /** Trajectory facts a reward reads (EHR-ChatQA: `queries`, `responses`, `endReason`; MedVR: `boxes`). */
  extra?: JsonObject;
}

export interface RewardValue {
  reward: number;
  /** Parts of the reward (accuracy, format, tool...) for the trainer's logs. */
  components?: Record<string, number>;
  /** Set when this rollout could not be scored: `reward` is then the reward's `fallback`. */
  error?: string;
}

export interface Reward {
  name: string;
  description: string;
  /** rule: pure function of the text; group: needs one prompt's rollouts together; database: re-runs SQL; judge: calls a model. */
  kind: 'rule' | 'group' | 'database' | 'judge';
  /** Model roles a judge reward calls (HealthBench: `grader`); `medkit reward serve --role` binds them. */
  roles?: ModelRole[];
  /** The value a rollout gets when scoring it throws (the response also carries an error entry). */
  fallback: number;
  /** The ground truth an export writes for a sample (the inverse of what `score` reads). */
  groundTruthOf(sample: Sample): JsonValue;
  /**
   * Scores rollouts in order. Group rewards receive whole groups only (the caller checks sizes). Throws
   * only for a problem of the whole batch; a bad rollout gets `{reward: fallback, error}`. `context` carries the
   * models of `roles` (judge rewards); without it there are none.
   */
  score(rollouts: readonly RewardRollout[], options: BenchmarkOptions, context?: SolverContext): Promise<RewardValue[]>;
}

export function defineReward(reward: Reward): Reward {
  return reward;
}
