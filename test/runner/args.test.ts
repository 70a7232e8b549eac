// Declared --arg options: every benchmark and agent declares them; unknown keys, wrong types and
// command-line text are handled the same way for the CLI, the config file and runEval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { loadAgents, loadBenchmarks } from '../../src/registry.js';
import { argsHelp, coerceArgText, describeArgType, suggestKeys, validateArgs } from '../../src/runner/args.js';
import { checkTaskArgs, runEval } from '../../src/eval.js';

const schema = z.strictObject({
  path: z.string().optional().describe('a file'),
  n: z.number().int().positive().default(12).describe('how many'),
  strict: z.boolean().default(false).describe('stop at the first bad line'),
  subset: z
    .array(z.enum(['medqa', 'bioasq']))
    .optional()
    .describe('subsets'),
  layer: z
    .union([z.literal('mean'), z.number().int().nonnegative()])
    .default('mean')
    .describe('layer'),
});
const source = { where: '--arg ', owner: 'demo' };

test('an unknown key is an error with a "did you mean" and the declared options (today: silently ignored)', () => {
  assert.throws(
    () => validateArgs(schema, { pth: 'my.jsonl' }, source),
    (error: Error) =>
      error.name === 'ConfigError' &&
      /--arg pth: demo has no option 'pth'; did you mean 'path'\?/.test(error.message) &&
      /Its options: path, n, strict, subset, layer/.test(error.message),
  );
  assert.deepEqual(suggestKeys('strcit', ['strict', 'subset']), ['strict']);
  assert.deepEqual(suggestKeys('zzzzzz', ['strict', 'subset']), []);
});

test('a wrong type names the key, the value and the declared type', () => {
  assert.throws(
    () => validateArgs(schema, { n: 'abc' }, source),
    /--arg n=abc: expected number.*\(declared: integer\)/,
  );
  assert.throws(() => validateArgs(schema, { n: '2.5' }, source), /--arg n=2\.5: .*integer/);
  assert.throws(() => validateArgs(schema, { strict: 'maybe' }, source), /--arg strict=maybe: expected boolean/);
  assert.throws(
    () => validateArgs(schema, { subset: 'medqa,foo' }, source),
    /--arg subset=medqa,foo: item 2: .*"medqa"\|"bioasq"/,
  );
  assert.throws(
    () => validateArgs(schema, { n: 'x' }, { where: 'run.yaml: args.', owner: 'demo' }),
    /: run\.yaml: args\.n=x: expected number/,
  );
});

test('command-line text becomes the declared type; defaults are filled in', () => {
  assert.deepEqual(validateArgs(schema, { n: '3', strict: 'yes', subset: 'medqa,bioasq', layer: '4' }, source), {
    n: 3,
    strict: true,
    subset: ['medqa', 'bioasq'],
    layer: 4,
  });
  assert.deepEqual(validateArgs(schema, { path: '123' }, source), { path: '123', n: 12, strict: false, layer: 'mean' });
  assert.equal(coerceArgText(schema.shape.layer, 'mean'), 'mean');
  assert.deepEqual(coerceArgText(schema.shape.subset, '["bioasq"]'), ['bioasq']);
  assert.equal(describeArgType(schema.shape.layer), 'mean|integer');
  assert.deepEqual(
    argsHelp(schema).map((option) => [option.key, option.default]),
    [
      ['path', undefined],
      ['n', 12],
      ['strict', false],
      ['subset', undefined],
      ['layer', 'mean'],
    ],
  );
});

test('without a declared schema args pass unchecked (a code-defined benchmark that declares none)', () => {
  assert.deepEqual(validateArgs(undefined, { anything: '7', text: 'x' }, source, { fromText: new Set(['anything']) }), {
    anything: 7,
    text: 'x',
  });
});

test('every registered benchmark and agent declares its --arg options with descriptions; benchmarks a headline', async () => {
  const [benchmarks, agents] = await Promise.all([loadBenchmarks(), loadAgents()]);
  for (const benchmark of Object.values(benchmarks)) {
    assert.ok(benchmark.args, `${benchmark.name} declares args`);
    for (const option of argsHelp(benchmark.args))
      assert.ok(option.description.length > 5, `${benchmark.name} --arg ${option.key} has a description`);
    assert.ok((benchmark.headline ?? []).length > 0, `${benchmark.name} declares a headline metric`);
    assert.equal('argsHelp' in benchmark, false, `${benchmark.name}: argsHelp is replaced by args`);
  }
  for (const agent of Object.values(agents)) {
    assert.ok(agent.args, `${agent.name} declares args`);
    for (const option of argsHelp(agent.args)) assert.ok(option.description.length > 5, `${agent.name} ${option.key}`);
  }
});

test("an agent's option is accepted only with --solver <agent>, and otherwise says how to use it", async () => {
  const medmcq = (await loadBenchmarks())['medmcq-mini']!;
  await assert.rejects(
    checkTaskArgs(medmcq, 'baseline', { text: { verifier: 'kge' } }),
    /--arg verifier: an option of agent kgarevion; add --solver kgarevion/,
  );
  assert.deepEqual(await checkTaskArgs(medmcq, 'kgarevion', { text: { verifier: 'kge', maxRound: '2' } }), {
    verifier: 'kge',
    unlinkable: 'keep',
    maxRound: 2,
    revise: true,
    jsonAttempts: 5,
  });
  await assert.rejects(
    checkTaskArgs(medmcq, 'baseline', { args: { pth: 'x' } }, { args: 'run.yaml: args.' }),
    /run\.yaml: args\.pth: .*did you mean 'path'/,
  );
});

test('runEval rejects a mistyped --arg before the run starts (no run folder), and records the parsed args', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-args-'));
  await assert.rejects(
    runEval({ benchmark: 'medmcq-mini', argsText: { pth: 'my.jsonl' }, outDir: join(directory, 'run'), cache: false }),
    /did you mean 'path'/,
  );
  const summary = await runEval({
    benchmark: 'kgqa-mini',
    argsText: {},
    limit: 2,
    outDir: join(directory, 'ok'),
    cacheDir: join(directory, 'cache'),
  });
  assert.deepEqual(summary.task.args, {});
  await assert.rejects(
    runEval({ benchmark: 'kgqa-mini', args: { n: 3 }, cache: false }),
    /kgqa-mini has no option 'n'.*takes no --arg options/,
  );
});
