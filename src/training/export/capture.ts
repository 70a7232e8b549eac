// The prompt of a sample exactly as `medkit eval` sends it: the benchmark's (or agent's) solver runs on a
// fresh TaskState with a context whose agent model records the first request (messages, tools, settings) and
// stops the unit. So the export uses the same template, system prompt, tool list and images as an eval run, by
// construction, and never the sample's raw input (EHR-ChatQA's hidden instruction is read only by its user).
import {
  ConfigError,
  MedkitError,
  newTaskState,
  type ChatMessage,
  type GenerateConfig,
  type GenerateRequest,
  type Sample,
  type Solver,
  type SolverContext,
  type ToolSpec,
} from '../../core/index.js';
import { unitSeed } from '../../runner/unit.js';

export interface CapturedPrompt {
  messages: ChatMessage[];
  tools: ToolSpec[];
  config: GenerateConfig;
}

class Captured extends Error {
  constructor(readonly request: GenerateRequest) {
    super('prompt captured');
  }
}

/** The first agent request `solver` makes for `sample` (epoch 1, the run seed's unit seed). */
export async function capturePrompt(
  solver: Solver,
  sample: Sample,
  options: { seed: number; generateConfig: GenerateConfig },
): Promise<CapturedPrompt> {
  let request: GenerateRequest | undefined;
  let otherRole: string | undefined;
  const context: SolverContext = {
    seed: unitSeed(options.seed, sample.id, 1),
    signal: new AbortController().signal,
    generateConfig: options.generateConfig,
    // Only the policy exists here: other roles take the benchmark's documented fallbacks (scripted users).
    hasRole: (role) => role === 'agent',
    modelName: (role) => (role === 'agent' ? 'policy (export)' : undefined),
    async generate(given, generateOptions = {}) {
      const role = generateOptions.role ?? 'agent';
      if (role !== 'agent') {
        otherRole = role;
        throw new ConfigError(`role '${role}' is called before the policy speaks`);
      }
      request ??= structuredClone(given);
      throw new Captured(given);
    },
    embed: async () => {
      throw new ConfigError('the export has no embedding model');
    },
    record: () => {},
  };
  let failure: unknown;
  try {
    await solver.solve(newTaskState(sample, 1), context);
  } catch (error) {
    failure = error;
  }
  if (request) return { messages: request.messages, tools: request.tools ?? [], config: request.config };
  if (otherRole)
    throw new ConfigError(
      `sample ${sample.id}: the ${otherRole} role speaks before the policy and no model plays it in an export (see the benchmark's README)`,
    );
  const why =
    failure === undefined
      ? 'its solver finished without calling the policy (a baseline? pick a model solver with --solver)'
      : failure instanceof Error
        ? failure.message
        : String(failure);
  if (MedkitError.isInstance(failure)) throw failure;
  throw new ConfigError(`sample ${sample.id}: no prompt to export: ${why}`);
}
