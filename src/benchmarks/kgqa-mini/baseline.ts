// KG-path baseline (no LLM): link the entities the question names and each option onto the KG;
// an option scores 3 for a direct edge whose relation the question mentions ("indicated for" ->
// indication), 2 for any direct edge, 1 for a 2-hop path, 0 otherwise. The best unique score wins;
// a tie at the top is recorded and the first tied option is given; all zero gives "no answer".
import { choiceLetter, inputText, type JsonObject, type Solver } from '../../core/index.js';
import type { KnowledgeGraph } from '../../kg/graph.js';
import { type EntityLinker, graphRelationsFor, relationsMentioned } from '../../kg/linking.js';
import { describeEdge, findPaths } from '../../kg/subgraph.js';

export interface PathScore {
  option: string;
  score: number;
  evidence: string[];
}

export function scoreOptions(
  graph: KnowledgeGraph,
  linker: EntityLinker,
  question: string,
  options: readonly string[],
): { stem: string[]; scores: PathScore[] } {
  const stem = linker.mentions(question);
  const hinted = new Set(relationsMentioned(question).flatMap((relation) => graphRelationsFor(graph, relation)));
  const scores = options.map((option) => {
    const target = linker.best(option);
    const result: PathScore = { option, score: 0, evidence: [] };
    if (!target) return { ...result, evidence: ['option not in the KG'] };
    for (const entity of stem) {
      if (entity.node === target.node) continue;
      const direct = [
        ...graph.relationsFrom(entity.node, target.node),
        ...graph.relationsFrom(target.node, entity.node),
      ];
      if (direct.length) {
        const score = direct.some((r) => hinted.has(r)) ? 3 : 2;
        if (score > result.score) {
          result.score = score;
          const r = direct.find((d) => hinted.has(d)) ?? direct[0]!;
          result.evidence = [describeEdge(graph, entity.node, r, target.node)];
        }
      } else if (result.score < 1) {
        const paths = findPaths(graph, entity.node, target.node, { maxHops: 2, maxPaths: 1, maxDegree: 200 });
        if (paths.length) {
          result.score = 1;
          result.evidence = paths[0]!.map((t) => describeEdge(graph, t.head, t.relation, t.tail));
        }
      }
    }
    return result;
  });
  return { stem: stem.map((entity) => entity.name), scores };
}

export function kgPathBaseline(kg: () => { graph: KnowledgeGraph; linker: EntityLinker }): Solver {
  return {
    name: 'kg-path-baseline',
    params: { scoring: 'direct edge with mentioned relation 3, direct edge 2, 2-hop path 1', kg: 'mini-KG' },
    async solve(state, context) {
      const { graph, linker } = kg();
      const options = state.sample.choices ?? [];
      const { stem, scores } = scoreOptions(graph, linker, inputText(state.sample), options);
      const best = Math.max(0, ...scores.map((s) => s.score));
      const top = scores.flatMap((s, index) => (s.score === best ? [index] : []));
      const chosen = best > 0 ? top[0] : undefined;
      for (const s of scores) {
        context.record({
          type: 'evidence',
          kind: 'kg-triplet',
          title: `option ${s.option}: ${s.score}`,
          data: { option: s.option, score: s.score, evidence: s.evidence } as JsonObject,
        });
      }
      state.output = {
        ...state.output,
        text: chosen === undefined ? 'no answer' : `ANSWER: ${choiceLetter(chosen)}`,
        finishReason: 'stop',
      };
      state.metadata.kgPath = { stem, best, tie: best > 0 && top.length > 1, scores: scores.map((s) => s.score) };
      return state;
    },
  };
}
