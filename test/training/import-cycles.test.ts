// No module of the training bridge, or of a benchmark or agent that declares rewards, imports itself back through
// its relative imports (a cycle made `medsynvqa/rewards.ts` read `medsynScorer` before index.ts defined it,
// depending on which module was loaded first).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const src = resolve(import.meta.dirname, '..', '..', 'src');

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Static relative imports (type-only imports excluded: they vanish at run time). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms)) {
    const target = resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'));
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** A cycle through `start` within the files under `scope`, as a list of paths, or undefined. */
function cycleFrom(start: string, scope: string): string[] | undefined {
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string): string[] | undefined => {
    if (stack.includes(file)) return [...stack.slice(stack.indexOf(file)), file];
    if (seen.has(file) || !file.startsWith(scope)) return undefined;
    seen.add(file);
    stack.push(file);
    for (const next of imports(file)) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    return undefined;
  };
  return visit(start);
}

test('benchmark, agent and training modules with rewards have no import cycles within their folder', () => {
  const folders = [
    join(src, 'training'),
    join(src, 'benchmarks', 'medsynvqa'),
    join(src, 'benchmarks', 'ehr-chatqa'),
    join(src, 'agents', 'medvr'),
  ];
  for (const folder of folders)
    for (const file of files(folder)) {
      const cycle = cycleFrom(file, folder);
      assert.equal(cycle, undefined, `import cycle: ${cycle?.map((path) => path.slice(src.length + 1)).join(' → ')}`);
    }
});
