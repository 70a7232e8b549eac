// The SolverContext a unit of work sees: models by role (already wrapped in the runner's
// middleware), a per-unit seed, cancellation, and the transcript the log will keep.
import {
  ConfigError,
  emptyUsage,
  loggableMessage,
  type GenerateConfig,
  type Model,
  type ModelOutput,
  type ModelRole,
  type SolverContext,
  type TokenUsage,
  type TranscriptEvent,
  type UsageByRole,
} from '../core/index.js';
import { composeMiddleware, type CallScope, type GenerateMiddleware, type GenerateStep } from './middleware.js';

export interface ModelBinding {
  /** The model string as the user gave it ('openai:gpt-4.1'). */
  name: string;
  model: Model;
  generate: GenerateStep;
}

export type RoleBindings = Partial<Record<ModelRole, ModelBinding>>;

export function bindModel(name: string, model: Model, middleware: GenerateMiddleware[] = []): ModelBinding {
  return { name, model, generate: composeMiddleware(model, middleware) };
}

export interface UnitContextOptions {
  roles: RoleBindings;
  seed: number;
  signal?: AbortSignal;
  generateConfig?: GenerateConfig;
  /** Where events go (the unit's transcript). */
  events: TranscriptEvent[];
  /** Accumulates tokens, cost and calls per role. */
  usage: UsageByRole;
  /** The unit making the calls (middleware keys sampled cache entries by its epoch). */
  call?: CallScope;
}

/** The flag that sets a role's model: --model for the agent, --role r=... for the others. */
export function roleFlag(role: ModelRole): string {
  return role === 'agent' ? '--model <provider:model>' : `--role ${role}=<provider:model>`;
}

/** Tokens, cost and calls of one role: what the runner sums per role (cached calls cost nothing). */
export type RoleUsage = TokenUsage & { cost: number; calls: number; cachedCalls: number };

/** Adds one model call to `usage[role]`: the one accounting of tokens, cost and calls (eval units, synth roles). */
export function addUsage<Role extends string>(
  usage: Partial<Record<Role, RoleUsage>>,
  role: Role,
  output: ModelOutput,
): void {
  const entry = (usage[role] ??= { ...emptyUsage(), cost: 0, calls: 0, cachedCalls: 0 });
  entry.calls++;
  if (output.cached) entry.cachedCalls++;
  else {
    entry.inputTokens += output.usage.inputTokens;
    entry.outputTokens += output.usage.outputTokens;
    entry.cost += output.cost ?? 0;
  }
}

export function createUnitContext(options: UnitContextOptions): SolverContext {
  const signal = options.signal ?? new AbortController().signal;
  const binding = (role: ModelRole): ModelBinding => {
    const bound = options.roles[role];
    if (!bound) throw new ConfigError(`this run has no model for role '${role}'; give one with ${roleFlag(role)}`);
    return bound;
  };
  const account = (role: ModelRole, output: ModelOutput) => addUsage(options.usage, role, output);
  const now = () => new Date().toISOString();
  return {
    seed: options.seed,
    signal,
    generateConfig: options.generateConfig ?? {},
    hasRole: (role) => options.roles[role] !== undefined,
    modelName: (role) => options.roles[role]?.name,
    async generate(request, generateOptions = {}) {
      const role = generateOptions.role ?? 'agent';
      const bound = binding(role);
      const started = Date.now();
      try {
        const output = await bound.generate(request, signal, options.call);
        const timed = { ...output, latencyMs: output.latencyMs ?? Date.now() - started };
        account(role, timed);
        options.events.push({
          type: 'model',
          role,
          model: bound.name,
          ...(generateOptions.recordInput ? { input: request.messages.map(loggableMessage) } : {}),
          output: timed,
          at: now(),
        });
        return timed;
      } catch (error) {
        options.events.push({
          type: 'model',
          role,
          model: bound.name,
          output: { text: '', toolCalls: [], finishReason: 'error', usage: emptyUsage() },
          error: error instanceof Error ? error.message : String(error),
          at: now(),
        });
        throw error;
      }
    },
    async embed(texts, embedOptions = {}) {
      const bound = binding(embedOptions.role ?? 'agent');
      if (!bound.model.doEmbed) throw new ConfigError(`${bound.name} has no embeddings endpoint`);
      const result = await bound.model.doEmbed(texts, signal);
      return result.embeddings;
    },
    record(event) {
      options.events.push({ ...event, at: now() } as TranscriptEvent);
    },
  };
}

/** A context for unit tests and one-off agent runs: models bound without cache or retries. */
export function createTestContext(
  models: Partial<Record<ModelRole, Model>> = {},
  seed = 0,
): SolverContext & { events: TranscriptEvent[]; usage: UsageByRole } {
  const roles: RoleBindings = {};
  for (const [role, model] of Object.entries(models) as [ModelRole, Model][]) {
    roles[role] = bindModel(`${model.provider}:${model.modelId}`, model);
  }
  const events: TranscriptEvent[] = [];
  const usage: UsageByRole = {};
  return Object.assign(createUnitContext({ roles, seed, events, usage }), { events, usage });
}
