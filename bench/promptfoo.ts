// medkit vs promptfoo@0.120.8 on the same work: 2,016 chat requests (medmcq-mini's 42 questions × 48) against
// one zero-latency OpenAI-compatible loopback server (test/support/loopback-server.ts, in this process), each tool
// a fresh child process, timed from spawn to exit (start-up included), at concurrency 64, cache off, with one
// check per answer (medkit: its choice scorer; promptfoo: a `regex` assertion). Both send the same messages:
// medkit's own prompt for each question is recorded first and handed to promptfoo as its prompt.
// promptfoo is installed into a scratch folder under /tmp on first use (if the npm registry serves it); its
// better-sqlite3 binding is copied from medkit's when the versions match (no 75 s compile), else rebuilt.
// Usage: npm run build && node --import tsx bench/promptfoo.ts [--rounds 2] [--epochs 48]
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLoopbackServer } from '../test/support/loopback-server.js';

const VERSION = '0.120.8';
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const rounds = argument('rounds', 2);
const epochs = argument('epochs', 48);
const concurrency = 64;
const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'medkit.js');
const scratch = join(tmpdir(), `medkit-promptfoo-${VERSION}`);
const promptfooMain = join(scratch, 'node_modules', 'promptfoo', 'dist', 'src', 'main.js');

function installPromptfoo(): boolean {
  if (!existsSync(promptfooMain)) {
    console.log(`installing promptfoo@${VERSION} into ${scratch} (once; a few minutes)...`);
    mkdirSync(scratch, { recursive: true });
    writeFileSync(join(scratch, 'package.json'), '{"name":"medkit-promptfoo-scratch","private":true}\n');
    const install = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', `promptfoo@${VERSION}`],
      { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (install.status !== 0 || !existsSync(promptfooMain)) {
      console.log(
        `promptfoo row skipped: npm install promptfoo@${VERSION} failed: ${install.stderr.trim().slice(-400)}`,
      );
      return false;
    }
  }
  const binding = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(join(scratch, binding))) {
    const version = (folder: string) =>
      JSON.parse(readFileSync(join(folder, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
    if (version(scratch) === version(repo) && existsSync(join(repo, binding))) {
      mkdirSync(join(scratch, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true });
      copyFileSync(join(repo, binding), join(scratch, binding));
    } else spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: scratch, stdio: 'inherit' });
  }
  return true;
}

interface Timed {
  seconds: number;
  peakRssMb?: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; wall time from spawn to exit, and peak RSS via GNU time when it is installed. */
function timed(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Timed> {
  const gnuTime = existsSync('/usr/bin/time');
  const rssFile = join(mkdtempSync(join(tmpdir(), 'medkit-pf-rss-')), 'rss');
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv as string[], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      const kb = gnuTime && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) : NaN;
      resolve({ seconds, ...(Number.isFinite(kb) ? { peakRssMb: kb / 1024 } : {}), stdout, stderr });
    });
  });
}

if (!existsSync(join(repo, 'dist', '.build-stamp'))) {
  console.error('bench/promptfoo: no dist/ build; run `npm run build` first');
  process.exit(1);
}
if (!installPromptfoo()) process.exit(0);

const server = await startLoopbackServer();
const work = mkdtempSync(join(tmpdir(), 'medkit-pf-'));
const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
delete env.OPENAI_API_KEY;
try {
  // medkit's prompt for each question, as it goes on the wire.
  const medkitArgs = (out: string, unitEpochs: number) => [
    bin,
    'eval',
    'medmcq-mini',
    '--model',
    'openai:bench',
    '--base-url',
    server.baseURL,
    '--epochs',
    String(unitEpochs),
    '--concurrency',
    String(concurrency),
    '--no-cache',
    '--out',
    join(work, out),
  ];
  const recorded = await timed(process.execPath, medkitArgs('record', 1), { cwd: work, env });
  if (/running the sources/.test(recorded.stderr)) throw new Error('dist/ is older than src/: run `npm run build`');
  const prompts = server.requests.map((request) => (request.body as { messages: unknown[] }).messages);
  if (prompts.length !== 42) throw new Error(`expected 42 recorded requests, got ${prompts.length}`);

  // promptfoo: one test per question whose prompt is medkit's message list, answered by the same server.
  const config = {
    description: 'medkit bench: medmcq-mini on the loopback server',
    prompts: ['{{messages}}'],
    providers: [{ id: 'openai:chat:bench', config: { apiBaseUrl: server.baseURL, apiKey: 'x' } }],
    defaultTest: { assert: [{ type: 'regex', value: '[A-E]' }] },
    tests: prompts.map((messages) => ({ vars: { messages: JSON.stringify(messages) } })),
  };
  const configFile = join(work, 'promptfooconfig.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const promptfooEnv = {
    ...env,
    PROMPTFOO_CONFIG_DIR: join(scratch, 'home'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_CACHE_ENABLED: 'false',
    OPENAI_API_KEY: 'x',
  };
  const promptfooArgs = [
    promptfooMain,
    'eval',
    '-c',
    configFile,
    '--repeat',
    String(epochs),
    '-j',
    String(concurrency),
    '--no-cache',
    '--no-table',
    '--no-write',
    '--no-progress-bar',
  ];
  const units = 42 * epochs;
  const runMedkit = async (round: number) => {
    server.reset();
    const result = await timed(process.execPath, medkitArgs(`run-${round}`, epochs), { cwd: work, env });
    if (server.requests.length !== units) throw new Error(`medkit sent ${server.requests.length} requests`);
    return result;
  };
  const runPromptfoo = async () => {
    server.reset();
    const result = await timed(process.execPath, promptfooArgs, { cwd: work, env: promptfooEnv });
    if (server.requests.length !== units)
      throw new Error(`promptfoo sent ${server.requests.length} requests, not ${units}: ${result.stdout.slice(-800)}`);
    return result;
  };
  // One untimed run each (promptfoo migrates its database on first use; file caches warm up), then alternating.
  await runMedkit(0);
  await runPromptfoo();
  const medkitRuns: Timed[] = [];
  const promptfooRuns: Timed[] = [];
  for (let round = 1; round <= rounds; round++) {
    medkitRuns.push(await runMedkit(round));
    promptfooRuns.push(await runPromptfoo());
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const describe = (runs: Timed[]) =>
    `median ${median(runs.map((run) => run.seconds)).toFixed(2)} s (${runs.map((run) => run.seconds.toFixed(2)).join(', ')}), ` +
    `${(units / median(runs.map((run) => run.seconds))).toFixed(0)} req/s wall` +
    (runs[0]?.peakRssMb ? `, peak RSS ${runs.map((run) => run.peakRssMb!.toFixed(0)).join(', ')} MB` : '');
  console.log(`requests per run: ${units} (42 questions × ${epochs}), concurrency ${concurrency}, cache off`);
  console.log(`medkit    ${describe(medkitRuns)}`);
  console.log(`promptfoo ${describe(promptfooRuns)} (promptfoo@${VERSION})`);
  const ratio = median(promptfooRuns.map((run) => run.seconds)) / median(medkitRuns.map((run) => run.seconds));
  console.log(
    `promptfoo / medkit wall time: ${ratio.toFixed(2)}x (goal >= 6); load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await server.close();
}
