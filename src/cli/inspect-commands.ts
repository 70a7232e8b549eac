// medkit list | show | compare | data check: everything that reads rather than runs.
// `medkit list` reads only the registry's entries (no benchmark module is imported); the other actions
// import what they use when they run, so registering these commands costs nothing at start-up.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunSummary, Sample } from '../core/index.js';
import { ConfigError } from '../core/errors.js';
import { providers } from '../models/registry.js';
import { agentEntries, benchmarkEntries, loaderEntries, loaderNames, loadLoader } from '../registry.js';
import { fit, formatNumber, formatSummary, table, WIDTH } from './report.js';

export async function readSummary(directory: string): Promise<RunSummary> {
  const [{ runSummarySchema }, { readRunSpec, SPEC_FILE, SUMMARY_FILE }] = await Promise.all([
    import('../core/log.js'),
    import('../runner/run-dir.js'),
  ]);
  const path = join(directory, SUMMARY_FILE);
  if (!existsSync(path) && !existsSync(join(directory, SPEC_FILE))) readRunSpec(directory); // says what a run folder is
  if (!existsSync(path))
    throw new ConfigError(
      `${directory}: no ${SUMMARY_FILE} (a run still going, or killed: finish it with medkit eval --resume ${directory})`,
    );
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError(`${path}: not JSON`);
  }
  const parsed = runSummarySchema.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(`${path}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return value as RunSummary;
}

/** One line per item, at most 100 columns: name, then the description cut to fit. */
function listSection(title: string, items: [string, string][]): string[] {
  if (items.length === 0) return [title, '  (none yet)'];
  const nameWidth = Math.min(24, Math.max(...items.map(([name]) => name.length)));
  return [title, ...items.map(([name, text]) => fit(`  ${name.padEnd(nameWidth)}  ${text}`, WIDTH))];
}

export function listText(): string {
  return [
    ...listSection(
      'Benchmarks (medkit eval <name>; medkit info <name> for its --arg options):',
      benchmarkEntries.map((b) => [b.name, b.summary]),
    ),
    '',
    ...listSection(
      'Agents (medkit eval <benchmark> --solver <name> --model ...):',
      agentEntries.map((a) => [a.name, `[${a.accepts.join(', ')}] ${a.summary}`]),
    ),
    '',
    ...listSection(
      'Dataset loaders (medkit data check <loader> <path>):',
      loaderEntries.map((l) => [l.name, l.summary]),
    ),
    '',
    ...listSection('Model providers (--model / --role r=...):', [
      ...providers.map((p): [string, string] => [p.name, `${p.example}  ${p.description}`]),
      ['baseline', "the benchmark's own non-LLM solver (the default when no --model is given)"],
    ]),
  ].join('\n');
}

function preview(sample: Sample): string {
  const text = JSON.stringify(sample, null, 2);
  return text.length > 2000 ? `${text.slice(0, 2000)}\n... (${text.length} characters)` : text;
}

export function registerInspectCommands(program: Command): void {
  program
    .command('list')
    .description('list benchmarks, agents, dataset loaders and model providers, one line each (details: medkit info)')
    .action(() => {
      process.stdout.write(`${listText()}\n`);
    });

  program
    .command('info')
    .description("a benchmark's or agent's --arg options, solvers, roles and headline metric")
    .argument('<name>', 'benchmark or agent (medkit list)')
    .action(async (name: string) => {
      const { infoFor } = await import('./info.js');
      process.stdout.write(`${await infoFor(name)}\n`);
    });

  program
    .command('show')
    .description('print the summary of a run directory, and optionally its first samples')
    .argument('<run>', 'run directory (from medkit eval --out)')
    .option('-n, --samples <n>', 'also print this many sample lines', '0')
    .option('--errors', 'print the units that failed')
    .option('-v, --verbose', 'every metric and group (default: the headline, when the benchmark declares one)')
    .action(async (directory: string, flags: { samples: string; errors?: boolean; verbose?: boolean }) => {
      const summary = await readSummary(directory);
      const { readSampleRecords } = await import('../runner/run-dir.js');
      const lines = [formatSummary(summary, { verbose: flags.verbose ?? false })];
      const wanted = Number(flags.samples);
      if (wanted > 0 || flags.errors) {
        let shown = 0;
        for (const record of readSampleRecords(directory)) {
          if (flags.errors && record.error === null) continue;
          if (!flags.errors && shown >= wanted) break;
          shown++;
          const scores = Object.entries(record.scores)
            .map(([name, score]) => `${name}=${JSON.stringify(score.value)}`)
            .join(' ');
          lines.push(
            `- ${record.id} #${record.epoch}: ${scores}${record.error ? `  ERROR ${record.error}` : ''}  answer: ${record.output.slice(0, 120).replace(/\s+/g, ' ')}`,
          );
        }
      }
      process.stdout.write(lines.join('\n') + '\n');
    });

  program
    .command('compare')
    .description('paired statistics per metric between two runs of the same benchmark')
    .argument('<runA>')
    .argument('<runB>')
    .option('--seed <n>', 'bootstrap seed', '0')
    .action(async (runA: string, runB: string, flags: { seed: string }) => {
      const { compareRuns } = await import('../runner/compare.js');
      const comparison = compareRuns(runA, runB, { seed: Number(flags.seed) });
      const rows: string[][] = [
        ['metric', 'A', 'B', 'B−A [95% CI]', 'p (bootstrap)', 'p (Wilcoxon)', 'pairs', 'B better', 'A better'],
      ];
      for (const metric of comparison.metrics) {
        rows.push([
          metric.key,
          formatNumber(metric.meanA),
          formatNumber(metric.meanB),
          `${formatNumber(metric.difference)} [${formatNumber(metric.ci.lower)}, ${formatNumber(metric.ci.upper)}]`,
          formatNumber(metric.pValue),
          formatNumber(metric.wilcoxonP),
          String(metric.pairs),
          String(metric.bBetter),
          String(metric.aBetter),
        ]);
      }
      const header = `A = ${runA} (${comparison.labelA})\nB = ${runB} (${comparison.labelB})`;
      const notes = comparison.notes.map((note) => `note: ${note}`);
      process.stdout.write([header, '', table(rows), ...notes].join('\n') + '\n');
    });

  const data = program.command('data').description('work with dataset files a user supplies');
  data
    .command('check')
    .description(
      'parse a dataset file with a loader; print counts per split and the first item, or the first error with file and line',
    )
    .argument('<loader>', 'loader name (medkit list)')
    .argument('<path>', 'the file')
    .option('--lenient', 'report every bad line and go on')
    .action(async (loaderName: string, path: string, flags: { lenient?: boolean }) => {
      const loader = await loadLoader(loaderName);
      if (!loader)
        throw new ConfigError(`unknown loader '${loaderName}'. Known: ${loaderNames().sort().join(', ') || '(none)'}`);
      if (!existsSync(path)) throw new ConfigError(`${path}: no such file`);
      if (loader.describe) {
        process.stdout.write((await loader.describe(path)) + '\n');
        return;
      }
      const counts = new Map<string, number>();
      let first: Sample | undefined;
      const problems: string[] = [];
      for await (const sample of loader.load(path, {
        lenient: flags.lenient ?? false,
        onError: (error) => problems.push(error.message),
      })) {
        first ??= sample;
        const split = loader.splitOf?.(sample) ?? 'all';
        counts.set(split, (counts.get(split) ?? 0) + 1);
      }
      const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
      const lines = [
        `${path}: ${total} items (loader ${loader.name})`,
        table([...counts.entries()].sort().map(([split, count]) => [`  ${split}`, String(count)])),
      ];
      if (first) lines.push('first item:', preview(first));
      for (const problem of problems) lines.push(`bad line: ${problem}`);
      if (total === 0) lines.push(`error: ${path} has no ${problems.length > 0 ? 'valid ' : ''}items`);
      process.stdout.write(lines.join('\n') + '\n');
      if (problems.length > 0 || total === 0) process.exitCode = 1;
    });
}
