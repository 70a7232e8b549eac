// Code-defined benchmarks: a .ts or .js module exporting a benchmark made with defineBenchmark,
// found by eval's benchmark reference, and the mistakes a module can have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveBenchmark, runEval } from '../../src/eval.js';
import { benchmarkSource } from '../../src/resolve-benchmark.js';

const core = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'index.ts')).href;

const BENCHMARK = (name: string) => `defineBenchmark({
  name: '${name}',
  version: 1,
  description: 'two questions',
  tags: ['text'],
  dataset: () => [
    { id: 'a', input: 'Spell metformin.', target: 'metformin' },
    { id: 'b', input: 'Spell atorvastatin.', target: 'atorvastatin' },
  ],
  solvers: {
    baseline: () => solverFrom('echo', {}, async (state) => { state.output = { ...state.output, text: 'metformin' }; return state; }),
    default: () => generate(),
  },
  scorers: () => [exactScorer()],
})`;

function module(name: string, text: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-module-'));
  // As in a user's ESM project: .ts and .js files are modules (a bare folder would make them CommonJS).
  writeFileSync(join(directory, 'package.json'), '{"type": "module"}');
  const file = join(directory, name);
  writeFileSync(file, `import { defineBenchmark, exactScorer, generate, solverFrom } from '${core}';\n${text}\n`);
  return file;
}

test('a .ts module with a default export runs like a registered benchmark, and its source is kept', async () => {
  const file = module('bench.ts', `const n: number = 1;\nexport default ${BENCHMARK('spell-ts')};`);
  const benchmark = await resolveBenchmark(file);
  assert.equal(benchmark.name, 'spell-ts');
  assert.equal(benchmarkSource(benchmark), file);
  const summary = await runEval({ benchmark: file, cache: false });
  assert.equal(summary.metrics.exact![0]!.value, 0.5);
});

test('a .mjs module; several exports are told apart with #name', async () => {
  const file = module(
    'benches.mjs',
    `export const first = ${BENCHMARK('first')};\nexport const second = ${BENCHMARK('second')};`,
  );
  await assert.rejects(
    resolveBenchmark(file),
    /exports several benchmarks \(first, second\); pick one: .*benches\.mjs#first/,
  );
  const second = await resolveBenchmark(`${file}#second`);
  assert.equal(second.name, 'second');
  assert.equal(benchmarkSource(second), `${file}#second`);
  await assert.rejects(resolveBenchmark(`${file}#third`), /exports no 'third' \(it exports: first, second\)/);
});

test('modules that are not benchmarks get an error naming the file, line and field', async () => {
  const none = module('none.ts', 'export const answer = 42;');
  await assert.rejects(resolveBenchmark(none), /none\.ts: exports no benchmark; export one made with defineBenchmark/);
  const shape = module(
    'shape.js',
    `\nexport default defineBenchmark({ name: 'x', version: 1, description: '', tags: [], dataset: () => [],\n  solvers: { default: () => generate() }, scorers: () => [] });`,
  );
  await assert.rejects(resolveBenchmark(shape), (error: Error & { file?: string; line?: number; field?: string }) => {
    assert.equal(error.name, 'SampleFormatError');
    assert.deepEqual([error.file, error.line, error.field], [shape, 3, 'solvers.baseline']);
    assert.match(error.message, /must be a solver factory: the non-LLM answer used without --model/);
    return true;
  });
  const broken = module('broken.ts', 'export default defineBenchmark({ name: ');
  await assert.rejects(resolveBenchmark(broken), /broken\.ts: the module failed to load/);
  await assert.rejects(resolveBenchmark(join(tmpdir(), 'no-such-bench.ts')), /no-such-bench\.ts: no such file/);
  const commonjs = join(mkdtempSync(join(tmpdir(), 'medkit-cjs-')), 'bench.js');
  writeFileSync(commonjs, `import { defineBenchmark } from '${core}';\nexport default 1;\n`);
  await assert.rejects(resolveBenchmark(commonjs), /failed to load: .*\(it was loaded as CommonJS: name it \.mts/);
  const text = module('notes.txt', '');
  await assert.rejects(
    resolveBenchmark(text),
    /notes\.txt: not a benchmark file; give a task file \(\.yaml, \.yml\) or a module/,
  );
  await assert.rejects(resolveBenchmark('medmcq-mni'), /unknown benchmark 'medmcq-mni'/);
});
