// The lazy registry (src/registry.ts): `medkit --help` and `medkit list` print every benchmark, agent, loader
// and command from the entries' metadata without importing their modules, and that metadata is the loaded
// objects' own (a description edited in one place and not the other fails here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import {
  agentEntries,
  benchmarkEntries,
  commandEntries,
  loadAgents,
  loadBenchmarks,
  loaderEntries,
  loadLoaders,
} from '../../src/registry.js';

const repo = join(import.meta.dirname, '..', '..');

test('every entry names its object and carries its description (and an agent its accepts tags)', async () => {
  const [benchmarks, agents, loaders] = await Promise.all([loadBenchmarks(), loadAgents(), loadLoaders()]);
  for (const [entries, loaded, kind] of [
    [benchmarkEntries, benchmarks, 'benchmark'],
    [agentEntries, agents, 'agent'],
    [loaderEntries, loaders, 'loader'],
  ] as const) {
    assert.equal(new Set(entries.map((entry) => entry.name)).size, entries.length, `${kind} names are unique`);
    for (const entry of entries) {
      const object = loaded[entry.name]!;
      assert.equal(
        object.name,
        entry.name,
        `src/registry.ts: the ${kind} entry '${entry.name}' loads '${object.name}'`,
      );
      assert.equal(entry.summary, object.description, `src/registry.ts: summary of ${kind} '${entry.name}'`);
    }
  }
  for (const entry of agentEntries)
    assert.deepEqual(entry.accepts, agents[entry.name]!.accepts, `src/registry.ts: accepts of agent '${entry.name}'`);
});

test('each command entry registers the command it names, with the usage and description `medkit --help` prints', async () => {
  for (const entry of commandEntries) {
    const program = new Command();
    (await entry.load()).register(program);
    assert.deepEqual(
      program.commands.map((command) => command.name()),
      [entry.name],
      `${entry.name} adds one command`,
    );
    const command = program.commands[0]!;
    const term = program.createHelp().subcommandTerm(command);
    assert.equal(term, entry.usage ? `${entry.name} ${entry.usage}` : entry.name, `usage of '${entry.name}'`);
    assert.equal(entry.summary, command.description(), `description of '${entry.name}'`);
  }
});

test('`medkit --help` with stub commands is the same text as with every command loaded', async () => {
  const lazy = (await buildProgram(['--help'])).helpInformation();
  const full = new Command()
    .name('medkit')
    .description('Trustworthy medical AI, measurable: benchmarks, agents and honest statistics.');
  const { registerEval } = await import('../../src/cli/eval-command.js');
  const { registerInspectCommands } = await import('../../src/cli/inspect-commands.js');
  await registerEval(full);
  registerInspectCommands(full);
  (await import('../../src/cli/queue-commands.js')).registerQueueCommands(full);
  for (const entry of commandEntries) (await entry.load()).register(full);
  assert.equal(lazy, full.helpInformation());
  assert.match(lazy, /judge-agreement \[options\] <run-dir> \[human-ratings\]/);
});

/** The modules of this repository a `medkit` command line imports (a module-load hook logs them). */
function modulesLoadedBy(args: string[]): string[] {
  const directory = mkdtempSync(join(tmpdir(), 'medkit-registry-'));
  const log = join(directory, 'loaded.txt');
  const hooks = join(directory, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }`,
  );
  const register = join(directory, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
  );
  writeFileSync(log, '');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', register, join(repo, 'src', 'cli', 'main.ts'), ...args],
    { cwd: repo, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  const source = pathToFileURL(join(repo, 'src')).href;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(source))
    .map((url) => url.slice(source.length + 1));
}

test('`medkit --help` and `medkit list` import no benchmark, agent or command module; `medkit info` only its own', () => {
  for (const args of [['--help'], ['list']]) {
    const loaded = modulesLoadedBy(args);
    assert.ok(loaded.includes('registry.ts'), `${args.join(' ')}: the registry is read`);
    const heavy = loaded.filter((path) =>
      /^(benchmarks|agents|methods|server|imaging|kg|runner|training)\//.test(path),
    );
    assert.deepEqual(heavy, [], `medkit ${args.join(' ')} imported ${heavy.join(', ')}`);
  }
  const info = modulesLoadedBy(['info', 'medmcq-mini']);
  assert.ok(info.includes('benchmarks/medmcq-mini/index.ts'));
  assert.ok(info.includes('agents/kgarevion/index.ts'), 'kgarevion accepts mcq benchmarks: info names it');
  assert.equal(
    info.some((path) => /^benchmarks\/(ehr-chatqa|vgmed|cxr-qba)\//.test(path)),
    false,
    'other benchmarks stay unloaded',
  );
});
