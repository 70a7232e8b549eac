// Benchmarks a user brings as files: a task file (.yaml / .yml) or a module exporting a benchmark
// (.ts / .mts / .js / .mjs, optionally #exportName). `resolveBenchmark` in src/eval.ts sends a
// reference here when it is a file, and to the registry otherwise. The path is kept with the
// loaded benchmark, so a run's spec records it and --resume finds the benchmark again.
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ConfigError, type Benchmark } from './core/index.js';
import { loadTaskFile } from './taskfile/benchmark.js';
import { loadBenchmarkModule, MODULE_EXTENSIONS } from './taskfile/module.js';

const sources = new WeakMap<Benchmark, string>();

/** The absolute task file or module (with #export) a benchmark was loaded from; undefined for registered ones. */
export function benchmarkSource(benchmark: Benchmark): string | undefined {
  return sources.get(benchmark);
}

const withoutExport = (reference: string) => reference.replace(/#[^/\\]*$/, '');
const isTaskFile = (reference: string) => /\.ya?ml$/i.test(reference);
const isModule = (reference: string) =>
  (MODULE_EXTENSIONS as readonly string[]).includes(extname(withoutExport(reference)).toLowerCase());

/** Whether a benchmark reference names a file (by its extension, a path separator, or because it exists). */
export function isBenchmarkFile(reference: string): boolean {
  return isTaskFile(reference) || isModule(reference) || /[/\\]/.test(reference) || existsSync(reference);
}

export async function loadBenchmarkFile(reference: string): Promise<Benchmark> {
  let benchmark: Benchmark;
  let source: string;
  if (isTaskFile(reference)) {
    source = resolve(reference);
    benchmark = loadTaskFile(source);
  } else if (isModule(reference)) {
    const path = withoutExport(reference);
    source = resolve(path) + reference.slice(path.length);
    benchmark = await loadBenchmarkModule(source);
  } else {
    throw new ConfigError(
      `${reference}: not a benchmark file; give a task file (.yaml, .yml) or a module (${MODULE_EXTENSIONS.join(', ')})`,
    );
  }
  sources.set(benchmark, source);
  return benchmark;
}
