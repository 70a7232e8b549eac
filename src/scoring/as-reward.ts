// A scorer as a training reward: the rollout's text becomes the TaskState `medkit eval` would score, so
// the reward a policy optimises and the number medkit reports are one implementation. No model role is
// available here (rule and database scorers only): a scorer that calls one gets a clear error.
import {
  ConfigError,
  defineReward,
  initialMessages,
  type BenchmarkOptions,
  type JsonObject,
  type JsonValue,
  type Reward,
  type RewardRollout,
  type RewardValue,
  type Sample,
  type Scorer,
  type SolverContext,
  type TaskState,
} from '../core/index.js';

const noModel = (what: string) => () => {
  throw new ConfigError(`this reward has no model for ${what}: only rule and database rewards are served`);
};

/** A SolverContext without models: scoring that needs none runs exactly as in `medkit eval`. */
export function modelFreeContext(seed = 0): SolverContext {
  return {
    generate: noModel('generate()'),
    embed: noModel('embed()'),
    hasRole: () => false,
    modelName: () => undefined,
    seed,
    signal: new AbortController().signal,
    generateConfig: {},
    record: () => {},
  };
}

/**
 * The state a scorer sees after a solver answered `text` (with the solver's metadata, e.g. executed SQL); the
 * conversation before the answer is the sample's input (what judges such as HealthBench's grader read).
 */
export function finishedState(sample: Sample, text: string, metadata: JsonObject = {}): TaskState {
  return {
    sample,
    epoch: 1,
    messages: initialMessages(sample),
    output: { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } },
    completed: true,
    metadata,
    events: [],
  };
}

/** A numeric score value, or an error naming why it is not one. */
export function scoreNumber(value: Awaited<ReturnType<Scorer['score']>>['value']): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new Error(`the scorer gave ${JSON.stringify(value)}, not a number`);
}

export interface ScorerRewardSpec {
  name: string;
  description: string;
  kind?: Reward['kind'];
  roles?: Reward['roles'];
  fallback?: number;
  /** The reward from the score (default: its numeric value); e.g. a rubric record's overall_score. */
  value?: (score: Awaited<ReturnType<Scorer['score']>>) => number;
  /** The scorer `medkit eval` runs (built once per options). */
  scorer: (options: BenchmarkOptions) => Scorer;
  groundTruthOf: (sample: Sample) => JsonValue;
  /** Rebuilds the sample the scorer reads from a ground truth (throws with the field at fault). */
  sampleOf: (groundTruth: JsonValue) => Sample;
  /** The solver metadata the scorer reads, from the rollout's `extra`. */
  stateMetadata?: (rollout: RewardRollout) => JsonObject;
}

/** A per-rollout reward that is exactly one scorer's value. */
export function scorerReward(spec: ScorerRewardSpec): Reward {
  const scorers = new WeakMap<BenchmarkOptions, Scorer>();
  return defineReward({
    name: spec.name,
    description: spec.description,
    kind: spec.kind ?? 'rule',
    ...(spec.roles ? { roles: spec.roles } : {}),
    fallback: spec.fallback ?? 0,
    groundTruthOf: spec.groundTruthOf,
    async score(rollouts, options, given) {
      let scorer = scorers.get(options);
      if (!scorer) {
        scorer = spec.scorer(options);
        scorers.set(options, scorer);
      }
      const context = given ?? modelFreeContext(options.seed);
      const out: RewardValue[] = [];
      for (const rollout of rollouts) {
        try {
          const state = finishedState(
            spec.sampleOf(rollout.groundTruth),
            rollout.completion,
            spec.stateMetadata?.(rollout) ?? {},
          );
          const score = await scorer.score(state, context);
          out.push({ reward: spec.value ? spec.value(score) : scoreNumber(score.value) });
        } catch (error) {
          out.push({ reward: spec.fallback ?? 0, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return out;
    },
  });
}
