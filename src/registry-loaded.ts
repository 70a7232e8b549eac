// Every registry entry loaded at once (top-level await), for the code that needs them all: the reward and
// export commands (each loaded only when its command runs), the package root and tests. The medkit command's
// start-up never imports this file; it reads src/registry.ts's lazy entries.
import type { Agent, Benchmark, DatasetLoader, Reward } from './core/index.js';
import { loadAgents, loadBenchmarks, loadLoaders, loadRewards } from './registry.js';

export const [benchmarks, agents, loaders, rewards]: [
  Record<string, Benchmark>,
  Record<string, Agent>,
  Record<string, DatasetLoader>,
  Record<string, { reward: Reward; owner: string }>,
] = await Promise.all([loadBenchmarks(), loadAgents(), loadLoaders(), loadRewards()]);
