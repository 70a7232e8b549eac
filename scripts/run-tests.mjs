#!/usr/bin/env node
// Runs every test file through node:test + tsx with an explicit file list (Node 20 does not
// expand quoted globs, and bare `node --test` finds 0 .ts files and still exits 0).
// Usage: npm test [-- <filter substring>...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['test', 'src'];
const files = [];
function walk(directory) {
  let entries;
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === 'node_modules') continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (entry.endsWith('.test.ts')) files.push(relative(process.cwd(), path));
  }
}
roots.forEach(walk);
files.sort();
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((file) => filters.some((filter) => file.includes(filter))) : files;
if (selected.length === 0) {
  console.error('run-tests: no test files found' + (filters.length ? ` matching ${filters.join(', ')}` : ''));
  process.exit(1);
}
console.error(`run-tests: ${selected.length} files`);
const concurrency = process.env.MEDKIT_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 },
);
process.stdout.write(result.stdout ?? '');
const tests = /^ℹ tests (\d+)/m.exec(result.stdout ?? '');
if (!tests || Number(tests[1]) === 0) {
  console.error('run-tests: the runner reported 0 tests; failing');
  process.exit(1);
}
process.exit(result.status ?? 1);
