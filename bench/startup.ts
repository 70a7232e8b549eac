// Start-up of the medkit command: `node bin/medkit.js --help` and `... list` on the compiled dist/ (what
// users run after `npm ci`) against `--help` on the TypeScript sources through tsx (MEDKIT_FROM_SOURCE=1,
// what the bin did before the build step) and against a bare `node -e 0`, in alternating rounds in one
// process; medians are compared, and each is printed as a ratio to `node -e 0` (the floor no command beats).
// Usage: node --import tsx bench/startup.ts [--rounds 7]   (run `npm run build` first)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'medkit.js');
const flag = process.argv.indexOf('--rounds');
const rounds = flag >= 0 ? Number(process.argv[flag + 1]) : 7;
if (!existsSync(join(repo, 'dist', '.build-stamp'))) {
  console.error('bench/startup: no dist/ build; run `npm run build` first');
  process.exit(1);
}

const env = { ...process.env, NODE_OPTIONS: '' };
const cases = {
  'node -e 0': { args: ['-e', '0'], env },
  'medkit --help (dist)': { args: [bin, '--help'], env },
  'medkit list (dist)': { args: [bin, 'list'], env },
  'medkit --help (tsx, sources)': { args: [bin, '--help'], env: { ...env, MEDKIT_FROM_SOURCE: '1' } },
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const { args, env: caseEnv } of Object.values(cases)) spawnSync(process.execPath, args, { env: caseEnv }); // warm the file cache
for (let round = 0; round < rounds; round++) {
  for (const [name, { args, env: caseEnv }] of Object.entries(cases)) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { env: caseEnv, encoding: 'utf8' });
    times[name]!.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
    if (name.includes('(dist)') && /running the sources/.test(result.stderr))
      throw new Error('dist/ is older than src/: run `npm run build` first');
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const medians = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
for (const [name, value] of Object.entries(medians))
  console.log(
    `${name.padEnd(30)} median ${(value / 1000).toFixed(3)} s  (${times[name]!.map((t) => (t / 1000).toFixed(2)).join(' ')})`,
  );
const dist = medians['medkit --help (dist)']!;
const list = medians['medkit list (dist)']!;
const source = medians['medkit --help (tsx, sources)']!;
const floor = medians['node -e 0']!;
const load = (await import('node:os')).loadavg().map((value) => value.toFixed(1));
console.log(
  `vs node -e 0: --help ${(dist / floor).toFixed(2)}x, list ${(list / floor).toFixed(2)}x ` +
    `(above it: ${((dist - floor) / 1000).toFixed(3)} s, ${((list - floor) / 1000).toFixed(3)} s); ` +
    `tsx / dist: ${(source / dist).toFixed(2)}x; goal: dist <= 0.350 s where node -e 0 takes 0.09 s ` +
    `(about 3.9x); load average ${load.join(' ')}`,
);
