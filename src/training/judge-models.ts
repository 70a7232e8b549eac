// Models for judge rewards (`medkit reward score|serve --role grader=<provider:model>`): each bound with the
// runner's SQLite cache (deterministic calls), retries with backoff, a concurrency gate and a timeout, as in
// `medkit eval`, into one SolverContext the reward's scorer calls. Nothing is recorded (a reward keeps no log).
import { join } from 'node:path';
import { ConfigError, type Model, type ModelRole, type Reward, type SolverContext } from '../core/index.js';
import { createModel } from '../models/registry.js';
import { ResponseCache, withCache } from '../runner/cache.js';
import { bindModel, createUnitContext, type RoleBindings } from '../runner/context.js';
import { DEFAULT_RETRY_POLICY, RateGate, withGate, withRetry, withTimeout } from '../runner/middleware.js';

export interface JudgeModels {
  context: SolverContext;
  close(): Promise<void>;
}

/** A context with the models of `given` (role → model string or Model); refuses roles the reward does not use. */
export async function judgeModels(
  reward: Reward,
  given: Partial<Record<ModelRole, string | Model>>,
  options: { seed: number; cacheDir: string; concurrency?: number; cache?: boolean },
): Promise<JudgeModels | undefined> {
  const wanted = reward.roles ?? [];
  const missing = wanted.filter((role) => given[role] === undefined);
  if (missing.length)
    throw new ConfigError(
      `reward '${reward.name}' calls a ${missing.join(', ')} model: give --role ${missing[0]}=<provider:model>`,
    );
  const extra = Object.keys(given).filter((role) => !wanted.includes(role as ModelRole));
  if (extra.length)
    throw new ConfigError(
      `reward '${reward.name}' uses no ${extra.join(', ')} role${wanted.length ? ` (its roles: ${wanted.join(', ')})` : ''}`,
    );
  if (wanted.length === 0) return undefined;
  const cache = options.cache === false ? undefined : new ResponseCache(join(options.cacheDir, 'responses.sqlite'));
  const roles: RoleBindings = {};
  const models: Model[] = [];
  for (const [role, spec] of Object.entries(given) as [ModelRole, string | Model][]) {
    const model = typeof spec === 'string' ? await createModel(spec) : spec;
    models.push(model);
    const gate = new RateGate(Math.max(1, options.concurrency ?? 16));
    roles[role] = bindModel(typeof spec === 'string' ? spec : `${model.provider}:${model.modelId}`, model, [
      ...(cache ? [withCache(cache, model, { cacheSampled: false })] : []),
      withRetry({ ...DEFAULT_RETRY_POLICY, seed: options.seed }, gate),
      withGate(gate),
      withTimeout(120_000),
    ]);
  }
  const context = createUnitContext({ roles, seed: options.seed, events: [], usage: {} });
  // record() would grow the (never written) event list forever in a long-running server.
  context.record = () => {};
  return {
    context,
    async close() {
      for (const model of models) await model.close?.();
      cache?.close();
    },
  };
}
