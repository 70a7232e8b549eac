// bench/synth: `medkit synth` generate + verify against two loopback OpenAI-compatible servers that take
// 300–800 ms per generation and 200–500 ms per verification (uniform, seeded) and serve at most 64 requests
// at once (more wait in the server's queue). The rate the servers allow is min(64 / E[generation],
// 64 / E[verification]) = 64 / 0.55 s ≈ 116 figures/s; the pipeline's rate is compared with it (goal ≥ 0.9),
// and the peak RSS of the pipeline's process (a child: the servers run in this one) with 300 MB.
//
//   node --import tsx bench/synth.ts [--figures 100000] [--concurrency 128] [--connections 64]
//
// The pipeline is the command's: LLM roles bound with the runner's middleware (retries, a gate of
// --connections requests per role, timeout; cache off, as a first run), figures streamed from a generator of
// keys sharing one 64×64 PNG, the stage file, the second pass (rebalance, items, HF output, subsets).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const figures = flag('figures', 100_000);
const concurrency = flag('concurrency', 128);
const connections = flag('connections', 64);
const SERVER_CAP = 64;
const GENERATION_MS = [300, 800] as const;
const VERIFICATION_MS = [200, 500] as const;

async function child(): Promise<void> {
  const sharp = (await import('sharp')).default;
  const { bindSynthRole, llmGenerator, llmVerifier } = await import('../src/synth/llm-roles.js');
  const { runSynth } = await import('../src/synth/pipeline.js');
  const out = process.argv[process.argv.indexOf('--out') + 1]!;
  const image = join(out, 'figure.png');
  writeFileSync(
    image,
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .png()
      .toBuffer(),
  );
  async function* stream() {
    for (let i = 0; i < figures; i++)
      yield {
        key: `fig-${i}`,
        images: [image],
        caption: `Axial CT image ${i} of a hypodense liver lesion.`,
        mentions: [],
      };
  }
  const options = { maxRetries: 4, timeoutMs: 30_000, connections };
  const gen = await bindSynthRole('openai:bench-generator', { ...options, baseUrl: process.env.GEN_URL });
  const ver = await bindSynthRole('openai:bench-verifier', { ...options, baseUrl: process.env.VER_URL });
  const floorRssMb = process.memoryUsage().rss / 2 ** 20; // modules loaded, nothing run
  const cpuBefore = process.cpuUsage();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const started = performance.now();
  let firstPassEnd = 0;
  const summary = await runSynth({
    out: join(out, 'run'),
    figures: stream(),
    source: 'bench',
    preset: 'mean9670',
    concurrency,
    generator: llmGenerator(gen, 3),
    verifier: llmVerifier(ver, 3),
    onFirstPassDone: () => {
      firstPassEnd = performance.now();
    },
  });
  const total = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  console.log(
    JSON.stringify({
      figures: summary.figures,
      failed: summary.failed,
      written: summary.written,
      firstPassSeconds: (firstPassEnd - started) / 1000,
      totalSeconds: total,
      peakRssMb: peak / 2 ** 20,
      floorRssMb,
      // CPU time of the pipeline's process per figure (user + system): what load on the machine cannot change
      cpuMsPerFigure: (cpu.user + cpu.system) / 1000 / Math.max(1, summary.figures),
    }),
  );
}

async function parent(): Promise<void> {
  const { startLoopbackServer } = await import('../test/support/loopback-server.js');
  const { createRng } = await import('../src/stats/random.js');
  const { ESSENTIAL_TITLES } = await import('../src/scoring/medvlsynther-rubric.js');
  const mcq = JSON.stringify({
    question: 'An axial CT image of the abdomen is shown. Which diagnosis best explains the liver finding?',
    options: { A: 'Simple cyst', B: 'Abscess', C: 'Haemangioma', D: 'Metastasis', E: 'Focal fat' },
    answer: 'C',
  });
  const rubric = JSON.stringify({
    rubric: [
      ...ESSENTIAL_TITLES.map((title, i) => ({ idx: i + 1, title, category: 'Essential', weight: 5, score: 5 })),
      { idx: 8, title: 'Parallel Options', category: 'Important', weight: 3, score: 3 },
    ],
  });
  /** A server that answers after a uniform latency and holds at most SERVER_CAP requests at once. */
  const capped = (reply: string, [low, high]: readonly [number, number], seed: number) => {
    const rng = createRng(seed);
    let active = 0;
    let peakActive = 0;
    const queue: Array<() => void> = [];
    const script = async () => {
      if (active >= SERVER_CAP) await new Promise<void>((resolve) => queue.push(resolve));
      active++;
      peakActive = Math.max(peakActive, active);
      await new Promise((resolve) => setTimeout(resolve, low + rng.next() * (high - low)));
      active--;
      queue.shift()?.();
      return reply;
    };
    return { script, peak: () => peakActive };
  };
  const generation = capped(mcq, GENERATION_MS, 1);
  const verification = capped(rubric, VERIFICATION_MS, 2);
  const genServer = await startLoopbackServer({ script: generation.script, record: false });
  const verServer = await startLoopbackServer({ script: verification.script, record: false });
  const out = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', process.argv[1]!, '--child', '--out', out, ...process.argv.slice(2)],
        {
          env: { ...process.env, GEN_URL: genServer.baseURL, VER_URL: verServer.baseURL, OPENAI_API_KEY: 'bench' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let stdout = '';
      proc.stdout.on('data', (chunk) => (stdout += chunk));
      proc.on('error', reject);
      proc.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`child exited ${code}`))));
    });
    const result = JSON.parse(text.trim().split('\n').pop()!);
    const meanGen = (GENERATION_MS[0] + GENERATION_MS[1]) / 2000;
    const meanVer = (VERIFICATION_MS[0] + VERIFICATION_MS[1]) / 2000;
    const allowed = Math.min(SERVER_CAP / meanGen, SERVER_CAP / meanVer, connections / meanGen);
    const rate = result.figures / result.firstPassSeconds;
    console.log(
      JSON.stringify(
        {
          ...result,
          concurrency,
          connections,
          allowedPerSecond: Number(allowed.toFixed(1)),
          figuresPerSecond: Number(rate.toFixed(1)),
          ratio: Number((rate / allowed).toFixed(3)),
          secondPassSeconds: Number((result.totalSeconds - result.firstPassSeconds).toFixed(1)),
          serverPeakInFlight: { generation: generation.peak(), verification: verification.peak() },
          // the rate one core allows the pipeline at that CPU cost, against the servers' rate
          cpuBoundPerSecond: Number((1000 / result.cpuMsPerFigure).toFixed(1)),
          loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))),
        },
        null,
        2,
      ),
    );
  } finally {
    await genServer.close();
    await verServer.close();
    rmSync(out, { recursive: true, force: true });
  }
}

await (process.argv.includes('--child') ? child() : parent());
