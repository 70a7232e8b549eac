// `medkit reward list | score | serve | shim`: medkit's scorers as RL rewards for trainers.
import { writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, type BenchmarkOptions, type JsonObject, type ModelRole, type Reward } from '../core/index.js';
import type { CliCommand } from '../cli/command.js';
import { collect, parseKeyValues, positiveInt } from '../cli/flags.js';
import { table } from '../cli/report.js';
import { agents, benchmarks, rewards } from '../registry-loaded.js';
import { validateArgs } from '../runner/args.js';
import { RewardRequestError, scoreBatch } from './batch.js';
import { readRollouts } from './rollouts-file.js';
import { judgeModels } from './judge-models.js';
import { startRewardServer } from './server.js';
import { SHIM_TARGETS, writeShim, type ShimTarget } from './shim.js';

export function findReward(name: string): Reward {
  const entry = rewards[name];
  if (!entry)
    throw new ConfigError(`no reward '${name}'; medkit reward list names them: ${Object.keys(rewards).join(', ')}`);
  return entry.reward;
}

interface CommonFlags {
  arg: string[];
  role: string[];
  seed?: number;
  cacheDir?: string;
}

/**
 * `--arg key=value` checked against the declared options of the reward's owner (the benchmark, or the agent for
 * an agent's reward), exactly as `medkit eval` checks them: an unknown key is an error with a "did you mean", a
 * wrong type names the key, defaults are filled in.
 */
export function rewardArgs(name: string, pairs: string[]): JsonObject {
  const entry = rewards[name];
  const owner = entry ? (benchmarks[entry.owner] ?? agents[entry.owner]) : undefined;
  const given = parseKeyValues(pairs, '--arg');
  return validateArgs(
    owner?.args,
    given,
    { where: '--arg ', owner: entry?.owner ?? name },
    { fromText: new Set(Object.keys(given)) },
  );
}

/** The models a judge reward calls, from --role (refused for roles the reward does not use). */
async function judgeFor(reward: Reward, options: BenchmarkOptions, flags: CommonFlags) {
  return judgeModels(reward, parseKeyValues(flags.role ?? [], '--role') as Partial<Record<ModelRole, string>>, {
    seed: options.seed,
    cacheDir: options.cacheDir,
  });
}

export function rewardOptions(name: string, flags: CommonFlags): BenchmarkOptions {
  return {
    args: rewardArgs(name, flags.arg ?? []),
    seed: flags.seed ?? 0,
    cacheDir: resolve(flags.cacheDir ?? join('.medkit', 'cache')),
  };
}

const common = (command: Command) =>
  command
    .option('-a, --arg <key=value>', "the owning benchmark's --arg options (e.g. loose=true); repeatable", collect, [])
    .option('--role <role=model>', "a judge reward's model (e.g. grader=openai:gpt-4.1); repeatable", collect, [])
    .option('--seed <n>', 'seed (default 0)', positiveInt('--seed'))
    .option('--cache-dir <dir>', 'cache and generated data folder, as for medkit eval (default .medkit/cache)');

export const rewardCommand: CliCommand = {
  name: 'reward',
  register(program) {
    const reward = program.command('reward').description('medkit scorers as RL rewards (verl, TRL, OpenRLHF)');
    reward
      .command('list')
      .description('the rewards benchmarks and agents declare')
      .action(() => {
        const rows = Object.values(rewards).map(({ reward: r, owner }) => [
          `  ${r.name}`,
          r.kind,
          owner,
          r.description,
        ]);
        process.stdout.write(`${table([['  name', 'kind', 'from', 'description'], ...rows])}\n`);
      });
    common(
      reward
        .command('score <name>')
        .description('score rollouts.jsonl offline; prints one JSON line per rollout {reward, components?, error?}')
        .requiredOption('--in <file>', 'rollouts.jsonl: {completion, ground_truth, group?, group_size?, extra?, id?}')
        .option('-o, --out <file>', 'write the lines here instead of stdout'),
    ).action(async (name: string, flags: CommonFlags & { in: string; out?: string }) => {
      const chosen = findReward(name);
      const options = rewardOptions(name, flags);
      const rows = await readRollouts(flags.in);
      const judge = await judgeFor(chosen, options, flags);
      let values;
      try {
        values = await scoreBatch(
          chosen,
          rows.map((row) => row.rollout),
          options,
          judge?.context,
        );
      } catch (error) {
        if (error instanceof RewardRequestError) {
          const index = Number(/^rollouts\[(\d+)\]/.exec(error.path)?.[1]);
          const line = rows[index]?.line;
          throw new ConfigError(
            `${flags.in}:${line}: ${error.path.replace(/^rollouts\[\d+\]\.?/, '')}: ${error.problem}`,
          );
        }
        throw error;
      } finally {
        await judge?.close();
      }
      const text = values
        .map((value, index) =>
          JSON.stringify({ ...(rows[index]!.id !== undefined ? { id: rows[index]!.id } : {}), ...value }),
        )
        .join('\n');
      if (flags.out) writeFileSync(flags.out, `${text}\n`);
      else process.stdout.write(`${text}\n`);
      const errors = values.filter((value) => value.error).length;
      if (errors)
        process.stderr.write(`medkit: ${errors} of ${values.length} rollouts got the fallback value (see "error")\n`);
    });
    common(
      reward
        .command('serve')
        .description('HTTP reward server (OpenRLHF --remote_rm_url, /score batch with groups, /health)')
        .requiredOption('--reward <name>', 'the reward to serve (medkit reward list)')
        .option('--port <n>', 'port (default 8790; 0 = any free port)', positiveInt('--port'))
        .option('--host <host>', 'interface to bind (default 127.0.0.1; any other needs --token)')
        .option('--token <token>', 'bearer token every request must carry (else MEDKIT_REWARD_TOKEN)')
        .option('--max-body <bytes>', 'request body limit (default 16 MiB)', positiveInt('--max-body')),
    ).action(
      async (
        flags: CommonFlags & { reward: string; port?: number; host?: string; token?: string; maxBody?: number },
      ) => {
        const reward = findReward(flags.reward);
        const options = rewardOptions(flags.reward, flags);
        const judge = await judgeFor(reward, options, flags);
        const server = await startRewardServer({
          reward,
          options,
          ...(judge ? { context: judge.context } : {}),
          port: flags.port ?? 8790,
          host: flags.host ?? '127.0.0.1',
          token: flags.token ?? process.env.MEDKIT_REWARD_TOKEN,
          maxBodyBytes: flags.maxBody,
        });
        process.stdout.write(`medkit reward server: ${server.url} (reward ${flags.reward}); Ctrl-C stops it\n`);
        await new Promise<void>((done) => {
          const stop = () =>
            server
              .close()
              .then(() => judge?.close())
              .then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      },
    );
    reward
      .command('shim')
      .description('write a stdlib-only Python module that calls the reward server from a trainer')
      .requiredOption('--for <trainer>', `one of ${SHIM_TARGETS.join(', ')}`)
      .option('-o, --out <file>', 'where to write it (default medkit_reward_<trainer>.py)')
      .option(
        '--url <url>',
        'the reward server (default http://127.0.0.1:8790; env MEDKIT_REWARD_URL wins at run time)',
      )
      .action((flags: { for: string; out?: string; url?: string }) => {
        if (!SHIM_TARGETS.includes(flags.for as ShimTarget))
          throw new ConfigError(`--for ${flags.for}: expected one of ${SHIM_TARGETS.join(', ')}`);
        const out = flags.out ?? `medkit_reward_${flags.for}.py`;
        writeShim(flags.for as ShimTarget, out, flags.url ?? 'http://127.0.0.1:8790');
        process.stdout.write(`wrote ${out}\n`);
      });
  },
};
