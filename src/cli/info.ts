// `medkit info <benchmark|agent>` and the benchmark part of `medkit eval <benchmark> --help`: the declared
// `--arg` options (type, default, description), the solvers, the roles and the headline metric, in 100 columns.
import { ConfigError, type Agent, type Benchmark } from '../core/index.js';
import { agentNames, benchmarkNames, loadAgent, loadAgentsFor, loadBenchmark, loadBenchmarks } from '../registry.js';
import { argsHelp, suggestKeys, type ArgHelp } from '../runner/args.js';
import { WIDTH, wrap } from './report.js';

function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function optionsTable(options: ArgHelp[], indent = 2): string[] {
  if (options.length === 0) return [`${' '.repeat(indent)}(none: any --arg is an error)`];
  const keyWidth = Math.min(18, Math.max(...options.map((option) => option.key.length)));
  const lines: string[] = [];
  for (const option of options) {
    const head = `${' '.repeat(indent)}${option.key.padEnd(keyWidth)}  `;
    const typeAndDefault =
      `${option.type}` + (option.default !== undefined ? ` (default ${formatDefault(option.default)})` : '');
    const text = `${typeAndDefault}: ${option.description}`;
    lines.push(wrap(text, WIDTH, head.length, head));
  }
  return lines;
}

function agentsFor(benchmark: Benchmark, agents: readonly Agent[]): Agent[] {
  return agents.filter((agent) => agent.accepts.some((tag) => benchmark.tags.includes(tag)));
}

/** A benchmark's info; `agents`: the registry's agents, or at least those that accept its tags (`loadAgentsFor`). */
export function benchmarkInfo(benchmark: Benchmark, agents: readonly Agent[]): string {
  const lines = [wrap(`${benchmark.name} v${benchmark.version}: ${benchmark.description}`, WIDTH, 2)];
  lines.push(`tags: ${benchmark.tags.join(', ')}`);
  const headline = benchmark.headline ?? [];
  lines.push(
    wrap(
      `headline: ${
        headline.length
          ? headline
              .map((h) => `${h.label ?? h.metric} (${h.task ? 'task metric' : 'scorer'} ${h.scorer} ${h.metric})`)
              .join('; ')
          : '(none declared: every metric is shown)'
      }`,
      WIDTH,
      2,
    ),
  );
  lines.push(
    `epochs: ${benchmark.epochs ?? 1} by default${benchmark.groupBy?.length ? `; grouped by ${benchmark.groupBy.join(', ')}` : ''}`,
  );
  const solvers = Object.keys(benchmark.solvers).map((name) =>
    name === 'baseline' ? 'baseline (without --model)' : name === 'default' ? 'default (with --model)' : name,
  );
  const fromAgents = agentsFor(benchmark, agents).map((agent) => `${agent.name} (agent)`);
  lines.push(wrap(`solvers (--solver): ${[...solvers, ...fromAgents].join(', ')}`, WIDTH, 2));
  const roles = ['agent (--model)', ...(benchmark.roles ?? []).map((role) => `${role} (--role ${role}=...)`)];
  lines.push(wrap(`roles: ${roles.join(', ')}`, WIDTH, 2));
  for (const role of benchmark.roles ?? []) {
    const fallback = benchmark.roleFallbacks?.[role];
    if (fallback) lines.push(wrap(`without a ${role} model: ${fallback}`, WIDTH, 4, '  '));
  }
  lines.push('options (--arg key=value; a config file takes the same keys under args:):');
  if (benchmark.args) lines.push(...optionsTable(argsHelp(benchmark.args)));
  else lines.push('  (not declared: --arg values pass unchecked)');
  for (const agent of agentsFor(benchmark, agents)) {
    if (!agent.args) continue;
    lines.push(`options of agent ${agent.name} (with --solver ${agent.name}):`);
    lines.push(...optionsTable(argsHelp(agent.args)));
  }
  return lines.join('\n');
}

export function agentInfo(agent: Agent, benchmarks: readonly Benchmark[]): string {
  const lines = [wrap(`${agent.name} (agent): ${agent.description}`, WIDTH, 2)];
  const accepted = benchmarks
    .filter((benchmark) => agent.accepts.some((tag) => benchmark.tags.includes(tag)))
    .map((benchmark) => benchmark.name);
  lines.push(wrap(`accepts benchmarks tagged ${agent.accepts.join(', ')}: ${accepted.join(', ')}`, WIDTH, 2));
  lines.push(`use: medkit eval <benchmark> --solver ${agent.name} --model <provider:model>`);
  if (agent.roles?.length) lines.push(`roles: ${agent.roles.join(', ')}`);
  lines.push('options (--arg key=value):');
  lines.push(...(agent.args ? optionsTable(argsHelp(agent.args)) : ['  (not declared)']));
  return lines.join('\n');
}

/** Info on a benchmark or agent by name; an unknown name gets a "did you mean". */
export async function infoFor(name: string): Promise<string> {
  const benchmark = await loadBenchmark(name);
  if (benchmark) return benchmarkInfo(benchmark, await loadAgentsFor(benchmark.tags));
  const agent = await loadAgent(name);
  if (agent) return agentInfo(agent, Object.values(await loadBenchmarks()));
  const known = [...benchmarkNames(), ...agentNames()];
  const suggestions = suggestKeys(name, known);
  throw new ConfigError(
    `unknown benchmark or agent '${name}'${suggestions.length ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''} (medkit list shows them all)`,
  );
}
