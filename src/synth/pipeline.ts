// `medkit synth`: figures → generator → verifier → filter (stage file verified.jsonl, one line per
// figure, resumable) → second pass over the kept items on disk: rebalance answer positions → the
// released MedSynVQA item format (medsynvqa.jsonl, read by `medkit eval medsynvqa --arg data=...`).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigError } from '../core/index.js';
import type { RoleUsage } from '../runner/context.js';
import { type ProgressReporter, silentProgress } from '../runner/progress.js';
import { acceptItem, scoreRubric, type RubricItem } from '../scoring/medvlsynther-rubric.js';
import type { Curation, CurationCounts, CurationSpec } from './curate.js';
import { type DedupeSpec, StemDeduplicator } from './dedupe.js';
import type { Figure } from './figures.js';
import { HfWriter } from './hf-output.js';
import {
  type GeneratedMcq,
  generatedMcqSchema,
  type OptionLetter,
  TEMPLATE_GENERATOR,
  templateGenerate,
} from './generator.js';
import { findPreset, type SynthPreset } from './presets.js';
import { moveAnswer, rebalanceTargets } from './rebalance.js';
import { DEFAULT_SUBSET_SIZES, writeNestedSubsets } from './subsets.js';
import { RULES_VERIFIER, rulesVerify } from './rules-verifier.js';
import { finishedKeys, readJson, readStage, StageWriter } from './stage-log.js';

export const SPEC_FILE = 'synth-spec.json';
export const STAGE_FILE = 'verified.jsonl';
export const ITEMS_FILE = 'medsynvqa.jsonl';
export const SUMMARY_FILE = 'synth-summary.json';
/** One line per accepted item removed as a near-duplicate stem: `{key, duplicate_of, estimated_jaccard}`. */
export const DUPLICATES_FILE = 'duplicates.jsonl';

/** A generator role: returns the MCQ or throws GenerationFailure with the raw text it could not use. */
export interface SynthGenerator {
  name: string;
  promptHash?: string;
  /** Tokens, cost and calls of this process's model calls (the runner's accounting); absent for non-model roles. */
  usage?: () => RoleUsage | undefined;
  generate(figure: Figure): Promise<GeneratedMcq>;
}
export interface SynthVerifier {
  name: string;
  promptHash?: string;
  usage?: () => RoleUsage | undefined;
  verify(
    figure: Figure,
    mcq: GeneratedMcq,
  ): Promise<{
    rubric?: RubricItem[];
    error?: string;
    judgedByRules?: string[];
    assumedPassed?: string[];
    /** Gates the reference vision model (not an LLM) judged, its answer, or why it judged none. */
    vision?: VisionVerdict;
  }>;
}
export interface VisionVerdict {
  judged: string[];
  answer?: string | null;
  note: string;
}
export class GenerationFailure extends Error {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message);
  }
}

export const templateGenerator = (seed: number): SynthGenerator => ({
  name: TEMPLATE_GENERATOR,
  async generate(figure) {
    return generatedMcqSchema.parse(templateGenerate(figure, seed));
  },
});
export const rulesVerifier: SynthVerifier = {
  name: RULES_VERIFIER,
  verify: async (figure, mcq) => rulesVerify(figure, mcq),
};

export interface SynthSpec {
  format: 'medkit-synth/1';
  preset: SynthPreset;
  seed: number;
  source: string;
  /** What `--resume` needs to rebuild the same figure stream and roles (the CLI's flags). */
  input: { path?: string; n?: number; roles: { generator?: string; verifier?: string; imageVerifier?: string } };
  generator: string;
  verifier: string;
  /** sha256 (16 hex) of the role's prompt template; absent for the non-LLM roles. */
  generatorPromptHash?: string;
  verifierPromptHash?: string;
  concurrency: number;
  nonLlm: boolean;
  /** Nested subsets written when there are more items (default 1K/2K/5K/10K, as released). */
  subsetSizes?: number[];
  /** Curation filters (modality whitelist, balanced buckets); absent when none. */
  curation?: CurationSpec;
  /** Near-duplicate stem removal (MinHash); absent when off (as in every preset). */
  dedupe?: DedupeSpec;
  created: string;
}

export interface StageRecord {
  key: string;
  status: 'verified' | 'failed';
  stage?: 'generate' | 'verify';
  error?: string;
  raw?: string;
  images: string[];
  caption: string;
  modality?: string;
  anatomy?: string;
  mcq?: GeneratedMcq;
  rubric?: RubricItem[];
  verifier_error?: string;
  verify_score?: number | null;
  verify_pass?: boolean;
  missing_essentials?: string[];
  accepted?: boolean;
  judged_by_rules?: string[];
  assumed_passed?: string[];
  judged_by_vision?: VisionVerdict;
}

export interface SynthOptions {
  out: string;
  figures: AsyncIterable<Figure>;
  source: string;
  input?: SynthSpec['input'];
  subsetSizes?: number[];
  preset?: string;
  seed?: number;
  resume?: boolean;
  concurrency?: number;
  generator?: SynthGenerator;
  verifier?: SynthVerifier;
  /** Ctrl-C: no new figures start; those in flight finish; `--resume` does the rest. */
  signal?: AbortSignal;
  /** Curation filters; a WebDataset source applies the whitelist per image itself (curation.allowLabels). */
  curation?: Curation;
  /** Near-duplicate stem removal after filtering; off by default. */
  dedupe?: DedupeSpec;
  /** Called when every figure has its stage line, before the second pass (benches time the two apart). */
  onFirstPassDone?: () => void;
  /** The runner's progress reporter (done/total, failures, rate, ETA); total = the figures expected, when known. */
  progress?: ProgressReporter;
  expectedFigures?: number;
}

export interface SynthSummary {
  figures: number;
  resumedSkipped: number;
  failed: number;
  verified: number;
  accepted: number;
  /** Accepted items removed as near-duplicate stems (DUPLICATES_FILE). */
  deduplicated: number;
  written: number;
  positionsBefore: Record<string, number>;
  positionsAfter: Record<string, number>;
  nonLlm: boolean;
  /** Nested subset size → file. */
  subsets?: Record<number, string>;
  /** What curation kept and dropped (this process's pass over the input). */
  curation?: CurationCounts;
  /** Per role: tokens, cost, calls, cached calls of this process (a resumed run counts its own calls). */
  usage: { generator?: RoleUsage; verifier?: RoleUsage };
  notes: string[];
}

export async function runSynth(options: SynthOptions): Promise<SynthSummary> {
  const out = options.out;
  const specPath = join(out, SPEC_FILE);
  let spec: SynthSpec;
  if (options.resume) {
    if (!existsSync(specPath)) throw new ConfigError(`${out}: no ${SPEC_FILE}; is this a medkit synth run?`);
    spec = readJson<SynthSpec>(specPath);
  } else {
    if (existsSync(specPath))
      throw new ConfigError(`${out} already holds a synth run; use --resume to finish it, or choose another --out`);
    const preset = findPreset(options.preset ?? 'rules-only');
    const seed = options.seed ?? 0;
    spec = {
      format: 'medkit-synth/1',
      preset,
      seed,
      source: options.source,
      input: options.input ?? { roles: {} },
      generator: (options.generator ?? templateGenerator(seed)).name,
      verifier: (options.verifier ?? rulesVerifier).name,
      generatorPromptHash: options.generator?.promptHash,
      verifierPromptHash: options.verifier?.promptHash,
      concurrency: options.concurrency ?? 4,
      subsetSizes: options.subsetSizes ?? DEFAULT_SUBSET_SIZES,
      curation: options.curation?.active ? options.curation.spec : undefined,
      dedupe: options.dedupe,
      nonLlm: preset.nonLlm,
      created: new Date().toISOString(),
    };
    mkdirSync(out, { recursive: true });
    writeFileSync(specPath, JSON.stringify(spec, null, 2) + '\n');
  }
  const generator = options.generator ?? templateGenerator(spec.seed);
  const verifier = options.verifier ?? rulesVerifier;
  const stagePath = join(out, STAGE_FILE);
  const done = finishedKeys(stagePath);
  const writer = new StageWriter(stagePath);
  const summary: SynthSummary = {
    figures: 0,
    resumedSkipped: 0,
    failed: 0,
    verified: 0,
    accepted: 0,
    deduplicated: 0,
    written: 0,
    positionsBefore: {},
    positionsAfter: {},
    nonLlm: spec.nonLlm,
    usage: {},
    notes: spec.nonLlm
      ? [
          `non-LLM run (preset ${spec.preset.name}): questions from templates, rubrics from rules; the gates rules cannot judge counted as passed and are listed per item`,
        ]
      : [],
  };
  const curation = options.curation?.active ? options.curation : undefined;
  const figures = curation ? curation.apply(options.figures) : options.figures;
  if (curation) summary.curation = curation.counts;
  const progress = options.progress ?? silentProgress;
  let finished = 0;
  let failed = 0;
  progress.start(options.expectedFigures !== undefined ? options.expectedFigures - done.size : undefined);
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const figure of figures) {
      if (options.signal?.aborted) {
        summary.notes.push('interrupted: figures not yet started are left for --resume');
        break;
      }
      if (done.has(figure.key)) {
        summary.resumedSkipped++;
        continue;
      }
      done.add(figure.key); // a source that repeats a key is processed once
      const task = processFigure(figure, generator, verifier, spec.preset).then((record) => {
        writer.append(record);
        finished++;
        if (record.status === 'failed') failed++;
        progress.update(finished, failed);
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= spec.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    writer.close();
  }
  options.onFirstPassDone?.();
  summary.usage = { generator: generator.usage?.(), verifier: verifier.usage?.() };
  progress.finish(
    `synth: ${finished} figures processed (${failed} failed)${summary.resumedSkipped ? `, ${summary.resumedSkipped} already done` : ''}`,
  );
  await finalise(out, spec, summary);
  return summary;
}

async function processFigure(
  figure: Figure,
  generator: SynthGenerator,
  verifier: SynthVerifier,
  preset: SynthPreset,
): Promise<StageRecord> {
  const base = {
    key: figure.key,
    images: figure.images,
    caption: figure.caption,
    modality: figure.modality,
    anatomy: figure.anatomy,
  };
  let mcq: GeneratedMcq;
  try {
    mcq = await generator.generate(figure);
  } catch (error) {
    const raw = error instanceof GenerationFailure ? error.raw : undefined;
    return { ...base, status: 'failed', stage: 'generate', error: (error as Error).message, raw };
  }
  try {
    const verdict = await verifier.verify(figure, mcq);
    const scored = scoreRubric({ rubric: verdict.rubric, error: verdict.error });
    return {
      ...base,
      status: 'verified',
      mcq,
      rubric: verdict.rubric,
      verifier_error: verdict.error,
      verify_score: scored.verifyScore,
      verify_pass: scored.verifyPass,
      missing_essentials: scored.missingEssentials,
      accepted: acceptItem(scored, preset.minScore, preset.requirePass),
      judged_by_rules: verdict.judgedByRules,
      assumed_passed: verdict.assumedPassed,
      judged_by_vision: verdict.vision,
    };
  } catch (error) {
    const raw = error instanceof GenerationFailure ? error.raw : undefined;
    return { ...base, status: 'failed', stage: 'verify', mcq, error: (error as Error).message, raw };
  }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The accepted keys whose stem near-duplicates an earlier accepted stem; written to DUPLICATES_FILE. */
async function findDuplicates(out: string, spec: SynthSpec): Promise<Set<string>> {
  const found = new Set<string>();
  const path = join(out, DUPLICATES_FILE);
  if (!spec.dedupe) {
    rmSync(path, { force: true });
    return found;
  }
  const deduplicator = new StemDeduplicator(spec.dedupe);
  const lines: string[] = [];
  for await (const record of readStage<StageRecord>(join(out, STAGE_FILE))) {
    if (!record.accepted || !record.mcq) continue;
    const duplicate = deduplicator.check(record.key, record.mcq.question);
    if (!duplicate) continue;
    found.add(record.key);
    lines.push(
      `${JSON.stringify({ key: record.key, duplicate_of: duplicate.duplicateOf, estimated_jaccard: duplicate.estimatedJaccard })}\n`,
    );
  }
  writeFileSync(path, lines.join(''));
  return found;
}

/** Second pass over the stage file: counts, dedupe, rebalance targets, then the released item format. */
async function finalise(out: string, spec: SynthSpec, summary: SynthSummary): Promise<void> {
  const stagePath = join(out, STAGE_FILE);
  let accepted = 0;
  for await (const record of readStage<StageRecord>(stagePath)) {
    summary.figures++;
    if (record.status === 'failed') summary.failed++;
    else summary.verified++;
    if (record.accepted) accepted++;
  }
  summary.accepted = accepted;
  const duplicates = await findDuplicates(out, spec);
  summary.deduplicated = duplicates.size;
  const targets = rebalanceTargets(accepted - duplicates.size, spec.seed);
  const lines: string[] = [];
  const temporary = join(out, `${ITEMS_FILE}.tmp-${process.pid}`);
  writeFileSync(temporary, '');
  const hf = new HfWriter(out);
  let index = 0;
  const flush = () => {
    if (lines.length) appendFileSync(temporary, lines.join(''));
    lines.length = 0;
  };
  for await (const record of readStage<StageRecord>(stagePath)) {
    if (!record.accepted || !record.mcq || duplicates.has(record.key)) continue;
    const original = record.mcq.answer;
    const target = targets[index]!;
    const moved = moveAnswer(record.mcq.options, original, target);
    summary.positionsBefore[original] = (summary.positionsBefore[original] ?? 0) + 1;
    summary.positionsAfter[target] = (summary.positionsAfter[target] ?? 0) + 1;
    const row = {
      question: record.mcq.question,
      options: moved.options,
      answer_label: moved.answer,
      answer: moved.options[moved.answer as OptionLetter],
      dataset_name: spec.nonLlm ? 'medkit-synth-rules-only' : 'medkit-synth',
      dataset_index: index,
      provenance: {
        source_key: record.key,
        original_answer_label: original,
        generator: spec.generator,
        verifier: spec.verifier,
        non_llm: spec.nonLlm,
        preset: spec.preset.name,
        rubric: record.rubric,
        verify_score: record.verify_score,
        verify_pass: record.verify_pass,
        judged_by_rules: record.judged_by_rules,
        assumed_passed: record.assumed_passed,
        judged_by_vision: record.judged_by_vision,
        prompt_hashes: {
          generator: spec.generatorPromptHash ?? null,
          verifier: spec.verifierPromptHash ?? null,
          context: sha(record.caption),
        },
        modality: record.modality,
        anatomy: record.anatomy,
      },
    };
    const images = record.images.map((path) => (isAbsolute(path) && path.startsWith(out) ? relative(out, path) : path));
    lines.push(`${JSON.stringify({ images, ...row })}\n`);
    hf.add(row, record.images);
    index++;
    if (lines.length >= 1000) flush();
  }
  flush();
  hf.flush();
  renameSync(temporary, join(out, ITEMS_FILE));
  summary.written = index;
  summary.subsets = await writeNestedSubsets(join(out, ITEMS_FILE), out, index, spec.seed, spec.subsetSizes);
  writeFileSync(join(out, SUMMARY_FILE), JSON.stringify({ spec, ...summary }, null, 2) + '\n');
}
