// `medkit synth [--input figures.jsonl] [--out DIR] [--preset rules-only] [--n 40] [--seed 0] [--resume]`
// and `medkit synth stats <dir>`. Without --input: the embedded default (phantom figures, template
// generator, rules verifier), labelled non-LLM.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliCommand } from '../cli/command.js';
import { ConfigError } from '../core/index.js';
import { ResponseCache } from '../runner/cache.js';
import { createProgress } from '../runner/progress.js';
import { Curation, type CurationSpec, curationSpec } from './curate.js';
import { type DedupeSpec, dedupeSpec } from './dedupe.js';
import { jsonlFigures, phantomFigures } from './figures.js';
import { folderFigures } from './folder.js';
import { withImageVerifier } from './vision-verifier.js';
import { bindSynthRole, llmGenerator, llmVerifier } from './llm-roles.js';
import { ITEMS_FILE, rulesVerifier, runSynth, SPEC_FILE, type SynthSpec } from './pipeline.js';
import { SYNTH_PRESETS } from './presets.js';
import { formatSynthStats, synthStats } from './stats.js';
import { webDatasetFigures } from './webdataset.js';

/**
 * A .tar shard, or a folder of them (BIOMEDICA's <base>/{commercial,noncommercial,other}/*.tar, one level
 * down); [] for a folder without shards (a folder of figures) or a file that is not a shard.
 */
function shardPaths(input: string): string[] {
  if (input.endsWith('.tar')) return [input];
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new ConfigError(`--input ${input}: no such file or folder`);
  if (!stat.isDirectory()) return [];
  const found: string[] = [];
  for (const entry of readdirSync(input, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(input, entry.name);
    if (entry.isFile() && entry.name.endsWith('.tar')) found.push(path);
    else if (entry.isDirectory())
      for (const name of readdirSync(path).sort()) if (name.endsWith('.tar')) found.push(join(path, name));
  }
  return found;
}

interface SynthFlags {
  input?: string;
  out: string;
  preset: string;
  n: string;
  seed: string;
  concurrency: string;
  resume?: boolean;
  role: string[];
  baseUrl?: string;
  maxAttempts: string;
  maxRetries: string;
  timeoutMs: string;
  cache: boolean;
  modalities?: string;
  buckets?: string;
  dedupe?: string;
  dedupePermutations: string;
  imageVerifier?: string;
}

function roleSpecs(given: string[]): { generator?: string; verifier?: string; imageVerifier?: string } {
  const roles: Record<string, string> = {};
  for (const entry of given) {
    const at = entry.indexOf('=');
    const role = entry.slice(0, at);
    if (at < 1 || (role !== 'generator' && role !== 'verifier'))
      throw new ConfigError(`--role ${entry}: expected generator=<provider:model> or verifier=<provider:model>`);
    roles[role] = entry.slice(at + 1);
  }
  return roles;
}

export const synthCommand: CliCommand = {
  name: 'synth',
  register(program: Command) {
    const synth = program
      .command('synth')
      .description(
        'MedVLSynther: generate MCQs from figures and captions, verify them with the rubric, filter, rebalance, write MedSynVQA items',
      )
      .option(
        '--input <file>',
        'WebDataset .tar shard or folder of shards (BIOMEDICA), a JSONL of {images, caption, mentions?, key?, modality?, anatomy?}, or a folder of images with caption files (src/synth/README.md); default: phantom figures',
      )
      .option(
        '--modalities <list>',
        "modality whitelist: 'upstream' (clinical imaging with its 23 secondaries, or light microscopy) or a comma list of labels",
      )
      .option(
        '--buckets <total>',
        'balanced buckets: at most <total> figures, split evenly over the categories and 90/2/2/2/2/2% over 1–6 images',
      )
      .option('--out <dir>', 'output folder', 'runs/synth')
      .option(
        '--preset <name>',
        `filter preset: ${Object.values(SYNTH_PRESETS)
          .map((p) => `${p.name} (${p.description})`)
          .join('; ')}`,
        'rules-only',
      )
      .option(
        '--dedupe <threshold>',
        'drop accepted items whose stem near-duplicates an earlier one: MinHash estimated Jaccard ≥ threshold (a medkit addition; off in every preset)',
      )
      .option('--dedupe-permutations <k>', 'MinHash permutations (a multiple of 4; 4 rows per LSH band)', '128')
      .option('--n <count>', 'phantom figures for the embedded default', '40')
      .option('--seed <seed>', 'seed (templates, rebalancing)', '0')
      .option('--concurrency <k>', 'figures in flight', '4')
      .option('--resume', 'finish a killed run in --out: every figure exactly once')
      .option(
        '--role <role=model>',
        'generator=<provider:model> or verifier=<provider:model> (repeatable); without them the non-LLM roles',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option(
        '--image-verifier <model>',
        'the image-reading part of the rules verifier: reference-vision[:opts] (pixel rules, not an LLM) judges Image–Text Consistency on chest radiographs whose caption names a nodule or mass',
      )
      .option('--base-url <url>', 'OpenAI-compatible server for openai: models (else OPENAI_BASE_URL)')
      .option('--max-attempts <k>', 'replies per figure and role before a contract violation is recorded', '3')
      .option('--max-retries <k>', 'retries of a failed request (rate limits, 5xx, timeouts)', '4')
      .option('--timeout-ms <ms>', 'per request', '120000')
      .option('--no-cache', 'do not cache responses (.medkit/cache/responses.sqlite)')
      .action(async (flags: SynthFlags) => {
        let given = roleSpecs(flags.role);
        if (flags.imageVerifier) given.imageVerifier = flags.imageVerifier;
        let curation: CurationSpec = curationSpec(flags.modalities, flags.buckets);
        let dedupe: DedupeSpec | undefined;
        if (flags.resume) {
          // the same figures and roles as the killed run: from its spec, not from today's flags
          const specPath = join(flags.out, SPEC_FILE);
          if (!existsSync(specPath))
            throw new ConfigError(`${flags.out}: no ${SPEC_FILE}; is this a medkit synth run?`);
          const spec = JSON.parse(readFileSync(specPath, 'utf8')) as SynthSpec;
          flags.input = spec.input?.path;
          flags.n = String(spec.input?.n ?? flags.n);
          flags.seed = String(spec.seed);
          flags.concurrency = String(spec.concurrency);
          flags.preset = spec.preset.name;
          given = spec.input?.roles ?? {};
          curation = spec.curation ?? {};
          dedupe = spec.dedupe;
        } else if (flags.dedupe !== undefined) {
          const threshold = Number(flags.dedupe);
          const permutations = Number(flags.dedupePermutations);
          try {
            dedupe = dedupeSpec(threshold, Number(flags.seed), permutations);
          } catch (error) {
            throw new ConfigError(
              `--dedupe ${flags.dedupe} --dedupe-permutations ${flags.dedupePermutations}: ${(error as Error).message}`,
            );
          }
        }
        const n = Number(flags.n);
        const seed = Number(flags.seed);
        const concurrency = Number(flags.concurrency);
        if (!Number.isInteger(n) || n < 1) throw new ConfigError(`--n ${flags.n}: expected a positive integer`);
        if (!Number.isInteger(seed)) throw new ConfigError(`--seed ${flags.seed}: expected an integer`);
        if (!Number.isInteger(concurrency) || concurrency < 1)
          throw new ConfigError(`--concurrency ${flags.concurrency}: expected a positive integer`);
        if (flags.input && flags.preset === 'rules-only' && !given.generator)
          console.error(
            'note: the rules-only preset templates questions only for phantom figures; real figures need --role generator=<provider:model>',
          );
        const report = (error: Error) => console.error(error.message);
        const shards = flags.input ? shardPaths(flags.input) : [];
        const curate = new Curation(curation);
        const isFolder = flags.input !== undefined && !shards.length && statSync(flags.input).isDirectory();
        const figures = shards.length
          ? webDatasetFigures(shards, join(flags.out, 'images'), report, curate.allowLabels)
          : isFolder
            ? folderFigures(flags.input!, report)
            : flags.input
              ? jsonlFigures(flags.input, report)
              : phantomFigures(join(flags.out, 'images'), n, seed);
        const specs = given;
        const cache = flags.cache ? new ResponseCache(join('.medkit', 'cache', 'responses.sqlite')) : undefined;
        const attempts = Number(flags.maxAttempts);
        const roleOptions = {
          baseUrl: flags.baseUrl,
          maxRetries: Number(flags.maxRetries),
          timeoutMs: Number(flags.timeoutMs),
          connections: concurrency,
        };
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        const generator = specs.generator
          ? llmGenerator(await bindSynthRole(specs.generator, roleOptions, cache), attempts, controller.signal)
          : undefined;
        const verifier = specs.verifier
          ? llmVerifier(await bindSynthRole(specs.verifier, roleOptions, cache), attempts, controller.signal)
          : undefined;
        if (specs.imageVerifier && verifier)
          throw new ConfigError(
            '--image-verifier reads images for the rules verifier; an LLM verifier (--role verifier=) judges Image–Text Consistency itself',
          );
        const rulesOrVision = specs.imageVerifier
          ? withImageVerifier(
              rulesVerifier,
              await bindSynthRole(specs.imageVerifier, roleOptions, cache),
              controller.signal,
            )
          : verifier;
        const preset = generator && flags.preset === 'rules-only' && !flags.resume ? 'mean9670' : flags.preset;
        if (preset !== flags.preset)
          console.error('note: an LLM generator was given: preset mean9670 instead of rules-only');
        const summary = await runSynth({
          generator,
          verifier: rulesOrVision,
          out: flags.out,
          figures,
          source: flags.input ?? `phantoms (n ${n}, seed ${seed})`,
          input: { path: flags.input, n: flags.input ? undefined : n, roles: specs },
          preset,
          signal: controller.signal,
          seed,
          concurrency,
          resume: flags.resume,
          curation: curate,
          dedupe,
          progress: createProgress(process.stderr, 'synth'),
          expectedFigures: flags.input || curate.active ? undefined : n, // curation drops an unknown share
        });
        for (const note of summary.notes) console.log(`note: ${note}`);
        for (const [role, usage] of Object.entries(summary.usage))
          if (usage)
            console.log(
              `${role}: ${usage.calls} calls (${usage.cachedCalls} cached), ${usage.inputTokens} input + ${usage.outputTokens} output tokens, cost ${usage.cost.toFixed(4)}`,
            );
        if (summary.curation) {
          const { seen, kept, dropped } = summary.curation;
          console.log(
            `curation: ${kept} of ${seen} figures kept (dropped: ${dropped.modality} by modality, ${dropped.noCategory} figures with no bucket category, ${dropped.bucketFull} with their bucket full)`,
          );
        }
        console.log(
          `${join(flags.out, ITEMS_FILE)}: ${summary.written} items (${summary.figures} figures, ${summary.failed} failed, ${summary.accepted} accepted${summary.deduplicated ? `, ${summary.deduplicated} near-duplicate stems removed` : ''}${summary.resumedSkipped ? `, ${summary.resumedSkipped} already done` : ''})`,
        );
        console.log(`evaluate: npx medkit eval medsynvqa --arg data=${join(flags.out, ITEMS_FILE)}`);
      });
    synth
      .command('stats')
      .description('counts per stage, pass rate per essential gate, score histogram, answer positions, modalities')
      .argument('<dir>', 'a medkit synth output folder')
      .option('--json', 'print JSON')
      .action(async (dir: string, flags: { json?: boolean }) => {
        const stats = await synthStats(dir);
        console.log(flags.json ? JSON.stringify(stats, null, 2) : formatSynthStats(stats));
      });
  },
};
