// The KGARevion agent: `--solver kgarevion` on any MCQ / yes-no benchmark, and `medkit agent kgarevion`.
// Args: verifier (exact | kge | llm | composite), maxRound, revise, unlinkable (keep | reject | drop),
// primekg (path to a user-supplied kg.csv; default: medkit's mini-KG), fuzzyLink, jsonAttempts.
// Every run also reports how much of the generated evidence the KG could check (coverage.ts).
import { z } from 'zod';
import {
  ConfigError,
  defineAgent,
  inputText,
  type BenchmarkOptions,
  type JsonObject,
  type Solver,
} from '../../core/index.js';
import { EntityLinker } from '../../kg/linking.js';
import { loadPrimeKg } from '../../kg/loaders.js';
import { loadMiniKg } from '../../kg/minikg.js';
import { runKgarevion } from './agent.js';
import { parseQuestionText } from './parse.js';
import type { KgarevionOptions, QaItem, TripletVerifier, UnlinkablePolicy } from './types.js';
import { compositeVerifier, exactEdgeVerifier, kgeVerifier, llmJudgeVerifier, type KgBinding } from './verifiers.js';
import { describeTraining, trainedScorerFor, type TrainedScorer } from './kge-scorer.js';
import { coverageMetric, coverageScorer } from './coverage.js';

export * from './types.js';
export { runKgarevion } from './agent.js';
export { parseQuestionText, queryType, parseTriplets, parseTerms, parseAnswer } from './parse.js';
export {
  compositeVerifier,
  exactEdgeVerifier,
  kgeVerifier,
  llmJudgeVerifier,
  reviewTriplet,
  type KgBinding,
  type TripleScorer,
} from './verifiers.js';

const bindings = new Map<string, Promise<KgBinding>>();

/** The KG an agent run uses: the mini-KG, or a PrimeKG kg.csv (loaded once per process). */
export function kgBinding(primekg?: string): Promise<KgBinding> {
  const key = primekg ?? 'mini';
  let binding = bindings.get(key);
  if (!binding) {
    binding = primekg
      ? loadPrimeKg(primekg, { lenient: false }).then(({ graph }) => ({ graph, linker: new EntityLinker(graph) }))
      : Promise.resolve(loadMiniKg()).then((kg) => ({
          graph: kg.graph,
          linker: new EntityLinker(kg.graph),
          sourcesBetween: kg.sourcesBetween,
        }));
    bindings.set(key, binding);
  }
  return binding;
}

export type VerifierName = 'exact' | 'kge' | 'llm' | 'composite';

export interface BuiltVerifier {
  verifier: TripletVerifier;
  /** The KGE model behind a kge / composite verifier: trained or loaded, time, quality. */
  kge?: TrainedScorer;
}

/** `cacheDir`: where trained KG embeddings are saved and reloaded (keyed by the KG's content hash). */
export async function buildVerifier(
  name: VerifierName,
  kg: KgBinding,
  seed = 1,
  cacheDir?: string,
): Promise<BuiltVerifier> {
  const kge = () => trainedScorerFor(kg.graph, { seed, ...(cacheDir ? { cacheDir } : {}) });
  switch (name) {
    case 'exact':
      return { verifier: exactEdgeVerifier(kg) };
    case 'kge': {
      const scorer = await kge();
      return { verifier: kgeVerifier(kg, scorer), kge: scorer };
    }
    case 'llm':
      return { verifier: llmJudgeVerifier(kg) };
    case 'composite': {
      const scorer = await kge();
      return { verifier: compositeVerifier([exactEdgeVerifier(kg), kgeVerifier(kg, scorer)], 'fallback'), kge: scorer };
    }
    default:
      throw new ConfigError(`unknown verifier '${String(name)}': use exact, kge, llm or composite`);
  }
}

/** KGARevion's `--arg` options (the CLI validates them against this schema). */
export const kgarevionArgs = z.strictObject({
  verifier: z
    .enum(['exact', 'kge', 'llm', 'composite'])
    .default('exact')
    .describe('triplet verifier: exact KG edge, KGE score (RotatE, cached per KG), LLM judge, or exact then KGE'),
  maxRound: z.number().int().nonnegative().default(1).describe('Revise rounds per rejected triplet (upstream: 1)'),
  revise: z.boolean().default(true).describe('revise rejected triplets'),
  unlinkable: z
    .enum(['keep', 'reject', 'drop'])
    .default('keep')
    .describe('a triplet the KG cannot link: keep it unchecked (upstream), reject it, or drop it'),
  primekg: z
    .string()
    .optional()
    .describe('PrimeKG kg.csv (Harvard Dataverse); needed for MIRAGE-scale questions, the mini-KG covers few of them'),
  fuzzyLink: z
    .number()
    .gt(0)
    .lte(1)
    .optional()
    .describe('also link entities by fuzzy match at this minimum score (e.g. 0.85); off by default'),
  jsonAttempts: z.number().int().positive().default(5).describe('attempts per JSON-producing call (upstream: 5)'),
});

export function optionsFromArgs(
  args: JsonObject,
): KgarevionOptions & { verifier: VerifierName; primekg?: string; fuzzyLink?: number } {
  const verifier = String(args.verifier ?? 'exact') as VerifierName;
  if (!['exact', 'kge', 'llm', 'composite'].includes(verifier))
    throw new ConfigError(`--arg verifier=${verifier}: use exact, kge, llm or composite`);
  const unlinkable = String(args.unlinkable ?? 'keep') as UnlinkablePolicy;
  if (!['keep', 'reject', 'drop'].includes(unlinkable))
    throw new ConfigError(`--arg unlinkable=${unlinkable}: use keep, reject or drop`);
  const maxRound = Number(args.maxRound ?? 1);
  if (!Number.isInteger(maxRound) || maxRound < 0)
    throw new ConfigError(`--arg maxRound=${String(args.maxRound)}: a non-negative integer`);
  const revise = args.revise === undefined ? true : args.revise === true || args.revise === 'true';
  const jsonAttempts = Number(args.jsonAttempts ?? 5);
  if (!Number.isInteger(jsonAttempts) || jsonAttempts < 1)
    throw new ConfigError(`--arg jsonAttempts=${String(args.jsonAttempts)}: a positive integer`);
  const fuzzyLink = args.fuzzyLink === undefined ? undefined : Number(args.fuzzyLink);
  if (fuzzyLink !== undefined && !(fuzzyLink > 0 && fuzzyLink <= 1))
    throw new ConfigError(`--arg fuzzyLink=${String(args.fuzzyLink)}: a minimum fuzzy score in (0, 1], e.g. 0.85`);
  return {
    verifier,
    unlinkable,
    maxRound,
    revise,
    jsonAttempts,
    ...(typeof args.primekg === 'string' ? { primekg: args.primekg } : {}),
    ...(fuzzyLink !== undefined ? { fuzzyLink } : {}),
  };
}

/** How entities are linked, as the run log states it. */
export const linkingMode = (fuzzyLink: number | undefined) =>
  fuzzyLink === undefined
    ? 'exact names, synonyms, cross-references and normalised forms (fuzzy off)'
    : `exact, synonym, cross-reference and normalised forms, then fuzzy matches scoring >= ${fuzzyLink}`;

export function sampleToItem(
  sample: { id: string; input: unknown; choices?: string[]; target?: unknown },
  text: string,
): QaItem {
  if (sample.choices?.length) return { id: sample.id, question: text, options: sample.choices };
  return { ...parseQuestionText(text, sample.id) };
}

export function kgarevionSolver(benchmarkOptions: BenchmarkOptions): Solver {
  const options = optionsFromArgs(benchmarkOptions.args);
  let verifier: Promise<BuiltVerifier> | undefined;
  let described = false;
  return {
    name: 'kgarevion',
    params: {
      ...options,
      linking: linkingMode(options.fuzzyLink),
      model: options.verifier === 'kge' || options.verifier === 'composite' ? 'rotate' : null,
    } as JsonObject,
    async solve(state, context) {
      const shared = await kgBinding(options.primekg);
      const kg: KgBinding = options.fuzzyLink === undefined ? shared : { ...shared, fuzzyLink: options.fuzzyLink };
      verifier ??= buildVerifier(options.verifier, kg, benchmarkOptions.seed, benchmarkOptions.cacheDir);
      const built = await verifier;
      if (built.kge && !described) {
        // The unit that waited for the KGE model says how it was obtained and how good it is.
        described = true;
        context.record({
          type: 'info',
          message: describeTraining(built.kge),
          data: built.kge.calibration as unknown as JsonObject,
        });
      }
      const item = sampleToItem(state.sample, inputText(state.sample));
      if (item.options.length === 0)
        throw new ConfigError(
          `sample ${state.sample.id}: KGARevion needs options (choices, or "A. ..." lines in the question)`,
        );
      const judgeRole = context.hasRole('judge') ? 'judge' : 'agent';
      const result = await runKgarevion(item, context, kg, built.verifier, options, judgeRole);
      state.output = {
        ...state.output,
        text: result.answer ? `ANSWER: ${result.answer}` : 'no answer',
        finishReason: 'stop',
      };
      state.metadata.kgarevion = {
        queryType: result.queryType,
        answer: result.answer ?? null,
        verifier: built.verifier.name,
        kept: result.kept.map((k) => [k.triplet.head, k.triplet.relation, k.triplet.tail]),
        rejected: result.rejected.map((k) => [k.triplet.head, k.triplet.relation, k.triplet.tail]),
        coverage: result.coverage as unknown as JsonObject,
        linking: linkingMode(options.fuzzyLink),
        kg: options.primekg ?? 'mini-KG',
        ...(built.kge
          ? {
              kge: describeTraining(built.kge),
              kgeAccuracy: built.kge.calibration.accuracy,
              kgeHeldOut: built.kge.calibration.positives,
            }
          : {}),
      };
      return state;
    },
  };
}

export const kgarevion = defineAgent({
  name: 'kgarevion',
  description:
    'KGARevion (Su et al., ICLR 2025): Generate triplets, Review them against a KG (Revise inside), Answer; full kg-triplet audit trail',
  accepts: ['mcq', 'yes-no', 'kgqa'],
  roles: ['judge'],
  args: kgarevionArgs,
  createSolver: kgarevionSolver,
  scorers: () => [coverageScorer()],
  metrics: () => [coverageMetric()],
});
