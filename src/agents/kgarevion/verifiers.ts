// Review: link a triplet onto the KG, apply the unlinkable policy, then ask a pluggable verifier.
// Verifiers: exact edge (KG lookup, undirected), KGE score vs a calibrated threshold, LLM judge
// (softmax over the True/False log-probabilities where the provider gives them), composite.
import type { JsonObject } from '../../core/index.js';
import type { KnowledgeGraph } from '../../kg/graph.js';
import { type EntityLinker, graphRelationsFor, linkRelation, relationFits } from '../../kg/linking.js';
import { describeEdge, kHopSubgraph } from '../../kg/subgraph.js';
import { judgePrompt } from './prompts.js';
import type { LinkedTriplet, Triplet, TripletVerifier, UnlinkablePolicy, Verdict, VerifyContext } from './types.js';

export interface KgBinding {
  graph: KnowledgeGraph;
  linker: EntityLinker;
  /** Sources of facts between two nodes, where the KG knows them (the mini-KG does). */
  sourcesBetween?: (a: number, b: number) => string[];
  /**
   * Fuzzy entity linking with this minimum score (`--arg fuzzyLink=0.85`); undefined (default) links on
   * exact names, synonyms, cross-references and normalised forms only.
   */
  fuzzyLink?: number;
}

/** All stored relations between two nodes, either direction, as text. */
function edgesBetween(kg: KgBinding, a: number, b: number): string[] {
  const found = [
    ...kg.graph.relationsFrom(a, b).map((r) => describeEdge(kg.graph, a, r, b)),
    ...kg.graph.relationsFrom(b, a).map((r) => describeEdge(kg.graph, b, r, a)),
  ];
  return [...new Set(found)];
}

export function exactEdgeVerifier(kg: KgBinding): TripletVerifier {
  return {
    name: 'exact-edge',
    async verify({ head, relation, tail }) {
      const relations = graphRelationsFor(kg.graph, relation.relation);
      const label = relations.length > 0 && kg.graph.hasEdge(head.node, tail.node, relations, true);
      const between = edgesBetween(kg, head.node, tail.node);
      return {
        label,
        pTrue: label ? 1 : 0,
        reason: 'exact-edge',
        evidence: {
          matched: label,
          edgesBetween: between,
          sources: kg.sourcesBetween?.(head.node, tail.node) ?? [],
        },
      };
    },
  };
}

/** Anything that scores (head, relation, tail) by graph indices; higher = more plausible. */
export interface TripleScorer {
  readonly model: string;
  score(head: number, relation: number, tail: number): number;
  /** Calibrated decision threshold (score >= threshold means true). */
  readonly threshold: number;
}

export function kgeVerifier(kg: KgBinding, scorer: TripleScorer): TripletVerifier {
  return {
    name: `kge-${scorer.model}`,
    async verify({ head, relation, tail }): Promise<Omit<Verdict, 'linked'>> {
      const relations = graphRelationsFor(kg.graph, relation.relation);
      if (relations.length === 0)
        return {
          label: false,
          pTrue: 0,
          reason: 'kge',
          evidence: { note: `no graph relation for '${relation.relation}'` },
        };
      // Undirected, as the prompt declares: the best score over the relation's graph indices and both directions.
      let best = -Infinity;
      for (const r of relations)
        best = Math.max(best, scorer.score(head.node, r, tail.node), scorer.score(tail.node, r, head.node));
      const margin = best - scorer.threshold;
      return {
        label: best >= scorer.threshold,
        pTrue: Number((1 / (1 + Math.exp(-margin))).toFixed(4)),
        reason: 'kge',
        evidence: {
          model: scorer.model,
          score: Number(best.toFixed(4)),
          threshold: Number(scorer.threshold.toFixed(4)),
        },
      };
    },
  };
}

/**
 * An LLM judge over the triplet plus the KG neighbourhood of its two entities. pTrue is a softmax
 * over the log-probabilities of "True" and "False" at the first token when the provider returns
 * them (upstream uses a raw-logit ratio of a fine-tuned Llama; documented deviation), else 1/0 from the text.
 */
export function llmJudgeVerifier(kg: KgBinding, options: { neighbours?: number } = {}): TripletVerifier {
  const limit = options.neighbours ?? 20;
  return {
    name: 'llm-judge',
    async verify({ triplet, head, tail }, context: VerifyContext): Promise<Omit<Verdict, 'linked'>> {
      if (!context.generate)
        return { label: false, pTrue: 0.5, reason: 'llm-judge', evidence: { error: 'no model to judge with' } };
      const sub = kHopSubgraph(kg.graph, head.node === tail.node ? [head.node] : [head.node, tail.node], {
        hops: 1,
        maxDegree: limit,
      });
      const facts = sub.edges.slice(0, limit).map((e) => describeEdge(kg.graph, e.head, e.relation, e.tail));
      const output = await context.generate(judgePrompt(triplet, facts), { maxTokens: 3, topLogprobs: 5 });
      const first = output.logprobs?.[0];
      const evidence: JsonObject = { neighbourhood: facts, reply: output.text.slice(0, 80) };
      if (first) {
        const lp = (word: string) => {
          const hits = [first, ...first.top]
            .filter((t) => t.token.trim().toLowerCase() === word.toLowerCase())
            .map((t) => t.logprob);
          return hits.length ? Math.max(...hits) : -Infinity;
        };
        const t = lp('True');
        const f = lp('False');
        if (t > -Infinity || f > -Infinity) {
          const pTrue = t === -Infinity ? 0 : f === -Infinity ? 1 : 1 / (1 + Math.exp(f - t));
          return {
            label: pTrue > 0.5,
            pTrue: Number(pTrue.toFixed(4)),
            reason: 'llm-judge',
            evidence: { ...evidence, method: 'logprob-softmax' },
          };
        }
      }
      const word = /\b(true|false)\b/i.exec(output.text)?.[1]?.toLowerCase();
      if (!word)
        return {
          label: false,
          pTrue: 0.5,
          reason: 'llm-judge',
          evidence: { ...evidence, error: 'reply is neither True nor False' },
        };
      return {
        label: word === 'true',
        pTrue: word === 'true' ? 1 : 0,
        reason: 'llm-judge',
        evidence: { ...evidence, method: 'text' },
      };
    },
  };
}

/**
 * Combines verifiers. 'fallback': the first verifier that says True decides, else the last verdict
 * (e.g. exact edge, then KGE for facts missing from the KG); 'all' / 'any' on labels; 'mean' of pTrue >= 0.5.
 */
export function compositeVerifier(
  verifiers: TripletVerifier[],
  mode: 'fallback' | 'all' | 'any' | 'mean' = 'fallback',
): TripletVerifier {
  if (verifiers.length === 0) throw new Error('compositeVerifier needs at least one verifier');
  return {
    name: `composite-${mode}(${verifiers.map((v) => v.name).join(',')})`,
    async verify(input, context) {
      const verdicts: Omit<Verdict, 'linked'>[] = [];
      for (const verifier of verifiers) {
        const verdict = await verifier.verify(input, context);
        verdicts.push(verdict);
        if (mode === 'fallback' && verdict.label) break;
      }
      const parts = verdicts.map((v, index) => ({
        verifier: verifiers[index]!.name,
        label: v.label,
        pTrue: v.pTrue,
        evidence: v.evidence,
      }));
      const meanP = verdicts.reduce((sum, v) => sum + v.pTrue, 0) / verdicts.length;
      const label =
        mode === 'fallback'
          ? verdicts.at(-1)!.label
          : mode === 'all'
            ? verdicts.every((v) => v.label)
            : mode === 'any'
              ? verdicts.some((v) => v.label)
              : meanP >= 0.5;
      const pTrue = mode === 'fallback' ? verdicts.at(-1)!.pTrue : meanP;
      return { label, pTrue: Number(pTrue.toFixed(4)), reason: this.name, evidence: { parts } };
    },
  };
}

/** Links, applies the unlinkable policy, verifies. `undefined` = dropped (policy 'drop'). */
export async function reviewTriplet(
  kg: KgBinding,
  verifier: TripletVerifier,
  triplet: Triplet,
  policy: UnlinkablePolicy,
  context: VerifyContext,
): Promise<Verdict | undefined> {
  const linkOptions = kg.fuzzyLink === undefined ? {} : { fuzzy: kg.fuzzyLink };
  const head = kg.linker.best(triplet.head, linkOptions);
  const tail = kg.linker.best(triplet.tail, linkOptions);
  const relation = linkRelation(triplet.relation, { headType: head?.type, tailType: tail?.type });
  const linked = { head, relation, tail };
  const missing = [!head && 'head', !tail && 'tail', !relation && 'relation'].filter(Boolean) as string[];
  if (missing.length) {
    const evidence: JsonObject = { unlinkable: missing, policy };
    if (policy === 'drop') return undefined;
    if (policy === 'keep') return { label: true, pTrue: 0.5, linked, reason: 'unlinkable-keep', evidence };
    return { label: false, pTrue: 0.5, linked, reason: 'unlinkable-reject', evidence };
  }
  const fits = relationFits(relation!.relation, head!.type, tail!.type);
  const verdict = await verifier.verify({ triplet, head: head!, relation: relation!, tail: tail! }, context);
  return {
    ...verdict,
    linked,
    evidence: {
      ...verdict.evidence,
      ...(fits ? {} : { schemaMismatch: `${relation!.relation} does not link ${head!.type} and ${tail!.type}` }),
    },
  };
}
