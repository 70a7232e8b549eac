// One GALAX run on one case: LLM step 1 → gene extraction → candidate set → reward-guided subgraph
// search → LLM step 2 → gene extraction. Without an agent model, steps 1 and 2 are skipped (and
// recorded as skipped) and the prediction is the subgraph's genes: the graph-only variant.
import {
  assistantMessage,
  inputText,
  userMessage,
  type JsonValue,
  type SolverContext,
  type TaskState,
} from '../../core/index.js';
import { extractGeneSymbols, normaliseSymbol } from '../../scoring/gene-set.js';
import { buildCandidates } from './candidates.js';
import { asJson, caseOfSample, relationPairs, type TargetCase } from './case.js';
import type { GraphClassifier } from './classifier.js';
import { nodeInputs } from './features.js';
import { buildPpi, readPpiFile, type PpiNetwork } from './ppi.js';
import { reinforceSubgraph, type ReinforceOptions, type ReinforceReport } from './reinforce.js';
import { searchSubgraph, type SearchOptions, type SearchResult } from './search.js';
import { proxyClassifier, referenceClassifier, type ClassifierTraining } from './training.js';

export interface GalaxOptions extends SearchOptions {
  /** How the reference classifier's examples are drawn (default 'subgraphs'). */
  classifierTraining?: ClassifierTraining;
  /** Settings of the REINFORCE policy (policy = 'reinforce'). */
  reinforce?: Pick<ReinforceOptions, 'epochs' | 'stepsPerEpoch' | 'learningRate' | 'samples'>;
  /** Gene extraction from LLM replies: dictionary match over the PPI network's symbols. */
  caseInsensitive?: boolean;
}

function caseSymbols(targetCase: TargetCase): string[] {
  return [
    ...targetCase.topGenes,
    ...targetCase.topTranscripts,
    ...targetCase.topProteins,
    ...targetCase.diseaseProteins,
    ...targetCase.ppiNeighbors,
    ...relationPairs(targetCase.relations).flat(),
  ];
}

async function networkOf(state: TaskState, targetCase: TargetCase): Promise<{ ppi: PpiNetwork; source: string }> {
  const path = state.sample.files?.ppi;
  if (path) return { ppi: await readPpiFile(path), source: path };
  return { ppi: buildPpi(relationPairs(targetCase.relations), caseSymbols(targetCase)), source: 'case relations' };
}

/** Upstream's step-2 prompt carries the step-1 context and the subgraph, not the step-1 answer. */
export function refinePrompt(question: string, result: SearchResult | undefined): string {
  const genes = result?.genes ?? [];
  const lines =
    result && result.edges.length > 0
      ? result.edges.map(([a, b]) => `${a} -> ${b}`)
      : ['(the graph search produced no subgraph)'];
  return [
    question,
    '',
    'A reward-guided search over the protein-protein interaction network selected this subgraph:',
    `- Genes in the subgraph: ${genes.length > 0 ? genes.join(', ') : '(none)'}`,
    '- Interactions (a likely signalling cascade):',
    ...lines,
    '',
    'Refine your list with this subgraph in mind. Answer with the gene symbols, most important first, comma-separated.',
  ].join('\n');
}

export async function runGalax(state: TaskState, context: SolverContext, options: GalaxOptions): Promise<TaskState> {
  const targetCase = caseOfSample(state.sample);
  const { ppi, source } = await networkOf(state, targetCase);
  const dictionary = new Set([...ppi.symbols(), ...caseSymbols(targetCase).map(normaliseSymbol)]);
  const extract = (text: string) => extractGeneSymbols(text, dictionary, { caseInsensitive: options.caseInsensitive });
  const useModel = context.hasRole('agent');
  const question = inputText(state.sample);

  // LLM step 1
  let step1: string[] = [];
  if (useModel) {
    const output = await context.generate(
      { messages: state.messages, config: { ...context.generateConfig } },
      { role: 'agent' },
    );
    state.messages.push(assistantMessage(output.text));
    step1 = extract(output.text);
    if (step1.length === 0)
      context.record({
        type: 'info',
        message: 'step 1: the reply names no known gene symbol; the search starts without LLM genes',
      });
  } else {
    context.record({
      type: 'info',
      message: 'no agent model: LLM steps 1 and 2 skipped; the prediction is the subgraph search alone',
    });
  }

  // Candidates, reward classifier, search
  const X = nodeInputs(ppi, targetCase.omics, targetCase);
  const candidates = buildCandidates(targetCase, ppi, step1);
  if (candidates.unknown.length > 0) {
    context.record({
      type: 'info',
      message: `${candidates.unknown.length} gene symbols are not in the PPI network (${source}) and were left out`,
      data: candidates.unknown.slice(0, 50),
    });
  }
  let classifier: GraphClassifier;
  const reference = state.sample.files?.reference;
  if (reference) classifier = await referenceClassifier(reference, ppi, options.seed ?? 0, options.classifierTraining);
  else classifier = proxyClassifier(X, candidates.candidates, ppi, context.seed);

  let result: SearchResult | undefined;
  let training: ReinforceReport | undefined;
  if (candidates.start.length === 0 || candidates.candidates.length < 2) {
    context.record({
      type: 'evidence',
      kind: 'galax-subgraph',
      title: 'empty subgraph',
      data: {
        empty: true,
        reason:
          candidates.start.length === 0
            ? 'no start node: no disease protein, LLM gene or omics gene is in the PPI network'
            : 'fewer than 2 candidate nodes',
        counts: candidates.counts,
      },
    });
  } else {
    const seed = options.seed ?? context.seed;
    if (options.policy === 'reinforce') {
      const reinforced = reinforceSubgraph(candidates.start, candidates.candidates, classifier, ppi, X, {
        ...options.reinforce,
        maxSteps: options.maxSteps,
        maxNodes: options.maxNodes,
        reward: options.reward,
        seed,
        roles: candidates.roles,
        signal: context.signal,
      });
      training = reinforced.training;
      result = reinforced;
    } else {
      result = searchSubgraph(candidates.start, candidates.candidates, classifier, ppi, X, {
        ...options,
        seed,
        signal: context.signal,
      });
    }
    recordSubgraph(context, result, candidates, classifier, training);
  }
  const graphGenes = result?.genes ?? [];

  // LLM step 2
  let prediction = graphGenes;
  let step2: string[] | undefined;
  if (useModel) {
    const prompt = refinePrompt(question, result);
    state.messages.push(userMessage(prompt));
    const output = await context.generate(
      { messages: [userMessage(prompt)], config: { ...context.generateConfig } },
      { role: 'agent' },
    );
    state.messages.push(assistantMessage(output.text));
    state.output = output;
    step2 = extract(output.text);
    prediction = step2;
    if (step2.length === 0)
      context.record({
        type: 'info',
        message: 'step 2: the reply names no known gene symbol; the prediction is empty',
      });
  } else {
    const text = graphGenes.join(', ');
    state.output = { ...state.output, text, finishReason: 'stop' };
    state.messages.push(assistantMessage(text));
  }
  state.metadata.predictedGenes = prediction;
  state.metadata.graphGenes = graphGenes;
  if (useModel) state.metadata.step1Genes = step1;
  state.metadata.galax = asJson({
    step1Genes: useModel ? step1 : null,
    graphGenes,
    step2Genes: step2 ?? null,
    ppiSource: source,
    classifier: classifier.report ?? null,
    search: result
      ? {
          policy: result.policy,
          steps: result.steps.length,
          stopReason: result.stopReason,
          probability: result.selectedProbability,
          rewardEvaluations: result.rewardEvaluations,
        }
      : null,
    reinforce: training ?? null,
  });
  return state;
}

function recordSubgraph(
  context: SolverContext,
  result: SearchResult,
  candidates: ReturnType<typeof buildCandidates>,
  classifier: GraphClassifier,
  training?: ReinforceReport,
): void {
  context.record({
    type: 'evidence',
    kind: 'galax-subgraph',
    title: `${result.policy} search: ${result.genes.length} genes, P(class 1) = ${result.selectedProbability.toFixed(3)}`,
    data: asJson({
      policy: result.policy,
      startSource: candidates.startSource,
      counts: candidates.counts,
      candidates: candidates.candidates.length,
      steps: result.steps,
      genes: result.genes,
      selectedProbability: result.selectedProbability,
      stopReason: result.stopReason,
      rewardEvaluations: result.rewardEvaluations,
      classifier: classifier.report ?? null,
      reinforce: training ?? null,
    }),
  });
  const byEdge = new Map(result.steps.map((step) => [[...step.edge].sort().join('\u0000'), step]));
  for (const [head, tail] of result.edges) {
    const step = byEdge.get([head, tail].sort().join('\u0000'));
    context.record({
      type: 'evidence',
      kind: 'kg-triplet',
      data: {
        head,
        relation: 'protein_protein',
        tail,
        verdict: step ? 'chosen by search' : 'added by PPI completion',
        evidence: (step ? { step: step.step, ...step.terms } : { completion: true }) as JsonValue,
      },
    });
  }
}
