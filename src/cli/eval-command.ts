// `medkit eval <benchmark>`: run a benchmark with the baseline or any model, and print the score table.
import type { Command } from 'commander';
import { ConfigError, MODEL_ROLES, type ModelRole } from '../core/index.js';
import { runEval, type EvalOptions } from '../eval.js';
import { collect, parseArgValues, parseKeyValues, positiveInt, readConfigFile } from './config.js';
import { formatSummary } from './report.js';

interface EvalFlags {
  model?: string;
  role: string[];
  solver?: string;
  arg: string[];
  limit?: number;
  epochs?: number;
  concurrency?: number;
  seed?: number;
  out?: string;
  resume?: string;
  retryErrors?: boolean;
  cache: boolean;
  cacheDir?: string;
  cacheSampled?: boolean;
  timeout?: number;
  maxRetries?: number;
  temperature?: string;
  maxTokens?: number;
  baseUrl?: string;
  config?: string;
  json?: boolean;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('run a benchmark; without --model its non-LLM baseline answers (and the output says so)')
    .argument(
      '[benchmark]',
      'benchmark name (medkit list), task file (.yaml) or module (.ts, .js); not needed with --resume',
    )
    .option(
      '-m, --model <provider:model>',
      'model for the agent role: openai:<model>, anthropic:<model>, llama:<file.gguf>, scripted:<file>, or baseline',
    )
    .option('-r, --role <role=model>', `model for another role (${MODEL_ROLES.join(', ')}); repeatable`, collect, [])
    .option(
      '-s, --solver <name>',
      "a solver of the benchmark or an agent (e.g. kgarevion); default: 'default' with a model, 'baseline' without",
    )
    .option('-a, --arg <key=value>', 'task argument (see medkit list); repeatable', collect, [])
    .option('-l, --limit <n>', 'first n samples only', positiveInt('--limit'))
    .option('-e, --epochs <n>', 'runs per sample (pass@k, pass^k need several)', positiveInt('--epochs'))
    .option(
      '-c, --concurrency <n>',
      'units run at once, and connections per model (default 8)',
      positiveInt('--concurrency'),
    )
    .option('--seed <n>', 'run seed (default 0)', positiveInt('--seed'))
    .option('-o, --out <dir>', 'write the run (spec.json, samples.jsonl, summary.json) here')
    .option('--resume <dir>', 'finish a stopped or killed run; every (sample, epoch) ends up exactly once')
    .option('--retry-errors', 'with --resume: run failed units again')
    .option('--no-cache', 'do not read or write the response cache')
    .option('--cache-dir <dir>', 'cache and generated data folder (default .medkit/cache)')
    .option('--cache-sampled', 'also cache calls with temperature > 0 (keyed by epoch)')
    .option('--timeout <ms>', 'per-request timeout in ms (default 120000)', positiveInt('--timeout'))
    .option('--max-retries <n>', 'retries per request on 429/5xx/timeouts (default 6)', positiveInt('--max-retries'))
    .option('--temperature <t>', 'sampling temperature (default 0)')
    .option('--max-tokens <n>', 'output token cap per call', positiveInt('--max-tokens'))
    .option('--base-url <url>', 'base URL for openai: / anthropic: models (else OPENAI_BASE_URL / ANTHROPIC_BASE_URL)')
    .option('--config <file>', 'YAML or JSON file with the same settings (flags win)')
    .option('--json', 'print summary.json instead of the table')
    .action(async (benchmarkName: string | undefined, flags: EvalFlags) => {
      const config = flags.config ? readConfigFile(flags.config) : {};
      const name = benchmarkName ?? config.benchmark;
      if (!name && !flags.resume)
        throw new ConfigError('name a benchmark (medkit list shows them), or give --resume <dir>');
      const models: NonNullable<EvalOptions['models']> = { ...(config.roles ?? {}) };
      const agentModel = flags.model ?? config.model;
      if (agentModel) models.agent = agentModel;
      for (const [role, model] of Object.entries(parseKeyValues(flags.role, '--role'))) {
        if (!(MODEL_ROLES as readonly string[]).includes(role))
          throw new ConfigError(`--role: unknown role '${role}'; roles are ${MODEL_ROLES.join(', ')}`);
        models[role as ModelRole] = model;
      }
      const temperature = flags.temperature ?? config.temperature;
      if (temperature !== undefined && !(Number(temperature) >= 0))
        throw new ConfigError(`--temperature expects a number ≥ 0, got '${temperature}'`);
      const controller = new AbortController();
      let interrupts = 0;
      const onInterrupt = () => {
        interrupts++;
        if (interrupts > 1) process.exit(130);
        process.stderr.write('\nmedkit: stopping after the units in flight (Ctrl-C again to quit now)...\n');
        controller.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onInterrupt);
      const pick = <T>(flag: T | undefined, fromConfig: T | undefined) => (flag !== undefined ? flag : fromConfig);
      const options: EvalOptions = {
        benchmark: name ?? '',
        models,
        args: { ...(config.args as EvalOptions['args']), ...parseArgValues(flags.arg) },
        cache: flags.cache && config.cache !== false,
        signal: controller.signal,
        progress: flags.json ? 'none' : 'auto',
      };
      const optional = {
        solver: pick(flags.solver, config.solver),
        limit: pick(flags.limit, config.limit),
        epochs: pick(flags.epochs, config.epochs),
        concurrency: pick(flags.concurrency, config.concurrency),
        seed: pick(flags.seed, config.seed),
        outDir: pick(flags.out, config.out),
        resume: flags.resume,
        retryErrors: flags.retryErrors,
        cacheDir: pick(flags.cacheDir, config.cacheDir),
        cacheSampled: flags.cacheSampled,
        timeoutMs: pick(flags.timeout, config.timeoutMs),
        maxRetries: pick(flags.maxRetries, config.maxRetries),
        temperature: temperature === undefined ? undefined : Number(temperature),
        maxTokens: pick(flags.maxTokens, config.maxTokens),
      };
      for (const [key, value] of Object.entries(optional))
        if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
      const baseURL = flags.baseUrl ?? config.baseUrl;
      if (baseURL) options.provider = { baseURL };
      const summary = await runEval(options);
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      process.stdout.write((flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)) + '\n');
      if (flags.out ?? flags.resume ?? config.out)
        process.stdout.write(`run written to ${flags.resume ?? flags.out ?? config.out}\n`);
      if (summary.status === 'failed') {
        process.stderr.write(
          `medkit: ${summary.notes.find((note) => note.startsWith('run stopped:')) ?? 'the run failed'}\n`,
        );
        process.exitCode = 1;
      }
      if (summary.status === 'interrupted') process.exitCode = 130;
    });
}
