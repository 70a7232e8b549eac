// The KGARevion agent: `--solver kgarevion` on any MCQ / yes-no benchmark, and `medkit agent kgarevion`.
// Args: verifier (exact | kge | llm | composite), maxRound, revise, unlinkable (keep | reject | drop),
// primekg (path to a user-supplied kg.csv; default: medkit's mini-KG).
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
import { trainedScorerFor } from './kge-scorer.js';

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

export async function buildVerifier(name: VerifierName, kg: KgBinding, seed = 1): Promise<TripletVerifier> {
  switch (name) {
    case 'exact':
      return exactEdgeVerifier(kg);
    case 'kge':
      return kgeVerifier(kg, await trainedScorerFor(kg.graph, { seed }));
    case 'llm':
      return llmJudgeVerifier(kg);
    case 'composite':
      return compositeVerifier(
        [exactEdgeVerifier(kg), kgeVerifier(kg, await trainedScorerFor(kg.graph, { seed }))],
        'fallback',
      );
    default:
      throw new ConfigError(`unknown verifier '${String(name)}': use exact, kge, llm or composite`);
  }
}

export function optionsFromArgs(args: JsonObject): KgarevionOptions & { verifier: VerifierName; primekg?: string } {
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
  return {
    verifier,
    unlinkable,
    maxRound,
    revise,
    jsonAttempts,
    ...(typeof args.primekg === 'string' ? { primekg: args.primekg } : {}),
  };
}

export function sampleToItem(
  sample: { id: string; input: unknown; choices?: string[]; target?: unknown },
  text: string,
): QaItem {
  if (sample.choices?.length) return { id: sample.id, question: text, options: sample.choices };
  return { ...parseQuestionText(text, sample.id) };
}

export function kgarevionSolver(benchmarkOptions: BenchmarkOptions): Solver {
  const options = optionsFromArgs(benchmarkOptions.args);
  let verifier: Promise<TripletVerifier> | undefined;
  return {
    name: 'kgarevion',
    params: {
      ...options,
      model: options.verifier === 'kge' || options.verifier === 'composite' ? 'rotate' : null,
    } as JsonObject,
    async solve(state, context) {
      const kg = await kgBinding(options.primekg);
      verifier ??= buildVerifier(options.verifier, kg, benchmarkOptions.seed);
      const item = sampleToItem(state.sample, inputText(state.sample));
      if (item.options.length === 0)
        throw new ConfigError(
          `sample ${state.sample.id}: KGARevion needs options (choices, or "A. ..." lines in the question)`,
        );
      const judgeRole = context.hasRole('judge') ? 'judge' : 'agent';
      const result = await runKgarevion(item, context, kg, await verifier, options, judgeRole);
      state.output = {
        ...state.output,
        text: result.answer ? `ANSWER: ${result.answer}` : 'no answer',
        finishReason: 'stop',
      };
      state.metadata.kgarevion = {
        queryType: result.queryType,
        answer: result.answer ?? null,
        verifier: (await verifier).name,
        kept: result.kept.map((k) => [k.triplet.head, k.triplet.relation, k.triplet.tail]),
        rejected: result.rejected.map((k) => [k.triplet.head, k.triplet.relation, k.triplet.tail]),
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
  args: z.strictObject({
    verifier: z
      .enum(['exact', 'kge', 'llm', 'composite'])
      .default('exact')
      .describe('how Review checks a triplet: KG edge lookup, a trained RotatE score, an LLM judge, or exact then KGE'),
    unlinkable: z
      .enum(['keep', 'reject', 'drop'])
      .default('keep')
      .describe('a triplet that does not link to the KG: keep (as upstream, pTrue 0.5), reject (to Revise) or drop'),
    maxRound: z.number().int().nonnegative().default(1).describe('Revise rounds per rejected triplet'),
    revise: z.boolean().default(true).describe('run the Revise step'),
    jsonAttempts: z.number().int().positive().default(5).describe('tries for a parseable JSON reply per step'),
    primekg: z.string().optional().describe("a PrimeKG kg.csv to review against (default: medkit's mini-KG)"),
  }),
  createSolver: kgarevionSolver,
});
