// A task file (YAML) becomes a Benchmark, run like a registered one: `medkit eval my-task.yaml`.
// Everything that can be checked without a model is checked here, at load, so a typo fails in
// the first second with file:line: field, not after a hundred model calls.
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import {
  chain,
  ConfigError,
  defineBenchmark,
  SampleFormatError,
  generate,
  solverFrom,
  systemPrompt,
  type ArgsSchema,
  type Benchmark,
  type JsonObject,
  type Sample,
  type Solver,
} from '../core/index.js';
import { locateDataset, readRows } from './rows.js';
import { renderTemplate, sampleBuilder, parseTemplate } from './samples.js';
import { catalogueScorers } from './scorers.js';
import { taskFileSchema, type ArgDeclaration, type TaskFile } from './schema.js';
import { closest, parseAt, readYamlSource } from './yaml-source.js';

/** The zod schema of a task's `--arg` options: `path` (another dataset) and the ones the file declares. */
export function taskArgsSchema(declared: Record<string, ArgDeclaration> = {}): ArgsSchema {
  const shape: Record<string, z.ZodType> = {
    path: z.string().min(1).optional().describe('a dataset file or folder to use instead of the one the task names'),
  };
  for (const [name, declaration] of Object.entries(declared)) {
    let type: z.ZodType =
      declaration.type === 'string'
        ? z.string()
        : declaration.type === 'boolean'
          ? z.boolean()
          : declaration.type === 'integer'
            ? z.number().int()
            : z.number();
    if (declaration.default !== undefined) type = type.default(declaration.default as never);
    shape[name] = declaration.description ? type.describe(declaration.description) : type;
  }
  return z.strictObject(shape);
}

const stableIndex = (seed: number, count: number) => (((seed >>> 0) * 2654435761) % 2 ** 32) % count;

function baselineSolver(task: TaskFile): Solver {
  const kind = task.baseline ?? (task.choices ? 'random-choice' : 'empty');
  if (typeof kind === 'object') {
    return solverFrom('fixed-reply-baseline', { reply: kind.reply }, async (state) => {
      const text = renderTemplate(kind.reply, { ...state.sample.metadata });
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push({ role: 'assistant', content: text, source: 'baseline' });
      return state;
    });
  }
  if (kind === 'empty')
    return solverFrom('empty-baseline', { rule: 'answers nothing: the floor of every scorer' }, async (state) => state);
  return solverFrom(
    'random-choice-baseline',
    { rule: 'one option at random, seeded per unit' },
    async (state, context) => {
      const count = state.sample.choices?.length ?? 0;
      const text = count ? `ANSWER: ${String.fromCharCode(65 + stableIndex(context.seed, count))}` : '';
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push({ role: 'assistant', content: text, source: 'baseline' });
      return state;
    },
  );
}

/** Reads and checks a task file; its dataset is read when a run starts. */
export function loadTaskFile(path: string): Benchmark {
  const file = resolve(path);
  const source = readYamlSource(file);
  const task = parseAt(source, taskFileSchema, source.value ?? {});
  const baseDir = dirname(file);
  const name = task.name ?? basename(file, extname(file));
  const scorers = catalogueScorers(task.scorers, baseDir, source);
  const argsSchema = taskArgsSchema(task.args);
  if (task.system) parseTemplate(task.system, source, ['system']);
  if (typeof task.baseline === 'object') parseTemplate(task.baseline.reply, source, ['baseline', 'reply']);
  // Checked now (and again at run time, for an --arg path), so a missing file fails before any run.
  locateDataset(task.dataset, baseDir, source);
  const headline = task.headline ?? scorers[0]!.headlineKey;
  if (
    !scorers.some(
      (scorer) => headline === scorer.headlineKey || headline.split('.')[0] === scorer.headlineKey.split('.')[0],
    )
  )
    throw source.error(
      ['headline'],
      `'${headline}' is not one of the scorers (${scorers.map((s) => s.headlineKey).join(', ')})`,
    );
  const roles = [...new Set(scorers.flatMap((scorer) => (scorer.role ? [scorer.role] : [])))];

  const parseArgs = (args: JsonObject): JsonObject => {
    const parsed = argsSchema.safeParse(args);
    if (parsed.success) return parsed.data as JsonObject;
    const known = Object.keys(argsSchema.shape);
    const issue = parsed.error.issues.find((item) => item.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const suggestion = closest(issue.keys[0]!, known);
      throw new ConfigError(
        `${file}: --arg ${issue.keys[0]}: unknown${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; this task's args: ${known.join(', ')}`,
      );
    }
    throw new ConfigError(
      `${file}: --arg ${issue.path.join('.')}: ${issue.message} (this task's args: ${known.join(', ')})`,
    );
  };

  return defineBenchmark({
    name,
    version: task.version ?? 1,
    description: task.description ?? `task file ${basename(file)}`,
    tags: ['task-file', ...(task.choices ? ['mcq'] : ['text']), ...(task.images ? ['image'] : [])],
    // Args, the dataset path and the first row are checked before the run starts (no half-made run
    // folder for a typo); the rest of the rows stream.
    async dataset({ args, onDataError }) {
      const parsedArgs = parseArgs(args);
      const override = typeof parsedArgs.path === 'string' ? parsedArgs.path : undefined;
      const location = locateDataset(task.dataset, baseDir, source, override);
      const toSample = sampleBuilder(task, source, location.folder);
      const rows = readRows(location, onDataError ? { lenient: true, onError: onDataError } : {});
      // A first row that does not fit means the task and the data disagree (a misspelt field): stop.
      const first = await rows.next();
      const firstSample = first.done ? undefined : toSample(first.value, parsedArgs);
      return (async function* (): AsyncGenerator<Sample> {
        if (firstSample) yield firstSample;
        for await (const row of rows) {
          let sample: Sample;
          try {
            sample = toSample(row, parsedArgs);
          } catch (error) {
            // Later bad rows are skipped and reported, as every benchmark does in eval.
            if (!onDataError || !(error instanceof SampleFormatError)) throw error;
            onDataError(error);
            continue;
          }
          yield sample;
        }
      })();
    },
    solvers: {
      baseline: () => baselineSolver(task),
      default: ({ args }) => {
        const steps: Solver[] = [];
        if (task.system) steps.push(systemPrompt(renderTemplate(task.system, { args: parseArgs(args) })));
        steps.push(generate(task.generate ?? {}));
        return chain(...steps);
      },
    },
    scorers: () => scorers.map((scorer) => scorer.create()),
    ...(task.epochs ? { epochs: task.epochs } : {}),
    metrics: () => scorers.flatMap((scorer) => scorer.metrics),
    groupBy: task.groupBy ?? [],
    roles,
    roleFallbacks: {
      grader: 'rubric scores are null (not scored)',
      judge: 'step-judge scores are null (not scored)',
    },
    ...(task.generate ? { generateConfig: task.generate } : {}),
    args: argsSchema,
    headline: [{ scorer: headline, metric: 'mean' }],
  });
}
