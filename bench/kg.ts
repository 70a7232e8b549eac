// KG bench: a Hetionet-size generated graph (47k nodes, 2.25M edges) built in memory and loaded
// back from Hetionet TSV/SIF files (time, peak RSS), 2-hop extraction latency (p50/p95, uncapped
// and with a degree cap), one KGE epoch per model, an optional PrimeKG-size build (129k nodes,
// 8.1M edge rows), and networkx on the same files and seeds in the same run where python3 has it.
// Each phase runs in its own child process so its peak RSS is its own.
// Usage: node --import tsx bench/kg.ts [--scale 1] [--seeds 200] [--dim 32] [--primekg] [--no-kge] [--no-networkx]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateScaleFreeKg } from '../src/kg/generator.js';
import { loadHetionet, writeHetionet } from '../src/kg/loaders.js';
import { kHopSubgraph } from '../src/kg/subgraph.js';
import { KgeTrainer, type KgeKind } from '../src/kg/kge/index.js';
import { createRng } from '../src/stats/random.js';

const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const value = (name: string, fallback: number) =>
  argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

type Result = Record<string, number | string>;

async function child(
  phase: string,
  dir: string,
  options: { scale: number; seeds: number; dim: number },
): Promise<Result> {
  if (phase === 'generate') {
    const started = performance.now();
    const graph = generateScaleFreeKg({ seed: 1, scale: options.scale });
    const ms = performance.now() - started;
    await writeHetionet(graph, { nodes: join(dir, 'nodes.tsv'), edges: join(dir, 'edges.sif') });
    // Seeds for the 2-hop queries, shared with networkx.
    const rng = createRng(7);
    writeFileSync(
      join(dir, 'seeds.json'),
      JSON.stringify(Array.from({ length: options.seeds }, () => graph.nodeId(rng.int(graph.nodeCount)))),
    );
    return {
      nodes: graph.nodeCount,
      edges: graph.edgeCount,
      buildMs: ms,
      typedMb: graph.typedBytes() / 2 ** 20,
      peakRssMb: peakRssMb(),
    };
  }
  if (phase === 'primekg') {
    const started = performance.now();
    const graph = generateScaleFreeKg({ seed: 1, nodeScale: 129375 / 47031, edgeScale: 8100498 / 2250197 });
    return {
      nodes: graph.nodeCount,
      edges: graph.edgeCount,
      buildMs: performance.now() - started,
      typedMb: graph.typedBytes() / 2 ** 20,
      peakRssMb: peakRssMb(),
    };
  }
  if (phase === 'load') {
    const started = performance.now();
    const { graph } = await loadHetionet({ nodes: join(dir, 'nodes.tsv'), edges: join(dir, 'edges.sif') });
    const loadMs = performance.now() - started;
    const loadRss = peakRssMb();
    const seeds = (JSON.parse(readFileSync(join(dir, 'seeds.json'), 'utf8')) as string[]).map((id) =>
      graph.indexOf(id),
    );
    const run = (maxDegree?: number, edges = true) => {
      const times: number[] = [];
      let nodes = 0;
      for (const seed of seeds) {
        const t0 = performance.now();
        const sub = kHopSubgraph(graph, [seed], { hops: 2, edges, ...(maxDegree ? { maxDegree } : {}) });
        times.push(performance.now() - t0);
        nodes += sub.nodes.length;
      }
      return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), meanNodes: nodes / seeds.length };
    };
    run(50); // warm-up
    const uncapped = run(undefined, false);
    const withEdges = run();
    const capped = run(50);
    return {
      nodes: graph.nodeCount,
      edges: graph.edgeCount,
      loadMs,
      peakRssMb: loadRss,
      hop2P50Ms: uncapped.p50,
      hop2P95Ms: uncapped.p95,
      hop2MeanNodes: uncapped.meanNodes,
      hop2EdgesP50Ms: withEdges.p50,
      hop2EdgesP95Ms: withEdges.p95,
      hop2CappedP50Ms: capped.p50,
      hop2CappedP95Ms: capped.p95,
      hop2CappedMeanNodes: capped.meanNodes,
    };
  }
  if (phase.startsWith('kge-')) {
    const kind = phase.slice(4) as KgeKind;
    const graph = generateScaleFreeKg({ seed: 1, scale: options.scale });
    const trainer = new KgeTrainer(graph, graph.triples(), { kind, dim: options.dim, seed: 1, batchSize: 512 });
    const started = performance.now();
    const loss = trainer.epoch();
    const ms = performance.now() - started;
    return {
      kind,
      dim: options.dim,
      triples: graph.edgeCount,
      epochMs: ms,
      usPerTriple: (ms * 1000) / graph.edgeCount,
      loss: Number(loss.toFixed(4)),
      peakRssMb: peakRssMb(),
    };
  }
  throw new Error(`unknown phase ${phase}`);
}

const NETWORKX = `
import json, resource, sys, time
import networkx as nx
d = sys.argv[1]
t0 = time.perf_counter()
G = nx.Graph()
with open(d + '/edges.sif') as f:
    next(f)
    G.add_edges_from(tuple(line.rstrip('\\n').split('\\t')[::2]) for line in f)
with open(d + '/nodes.tsv') as f:
    next(f)
    G.add_nodes_from(line.split('\\t', 1)[0] for line in f)
load = (time.perf_counter() - t0) * 1000
seeds = json.load(open(d + '/seeds.json'))
nx.single_source_shortest_path_length(G, seeds[0], cutoff=2)
times, nodes = [], 0
for s in seeds:
    t = time.perf_counter()
    nodes += len(nx.single_source_shortest_path_length(G, s, cutoff=2))
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({'version': nx.__version__, 'nodes': G.number_of_nodes(), 'undirectedEdges': G.number_of_edges(), 'loadMs': load,
  'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'hop2P50Ms': times[len(times) // 2],
  'hop2P95Ms': times[min(len(times) - 1, int(0.95 * len(times)))], 'hop2MeanNodes': nodes / len(seeds)}))
`;

function runChild(phase: string, dir: string, extra: string[]): Result {
  const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--child', phase, dir, ...extra], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Result;
}

const fmt = (x: number | string | undefined, digits = 1) =>
  typeof x === 'number' ? x.toFixed(digits) : String(x ?? '-');

if (argv[0] === '--child') {
  const [, phase, dir, ...rest] = argv;
  const get = (name: string, fallback: number) =>
    rest.includes(`--${name}`) ? Number(rest[rest.indexOf(`--${name}`) + 1]) : fallback;
  const result = await child(phase!, dir!, { scale: get('scale', 1), seeds: get('seeds', 200), dim: get('dim', 32) });
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const scale = value('scale', 1);
  const extra = ['--scale', String(scale), '--seeds', String(value('seeds', 200)), '--dim', String(value('dim', 32))];
  const dir = mkdtempSync(join(tmpdir(), 'medkit-kg-bench-'));
  try {
    console.log(`KG bench: scale ${scale} (Hetionet size at 1), node ${process.version}, ${new Date().toISOString()}`);
    const generated = runChild('generate', dir, extra);
    console.log(
      `generate+build  ${generated.nodes} nodes, ${generated.edges} edges: ${fmt(generated.buildMs, 0)} ms, typed arrays ${fmt(generated.typedMb)} MB, peak RSS ${fmt(generated.peakRssMb, 0)} MB`,
    );
    const loaded = runChild('load', dir, extra);
    console.log(`load TSV+SIF    ${fmt(loaded.loadMs, 0)} ms, peak RSS ${fmt(loaded.peakRssMb, 0)} MB`);
    console.log(
      `2-hop nodes     p50 ${fmt(loaded.hop2P50Ms, 3)} ms, p95 ${fmt(loaded.hop2P95Ms, 3)} ms, mean ${fmt(loaded.hop2MeanNodes, 0)} nodes (uncapped, node set only: what networkx computes)`,
    );
    console.log(
      `2-hop subgraph  p50 ${fmt(loaded.hop2EdgesP50Ms, 3)} ms, p95 ${fmt(loaded.hop2EdgesP95Ms, 3)} ms (uncapped, traversed edges recorded)`,
    );
    console.log(
      `2-hop cap 50    p50 ${fmt(loaded.hop2CappedP50Ms, 3)} ms, p95 ${fmt(loaded.hop2CappedP95Ms, 3)} ms, mean ${fmt(loaded.hop2CappedMeanNodes, 0)} nodes`,
    );
    if (!flag('no-kge')) {
      for (const kind of ['transe', 'distmult', 'rotate']) {
        const epoch = runChild(`kge-${kind}`, dir, extra);
        console.log(
          `KGE epoch ${kind.padEnd(8)} dim ${epoch.dim}: ${fmt(Number(epoch.epochMs) / 1000, 1)} s for ${epoch.triples} triples (${fmt(epoch.usPerTriple, 2)} µs/triple, 1 negative each), loss ${epoch.loss}`,
        );
      }
    }
    if (flag('primekg')) {
      const prime = runChild('primekg', dir, extra);
      console.log(
        `PrimeKG-size    ${prime.nodes} nodes, ${prime.edges} edge rows: build ${fmt(prime.buildMs, 0)} ms, typed arrays ${fmt(prime.typedMb)} MB, peak RSS ${fmt(prime.peakRssMb, 0)} MB`,
      );
    }
    const hasNetworkx =
      !flag('no-networkx') && spawnSync('python3', ['-c', 'import networkx'], { stdio: 'ignore' }).status === 0;
    if (!hasNetworkx) console.log('networkx: skipped (python3 -c "import networkx" failed or --no-networkx)');
    else {
      const nx = JSON.parse(
        execFileSync('python3', ['-c', NETWORKX, dir], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim(),
      ) as Result;
      console.log(
        `networkx ${nx.version}  load ${fmt(nx.loadMs, 0)} ms, peak RSS ${fmt(nx.peakRssMb, 0)} MB; 2-hop p50 ${fmt(nx.hop2P50Ms, 3)} ms, p95 ${fmt(nx.hop2P95Ms, 3)} ms, mean ${fmt(nx.hop2MeanNodes, 0)} nodes`,
      );
      const same =
        Math.abs(Number(nx.hop2MeanNodes) - Number(loaded.hop2MeanNodes)) < 1e-9
          ? 'same 2-hop node sets sizes'
          : 'DIFFERENT 2-hop sizes';
      console.log(
        `ratios (networkx / medkit): load ${fmt(Number(nx.loadMs) / Number(loaded.loadMs), 2)}x, peak RSS ${fmt(Number(nx.peakRssMb) / Number(loaded.peakRssMb), 2)}x, 2-hop p50 ${fmt(Number(nx.hop2P50Ms) / Number(loaded.hop2P50Ms), 2)}x, p95 ${fmt(Number(nx.hop2P95Ms) / Number(loaded.hop2P95Ms), 2)}x (${same})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
