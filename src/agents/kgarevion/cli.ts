// `medkit agent <name> "<question with options>" --model ...`: runs one agent on one question and
// prints its answer and its audit trail (the evidence events; for KGARevion, every triplet verdict).
import type { Command } from 'commander';
import {
  ConfigError,
  MODEL_ROLES,
  type JsonObject,
  type Model,
  type ModelRole,
  type TranscriptEvent,
} from '../../core/index.js';
import { newTaskState } from '../../core/solvers.js';
import type { CliCommand } from '../../cli/command.js';
import { createModel } from '../../models/registry.js';
import { bindModel, createUnitContext, type RoleBindings } from '../../runner/context.js';
import { DEFAULT_RETRY_POLICY, withRetry, withTimeout } from '../../runner/middleware.js';
import { parseQuestionText } from './parse.js';

interface AgentFlags {
  model?: string;
  role: string[];
  arg: string[];
  baseUrl?: string;
  seed: string;
  json?: boolean;
}

/** Text lines for the evidence events of a run (kg-triplet verdicts get one line each). */
export function formatTrail(events: readonly TranscriptEvent[]): string[] {
  const lines: string[] = [];
  for (const event of events) {
    if (event.type === 'evidence' && event.kind === 'kg-triplet') {
      const data = event.data as JsonObject;
      const linked = data.linked as {
        head?: { name: string } | null;
        relation?: { name: string } | null;
        tail?: { name: string } | null;
      } | null;
      const link = linked
        ? ` => (${linked.head?.name ?? '?'}, ${linked.relation?.name ?? '?'}, ${linked.tail?.name ?? '?'})`
        : '';
      lines.push(
        `  [${String(data.stage ?? '')}] (${String(data.head)}, ${String(data.relation)}, ${String(data.tail)})${link}: ${String(data.verdict)} p=${String(data.pTrue)} (${String(data.reason)})`,
      );
    } else if (event.type === 'evidence')
      lines.push(`  [${event.kind}] ${event.title ?? JSON.stringify(event.data).slice(0, 120)}`);
    else if (event.type === 'info') lines.push(`  note: ${event.message}`);
  }
  return lines;
}

export const agentCommand: CliCommand = {
  name: 'agent',
  register(program: Command) {
    program
      .command('agent')
      .description('run an agent (medkit list) on one question with options and print its answer and audit trail')
      .argument('<agent>', 'agent name, e.g. kgarevion')
      .argument('<question>', 'the question, with options as "A. ..." lines or inline ("... A. x B. y")')
      .option('-m, --model <provider:model>', 'model for the agent role')
      .option(
        '-r, --role <role=model>',
        'model for another role (e.g. judge=openai:gpt-4.1); repeatable',
        (value: string, list: string[]) => [...list, value],
        [],
      )
      .option(
        '-a, --arg <key=value>',
        'agent argument (kgarevion: verifier, maxRound, revise, unlinkable, primekg); repeatable',
        (value: string, list: string[]) => [...list, value],
        [],
      )
      .option('--base-url <url>', 'base URL for openai: / anthropic: models')
      .option('--seed <n>', 'seed', '0')
      .option('--json', 'print the answer, metadata and events as JSON')
      .action(async (name: string, question: string, flags: AgentFlags) => {
        const { agentNames, loadAgent } = await import('../../registry.js');
        const agent = await loadAgent(name);
        if (!agent) throw new ConfigError(`unknown agent '${name}'. Known: ${agentNames().sort().join(', ')}`);
        if (!flags.model) throw new ConfigError(`medkit agent ${name} needs --model <provider:model>`);
        const specs: Partial<Record<ModelRole, string>> = { agent: flags.model };
        for (const entry of flags.role) {
          const [role, spec] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
          if (!(MODEL_ROLES as readonly string[]).includes(role) || !spec)
            throw new ConfigError(
              `--role ${entry}: expected <role>=<provider:model> with role one of ${MODEL_ROLES.join(', ')}`,
            );
          specs[role as ModelRole] = spec;
        }
        const args: JsonObject = {};
        for (const entry of flags.arg) {
          const at = entry.indexOf('=');
          if (at <= 0) throw new ConfigError(`--arg ${entry}: expected key=value`);
          args[entry.slice(0, at)] = entry.slice(at + 1);
        }
        const roles: RoleBindings = {};
        const models: Model[] = [];
        for (const [role, spec] of Object.entries(specs) as [ModelRole, string][]) {
          const model = await createModel(spec, { baseURL: flags.baseUrl });
          models.push(model);
          roles[role] = bindModel(spec, model, [withRetry(DEFAULT_RETRY_POLICY), withTimeout(120_000)]);
        }
        const item = parseQuestionText(question, 'cli');
        if (item.options.length === 0)
          throw new ConfigError(
            'the question has no options: put them on their own lines as "A. ...", "B. ..." (or inline)',
          );
        const seed = Number(flags.seed);
        const events: TranscriptEvent[] = [];
        const context = createUnitContext({ roles, seed, events, usage: {} });
        const solver = agent.createSolver({ args, seed, cacheDir: '.medkit/cache' });
        try {
          const state = await solver.solve(
            newTaskState({ id: 'cli', input: item.question, choices: item.options, target: null }, 1),
            context,
          );
          if (flags.json) {
            process.stdout.write(
              JSON.stringify({ answer: state.output.text, metadata: state.metadata, events }, null, 2) + '\n',
            );
            return;
          }
          const lines = [
            `question: ${item.question}`,
            ...item.options.map((o, i) => `  ${String.fromCharCode(65 + i)}. ${o}`),
            `answer: ${state.output.text}`,
            'audit trail:',
            ...formatTrail(events),
          ];
          process.stdout.write(lines.join('\n') + '\n');
        } finally {
          for (const model of models) await model.close?.();
        }
      });
  },
};
