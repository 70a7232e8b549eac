import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/kg/graph.js';
import { findPaths, kHopSubgraph } from '../../src/kg/subgraph.js';
import { generateScaleFreeKg } from '../../src/kg/generator.js';
import { loadMiniKg, parseMiniKg } from '../../src/kg/minikg.js';
import { KGAREVION_RELATIONS, kgarevionRelationOf } from '../../src/kg/schema.js';

function star() {
  const b = new GraphBuilder();
  const hub = b.addNode('hub', 'gene/protein', 'HUB');
  const r = b.relation('protein_protein', 'ppi');
  const leaves = Array.from({ length: 10 }, (_, i) => b.addNode(`l${i}`, 'gene/protein', `L${i}`));
  for (const leaf of leaves) b.addEdge(hub, r, leaf);
  const far = b.addNode('far', 'disease', 'far disease');
  b.addEdge(far, b.relation('disease_protein', 'associated with'), leaves[0]!);
  b.addNode('alone', 'drug', 'Lonely');
  return { graph: b.build(), hub, leaves, far };
}

test('CSR store: degrees, sorted rows, undirected edge lookup, type and name indexes', () => {
  const { graph, hub, leaves, far } = star();
  assert.equal(graph.nodeCount, 13);
  assert.equal(graph.edgeCount, 11);
  assert.equal(graph.outDegree(hub), 10);
  assert.equal(graph.degree(leaves[0]!), 2);
  assert.ok(graph.hasEdge(leaves[3]!, hub));
  assert.ok(!graph.hasEdge(leaves[3]!, hub, undefined, false));
  assert.ok(!graph.hasEdge(hub, far));
  assert.deepEqual([...graph.nodesOfType('disease')], [far]);
  assert.deepEqual(graph.findByName('  Far   DISEASE '), [far]);
  assert.deepEqual(graph.relationsNamed('ppi'), [0]);
  assert.throws(() => new GraphBuilder().addEdge(0, 0, 1), /out of range/);
});

test('k-hop: hops, degree cap, maxNodes, empty and isolated seeds', () => {
  const { graph, hub, leaves, far } = star();
  const one = kHopSubgraph(graph, [far], { hops: 1 });
  assert.deepEqual(one.nodes, [far, leaves[0]]);
  assert.equal(one.edges.length, 1);
  const two = kHopSubgraph(graph, [far], { hops: 2 });
  assert.deepEqual(two.nodes.slice(0, 3), [far, leaves[0], hub]);
  const three = kHopSubgraph(graph, [far], { hops: 3 });
  assert.equal(three.nodes.length, 12);
  assert.equal(three.edges.length, 11);
  const capped = kHopSubgraph(graph, [hub], { hops: 1, maxDegree: 3 });
  assert.equal(capped.edges.length, 3);
  assert.deepEqual(capped.capped, [hub]);
  const limited = kHopSubgraph(graph, [hub], { hops: 2, maxNodes: 5 });
  assert.equal(limited.nodes.length, 5);
  assert.ok(limited.truncated);
  const empty = kHopSubgraph(graph, [], { hops: 2 });
  assert.deepEqual([empty.nodes, empty.edges], [[], []]);
  const alone = kHopSubgraph(graph, [graph.indexOf('alone')], { hops: 2 });
  assert.deepEqual([alone.nodes.length, alone.edges.length], [1, 0]);
  assert.throws(() => kHopSubgraph(graph, [99]), /seed 99 is not a node/);
  const typed = kHopSubgraph(graph, [leaves[0]!], { hops: 1, nodeTypes: ['disease'] });
  assert.deepEqual(typed.nodes, [leaves[0], far]);
  const paths = findPaths(graph, far, leaves[5]!, { maxHops: 3 });
  assert.equal(paths.length, 1);
  assert.equal(paths[0]!.length, 3);
});

test('mini-KG: >= 500 sourced facts in PrimeKG schema, stored both ways, every node used', () => {
  const kg = loadMiniKg();
  assert.ok(kg.facts.length >= 500, `${kg.facts.length} facts`);
  assert.equal(kg.graph.edgeCount, kg.facts.length * 2);
  assert.ok(kg.facts.every((f) => f.source.length > 0));
  for (let node = 0; node < kg.graph.nodeCount; node++) assert.ok(kg.graph.degree(node) > 0, kg.graph.nodeName(node));
  const metformin = kg.graph.findByName('metformin')[0]!;
  const t2d = kg.graph.findByName('type 2 diabetes mellitus')[0]!;
  const rel = kg.graph.relationsFrom(metformin, t2d).map((r) => kg.graph.relations[r]!);
  assert.deepEqual(
    rel.map((r) => [r.name, r.display]),
    [['indication', 'indication']],
  );
  assert.deepEqual(kg.sourcesBetween(t2d, metformin), ['FDA']);
  for (const r of kg.graph.relations)
    assert.ok(kgarevionRelationOf(r.name, r.display), `${r.name}/${r.display} maps onto the 18`);
  assert.equal(KGAREVION_RELATIONS.length, 18);
});

test('mini-KG parser: unknown node, wrong types, missing source name file and line', () => {
  const nodes = '# type: drug\nAspirin | ASA\n# type: gene/protein\nPTGS2\n';
  assert.throws(
    () => parseMiniKg(nodes, 'Aspirin\ttarget\tPTGS9\tDrugBank\n'),
    /facts\.tsv:1: tail: 'PTGS9' is not a node/,
  );
  assert.throws(
    () => parseMiniKg(nodes, '# c\nPTGS2\ttarget\tAspirin\tDrugBank\n'),
    /facts\.tsv:2: relation: 'target' does not link gene\/protein -> drug/,
  );
  assert.throws(
    () => parseMiniKg(nodes, 'Aspirin\ttarget\tPTGS2\t\n'),
    /facts\.tsv:1: source: every fact needs a source/,
  );
  assert.throws(() => parseMiniKg(nodes, 'Aspirin\ttarget\n'), /facts\.tsv:1: row: expected 4/);
  const ok = parseMiniKg(nodes, 'Aspirin\ttarget\tPTGS2\tDrugBank\n');
  assert.deepEqual(ok.graph.synonymsOf(0), ['ASA']);
});

test('generator: seeded, Hetionet-shaped at small scale, heavy-tailed degrees', () => {
  const a = generateScaleFreeKg({ seed: 7, scale: 0.01 });
  const b = generateScaleFreeKg({ seed: 7, scale: 0.01 });
  const c = generateScaleFreeKg({ seed: 8, scale: 0.01 });
  assert.equal(a.nodeTypes().length, 11);
  assert.ok(Math.abs(a.nodeCount - 470) < 10, `${a.nodeCount}`);
  assert.ok(Math.abs(a.edgeCount - 22502) < 30, `${a.edgeCount}`);
  assert.deepEqual(a.triples().tails, b.triples().tails);
  assert.notDeepEqual(a.triples().tails, c.triples().tails);
  const genes = [...a.nodesOfType('Gene')].map((g) => a.degree(g)).sort((x, y) => y - x);
  const median = genes[genes.length >> 1]!;
  assert.ok(genes[0]! > 5 * median, `max ${genes[0]} vs median ${median}`);
});
