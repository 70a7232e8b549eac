// A code-defined benchmark: `medkit eval ./my-bench.ts` (or .js / .mjs) imports the module and
// takes the Benchmark it exports (made with defineBenchmark: the default export, the only
// benchmark-shaped export, or the one named after '#': ./benchmarks.ts#triage). TypeScript is
// compiled by tsx, which is loaded only here and only for a .ts file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError, SampleFormatError, type Benchmark } from '../core/index.js';

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

const isFunction = (message: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', message);

/** Enough of Benchmark to run it; types give the rest to TypeScript users, this gives JavaScript users a clear error. */
const benchmarkShape = z.looseObject({
  name: z.string().min(1),
  version: z.number().int(),
  description: z.string(),
  tags: z.array(z.string()),
  dataset: isFunction('must be a function returning the samples'),
  solvers: z.looseObject({
    baseline: isFunction('must be a solver factory: the non-LLM answer used without --model'),
    default: isFunction('must be a solver factory: the solver used with --model'),
  }),
  scorers: isFunction('must be a function returning the scorers'),
});

const looksLikeBenchmark = (value: unknown) =>
  typeof value === 'object' && value !== null && 'solvers' in value && 'scorers' in value && 'dataset' in value;

let tsxRegistered = false;
async function importModule(file: string): Promise<Record<string, unknown>> {
  // Under tsx already (the test runner, or the bin running sources) .ts imports just work.
  const underTsx = import.meta.url.endsWith('.ts');
  if (/\.m?ts$/.test(file) && !underTsx && !tsxRegistered) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** Whether the nearest package.json above `file` says "type": "module" (Node's rule for .js and .ts). */
function inModulePackage(file: string): boolean {
  for (let directory = dirname(file); ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(directory) === directory) return false;
  }
}

/** Line of the benchmark's definition in the source, so a shape error points at it. */
function definitionLine(file: string, exportName: string): number {
  const text = readFileSync(file, 'utf8');
  const patterns =
    exportName === 'default'
      ? [/export\s+default\b/, /defineBenchmark\s*\(/]
      : [new RegExp(`export\\s+(?:const|let|var)\\s+${exportName}\\b`), /defineBenchmark\s*\(/];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return text.slice(0, match.index).split('\n').length;
  }
  return 1;
}

/** Imports `reference` (path[#export]) and returns the benchmark it exports. */
export async function loadBenchmarkModule(reference: string): Promise<Benchmark> {
  const hash = reference.lastIndexOf('#');
  const [path, wanted] = hash > 0 ? [reference.slice(0, hash), reference.slice(hash + 1)] : [reference, undefined];
  const file = resolve(path);
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file`);
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(file);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const hint =
      /\.(ts|js)$/.test(file) && !inModulePackage(file)
        ? ' (it was loaded as CommonJS: name it .mts / .mjs, or add "type": "module" to its package.json)'
        : '';
    throw new ConfigError(`${file}: the module failed to load: ${message.split('\n')[0]}${hint}`, { cause: error });
  }
  let name: string;
  if (wanted !== undefined) {
    if (!(wanted in exports))
      throw new ConfigError(
        `${file}: exports no '${wanted}' (it exports: ${Object.keys(exports).join(', ') || 'nothing'})`,
      );
    name = wanted;
  } else if (looksLikeBenchmark(exports.default)) name = 'default';
  else {
    const candidates = Object.keys(exports).filter((key) => looksLikeBenchmark(exports[key]));
    if (candidates.length === 0)
      throw new ConfigError(
        `${file}: exports no benchmark; export one made with defineBenchmark (export default defineBenchmark({...}))`,
      );
    if (candidates.length > 1)
      throw new ConfigError(
        `${file}: exports several benchmarks (${candidates.join(', ')}); pick one: ${path}#${candidates[0]}`,
      );
    name = candidates[0]!;
  }
  const parsed = benchmarkShape.safeParse(exports[name]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(benchmark)';
    throw new SampleFormatError(
      file,
      definitionLine(file, name),
      `${name === 'default' ? '' : `${name}.`}${field}`,
      issue.message,
    );
  }
  return exports[name] as Benchmark;
}
