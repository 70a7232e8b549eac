// `medkit eval <benchmark>`: run a benchmark with the baseline or any model, and print the score table.
// Registering it imports only commander and small core files (start-up); the action imports the runner.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { MODEL_ROLES, type ModelRole } from '../core/model.js';
import type { EvalOptions } from '../eval.js';
import { benchmarkEntries, loadAgentsFor } from '../registry.js';
import { collect, parseKeyValues, positiveInt } from './flags.js';
import type { FailOnError } from './outcome.js';

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
  verbose?: boolean;
  shuffle?: string | true;
  failOnError?: string | boolean;
  queue?: string;
  queueName?: string;
  queueWindow?: number;
  queueAttempts?: number;
  rateLimit?: number;
  maxConnections?: number;
}

/** `--shuffle` alone shuffles with seed 0 (or the config's); `--shuffle 7` with seed 7. */
function shuffleSeed(value: string | true | undefined, fromConfig: number | boolean | undefined): number | undefined {
  const given = value ?? fromConfig;
  if (given === undefined || given === false) return undefined;
  if (given === true) return 0;
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0)
    throw new ConfigError(`--shuffle expects a whole-number seed, got '${given}'`);
  return seed;
}

/**
 * What `medkit eval <benchmark> --help` adds after the flags: `medkit info` for the first operand that names a
 * registered benchmark (loaded only when help is asked for), else a hint.
 */
async function helpAfterFlags(argv: readonly string[]): Promise<string> {
  const asksHelp = argv[0] === 'eval' && (argv.includes('--help') || argv.includes('-h'));
  const named = asksHelp ? benchmarkEntries.find((entry) => argv.slice(1).includes(entry.name)) : undefined;
  if (named) {
    const { benchmarkInfo } = await import('./info.js');
    const benchmark = await named.load();
    return `\n${benchmarkInfo(benchmark, await loadAgentsFor(benchmark.tags))}`;
  }
  return '\nmedkit eval <benchmark> --help (or medkit info <benchmark>) shows its --arg options, solvers and roles.';
}

/** Registers `medkit eval`; `argv` (the whole command line) decides whether its help needs a benchmark loaded. */
export async function registerEval(program: Command, argv: readonly string[] = []): Promise<void> {
  const command = program
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
    .option(
      '-a, --arg <key=value>',
      "task argument (the benchmark's options: medkit info <benchmark>); repeatable",
      collect,
      [],
    )
    .option('-l, --limit <n>', 'first n samples only (after --shuffle)', positiveInt('--limit'))
    .option(
      '--shuffle [seed]',
      'shuffle the sample order (seed default 0) before --limit, so a sample covers every subset',
    )
    .option('-e, --epochs <n>', 'runs per sample (pass@k, pass^k need several)', positiveInt('--epochs'))
    .option(
      '-c, --concurrency <n>',
      'units run at once, and connections per model (default 8)',
      positiveInt('--concurrency'),
    )
    .option('--seed <n>', 'run seed (default 0)', positiveInt('--seed'))
    .option(
      '-o, --out <dir>',
      'write the run (spec.json, samples.jsonl, summary.json) here (default: $MEDKIT_RUNS_DIR or runs/, then <benchmark>/<UTC time>-<id>)',
    )
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
    .option(
      '--fail-on-error <share|count>',
      'exit 0 although units failed: below this share (0.1 = 10%) or count (5) of units (default: any error exits 1)',
    )
    .option('--no-fail-on-error', 'exit 0 whatever the unit errors (the run records them all)')
    .option(
      '--queue <url>',
      'run the units on workers (medkit worker) through Redis: redis://host:6379[/db]; this process writes the run',
    )
    .option('--queue-name <name>', 'with --queue: the queue the workers take units from (default medkit)')
    .option(
      '--queue-window <n>',
      'with --queue: units on the queue at once (default 1024)',
      positiveInt('--queue-window'),
    )
    .option(
      '--queue-attempts <n>',
      'with --queue: tries of a unit whose worker failed or died before it is recorded as an error (default 3)',
      positiveInt('--queue-attempts'),
    )
    .option(
      '--rate-limit <n>',
      'with --queue: requests per second per provider and base URL, across all workers',
      positiveInt('--rate-limit'),
    )
    .option(
      '--max-connections <n>',
      'with --queue: connections at once per provider and base URL, across all workers',
      positiveInt('--max-connections'),
    )
    .option('-v, --verbose', 'print every metric and group, not just the headline')
    .option('--json', 'print summary.json instead of the table')
    .action(async (benchmarkName: string | undefined, flags: EvalFlags) => {
      const [
        { BASELINE, checkTaskArgs, resolveBenchmark, runEval, solverNameFor },
        { defaultRunDirectory, readRunSpec },
        { parseFailOnError, runOutcome },
        { formatSummary },
        { readConfigFile },
      ] = await Promise.all([
        import('../eval.js'),
        import('../runner/run-dir.js'),
        import('./outcome.js'),
        import('./report.js'),
        import('./config.js'),
      ]);
      const config = flags.config ? readConfigFile(flags.config) : {};
      const name = benchmarkName ?? config.benchmark;
      if (!name && !flags.resume)
        throw new ConfigError('name a benchmark (medkit list shows them), or give --resume <dir>');
      if (flags.resume) readRunSpec(flags.resume); // a folder that is not a run fails here, before anything starts
      const failOnError: FailOnError =
        typeof flags.failOnError === 'string'
          ? parseFailOnError(flags.failOnError)
          : flags.failOnError === false
            ? false
            : (config.failOnError ?? true);
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
      const argsText = parseKeyValues(flags.arg, '--arg');
      let configArgs = config.args;
      // A registered name, a task file or a benchmark module; resolved once here for the checks and the run folder.
      const resolved = name && !flags.resume ? await resolveBenchmark(name) : undefined;
      if (name && resolved) {
        // The declared options are checked before anything runs: the config file's with its own name in
        // the message, then --arg text (converted to the declared types) in runEval.
        const benchmark = resolved;
        const agentModel = flags.model ?? config.model;
        const solverName = solverNameFor(
          flags.solver ?? config.solver,
          agentModel !== undefined && agentModel !== BASELINE,
        );
        if (configArgs)
          configArgs = await checkTaskArgs(
            benchmark,
            solverName,
            { args: configArgs },
            { args: `${flags.config}: args.` },
          );
        await checkTaskArgs(benchmark, solverName, { ...(configArgs ? { args: configArgs } : {}), text: argsText });
      }
      const outDir =
        flags.resume ??
        flags.out ??
        config.out ??
        (name ? defaultRunDirectory(resolved?.name ?? name, randomUUID()) : undefined);
      const controller = new AbortController();
      let interrupts = 0;
      const onInterrupt = () => {
        interrupts++;
        if (interrupts > 1) {
          process.stderr.write(`\nmedkit: quit; finish the run with: medkit eval --resume ${outDir}\n`);
          process.exit(130);
        }
        process.stderr.write('\nmedkit: stopping after the units in flight (Ctrl-C again to quit now)...\n');
        controller.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onInterrupt);
      const pick = <T>(flag: T | undefined, fromConfig: T | undefined) => (flag !== undefined ? flag : fromConfig);
      const options: EvalOptions = {
        benchmark: name ?? '',
        models,
        ...(configArgs ? { args: configArgs as EvalOptions['args'] } : {}),
        argsText,
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
        outDir,
        shuffle: shuffleSeed(flags.shuffle, config.shuffle),
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
      if (flags.queue)
        options.queue = {
          url: flags.queue,
          ...(flags.queueName ? { name: flags.queueName } : {}),
          ...(flags.queueWindow ? { window: flags.queueWindow } : {}),
          ...(flags.queueAttempts ? { attempts: flags.queueAttempts } : {}),
          ...(flags.rateLimit ? { rateLimit: flags.rateLimit } : {}),
          ...(flags.maxConnections ? { maxConnections: flags.maxConnections } : {}),
        };
      else if (flags.rateLimit || flags.maxConnections || flags.queueName || flags.queueWindow || flags.queueAttempts)
        throw new ConfigError(
          '--queue-name, --queue-window, --queue-attempts, --rate-limit and --max-connections need --queue',
        );
      const baseURL = flags.baseUrl ?? config.baseUrl;
      if (baseURL) options.provider = { baseURL };
      const summary = await runEval(options);
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      const verbose = flags.verbose ?? false;
      process.stdout.write(`${flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary, { verbose })}\n`);
      if (outDir && !flags.json) {
        process.stdout.write(`run written to ${outDir}\n`);
        if (!verbose && (summary.headline?.length ?? 0) > 0)
          process.stdout.write(`every metric: medkit show ${outDir} --verbose; in the browser: medkit view\n`);
      }
      const outcome = runOutcome(summary, failOnError);
      if (summary.status === 'interrupted' && outDir)
        process.stderr.write(`medkit: interrupted; finish the run with: medkit eval --resume ${outDir}\n`);
      else if (outcome.reason) process.stderr.write(`medkit: exit ${outcome.code}: ${outcome.reason}\n`);
      process.exitCode = outcome.code;
    });
  command.addHelpText('after', await helpAfterFlags(argv));
}
