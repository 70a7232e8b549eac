// bench/view: `medkit view` on a run of N samples (default 1,000,000; test/view/fixtures.ts writeBigRun):
// the first /api/run (builds the byte-offset index by streaming samples.jsonl), then page requests
// (plain pages anywhere in the run, filtered, sorted) with p50/p95, and the viewer's peak RSS, in a
// child process of its own. Reference in the same run: JSON.parse of every line of the same file
// (what any index of it has to do at least). Goals at 1M: index ≤ 8 s, page p95 ≤ 40 ms, RSS ≤ 400 MB.
// Usage: node --import tsx bench/view.ts [--samples 1000000] [--pages 200]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const samples = argument('samples', 1_000_000);
const pages = argument('pages', 200);

if (process.argv.includes('--child')) {
  const runsDir = process.argv[process.argv.indexOf('--child') + 1]!;
  const { createViewer } = await import('../src/server/app.js');
  const viewer = createViewer({ runsDir });
  const request = async (path: string) => {
    const started = performance.now();
    const response = await viewer.app.request(path);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
    return performance.now() - started;
  };
  const indexMs = await request('/api/run?run=big');
  const times: Record<string, number[]> = { page: [], filtered: [], sorted: [] };
  for (let round = 0; round < pages; round++) {
    const page = Math.floor(((round * 7919) % samples) / 50);
    times.page!.push(await request(`/api/samples?run=big&page=${page}&pageSize=50`));
    if (round % 10 === 0) {
      times.filtered!.push(
        await request(`/api/samples?run=big&score=accuracy&min=0.5&group=category%3Dc${round % 7}&page=3&pageSize=50`),
      );
      times.sorted!.push(await request(`/api/samples?run=big&sort=tokens&desc=${round % 2}&page=${round}&pageSize=50`));
    }
  }
  viewer.close();
  const quantile = (values: number[], q: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  const line = Object.entries(times)
    .map(
      ([kind, values]) =>
        `${kind} p50 ${quantile(values, 0.5).toFixed(1)} ms p95 ${quantile(values, 0.95).toFixed(1)} ms`,
    )
    .join('; ');
  const rss = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  console.log(`index_ms=${indexMs.toFixed(0)} ${line}; peak_rss_mb=${rss.toFixed(0)}`);
  process.exit(0);
}

const { writeBigRun } = await import('../test/view/fixtures.js');
const temp = mkdtempSync(join(tmpdir(), 'medkit-bench-view-'));
try {
  const runsDir = join(temp, 'runs');
  let started = performance.now();
  const directory = writeBigRun(runsDir, samples);
  const file = join(directory, 'samples.jsonl');
  console.log(
    `samples=${samples} file=${(statSync(file).size / 2 ** 20).toFixed(0)} MB written in ${((performance.now() - started) / 1000).toFixed(1)} s; load ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  // Reference: read the file and JSON.parse every line, nothing kept.
  started = performance.now();
  const text = readFileSync(file, 'utf8');
  let start = 0;
  let parsed = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    JSON.parse(text.slice(start, end));
    parsed++;
    start = end + 1;
  }
  const referenceMs = performance.now() - started;
  console.log(`reference: read + JSON.parse of ${parsed} lines ${referenceMs.toFixed(0)} ms`);
  const result = execFileSync(
    process.execPath,
    ['--import', 'tsx', process.argv[1]!, '--child', runsDir, '--samples', String(samples), '--pages', String(pages)],
    {
      encoding: 'utf8',
    },
  ).trim();
  const indexMs = Number(/index_ms=(\d+)/.exec(result)?.[1]);
  console.log(`viewer: ${result}`);
  console.log(
    `index build / parse reference = ${(indexMs / referenceMs).toFixed(2)} (goals at 1M: index <= 8 s, page p95 <= 40 ms, RSS <= 400 MB)`,
  );
} finally {
  rmSync(temp, { recursive: true, force: true });
}
