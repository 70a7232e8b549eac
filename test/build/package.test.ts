// medkit as a user installs it: a project with node_modules/medkit holding what `npm pack` ships
// (package.json "files": bin, dist, web, examples, README). Plain Node JavaScript imports runEval
// and defineBenchmark, TypeScript sees the .d.ts types, and the bin runs the compiled JavaScript,
// loading tsx only to run a user's .ts benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The repo's dist/ when it is up to date with src/ (as after `npm ci`), else a fresh build into `target`. */
function installDist(target: string): void {
  const stamp = join(repo, 'dist', '.build-stamp');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(join(repo, 'src'))) {
    cpSync(join(repo, 'dist'), target, { recursive: true });
    return;
  }
  const build = spawnSync(process.execPath, [join(repo, 'scripts', 'build.mjs'), '--out-dir', target], {
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
}

function node(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, MEDKIT_DEBUG: '' };
  delete env.NODE_OPTIONS; // the test runner's --import tsx must not leak into the user's plain node
  delete env.OPENAI_API_KEY;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function userProject(): { project: string; medkit: string } {
  const project = mkdtempSync(join(tmpdir(), 'medkit-user-'));
  const medkit = join(project, 'node_modules', 'medkit');
  mkdirSync(medkit, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'bin', 'examples'])
    cpSync(join(repo, entry), join(medkit, entry), { recursive: true });
  symlinkSync(join(repo, 'web'), join(medkit, 'web'));
  // medkit's own dependencies, as npm would have installed them beside it.
  symlinkSync(join(repo, 'node_modules'), join(medkit, 'node_modules'));
  writeFileSync(join(project, 'package.json'), '{"type": "module", "private": true}\n');
  for (const example of ['run-eval.mjs', 'medmcq-scripted.yaml', 'my-task.yaml', 'my-questions.jsonl', 'my-bench.ts'])
    cpSync(join(repo, 'examples', example), join(project, example));
  return { project, medkit };
}

test('an installed medkit: plain JavaScript imports runEval, types check, the bin runs compiled JavaScript', () => {
  const { project, medkit } = userProject();
  installDist(join(medkit, 'dist'));
  assert.ok(!existsSync(join(medkit, 'src')), 'the package ships no TypeScript sources');

  const library = node(['run-eval.mjs'], project);
  assert.equal(library.code, 0, library.stderr);
  assert.match(
    library.stdout,
    /medmcq-mini, scripted model: accuracy 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] over 42 questions/,
  );
  assert.match(library.stdout, /my-task\.yaml, baseline: accuracy \d\.\d{3} \(6 units, 0 errors\)/);
  assert.match(library.stdout, /drug-spelling, baseline: exact match 0\.500 over 2 units/);

  // The .d.ts files are real types: a wrong option is a type error, so the @ts-expect-error is used.
  writeFileSync(
    join(project, 'check.ts'),
    `import { defineBenchmark, exactScorer, generate, runEval, type RunSummary } from 'medkit';
const summary: Promise<RunSummary> = runEval({ benchmark: 'medmcq-mini', limit: 2 });
// @ts-expect-error limit is a number
void runEval({ benchmark: 'medmcq-mini', limit: 'two' });
export const own = defineBenchmark({ name: 'x', version: 1, description: '', tags: [], dataset: () => [],
  solvers: { baseline: () => generate(), default: () => generate() }, scorers: () => [exactScorer()] });
export { summary };
`,
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const typecheck = node(
    [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      join(repo, 'node_modules', '@types'),
      'check.ts',
      'my-bench.ts', // the README's example benchmark type-checks against the shipped types
    ],
    project,
  );
  assert.equal(typecheck.code, 0, typecheck.stdout + typecheck.stderr);

  const bin = join(medkit, 'bin', 'medkit.js');
  const help = node([bin, '--help'], project);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: medkit/);
  assert.doesNotMatch(help.stderr, /running the sources/);
  const task = node([bin, 'eval', 'my-task.yaml', '--no-cache'], project);
  assert.equal(task.code, 0, task.stderr);
  assert.match(task.stdout, /my-task v1 +complete/);
  // A user's TypeScript benchmark: tsx is loaded for it, and it imports the same installed medkit.
  const ownBench = node([bin, 'eval', 'my-bench.ts', '--no-cache'], project);
  assert.equal(ownBench.code, 0, ownBench.stderr);
  assert.match(ownBench.stdout, /clinical-arithmetic v1 +complete/);
});

test('the bin runs the sources with tsx, and says why, when there is no build or src/ changed after it', () => {
  const { medkit } = userProject();
  symlinkSync(join(repo, 'src'), join(medkit, 'src'));
  const bin = join(medkit, 'bin', 'medkit.js');
  const unbuilt = node([bin, '--help'], medkit);
  assert.equal(unbuilt.code, 0, unbuilt.stderr);
  assert.match(unbuilt.stderr, /medkit: no build in dist\/; running the sources with tsx/);
  mkdirSync(join(medkit, 'dist'));
  writeFileSync(join(medkit, 'dist', '.build-stamp'), 'old\n');
  utimesSync(join(medkit, 'dist', '.build-stamp'), 0, 0);
  const stale = node([bin, '--help'], medkit);
  assert.equal(stale.code, 0, stale.stderr);
  assert.match(stale.stderr, /medkit: src\/.+ changed after the last build; running the sources with tsx/);
  assert.match(stale.stdout, /Usage: medkit/);
  const quiet = spawnSync(process.execPath, [bin, '--help'], {
    env: { ...process.env, NODE_OPTIONS: '', MEDKIT_FROM_SOURCE: '1' },
    encoding: 'utf8',
  });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /running the sources/, 'MEDKIT_FROM_SOURCE=1 asks for the sources: no note');
});
