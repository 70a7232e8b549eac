// The optional config file (YAML or JSON) mirrors the flags of `medkit eval`; flags win.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, MODEL_ROLES } from '../core/index.js';

export const evalConfigSchema = z.strictObject({
  benchmark: z.string().optional(),
  model: z.string().optional(),
  roles: z.partialRecord(z.enum(MODEL_ROLES), z.string()).optional(),
  solver: z.string().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  limit: z.number().int().nonnegative().optional(),
  epochs: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  out: z.string().optional(),
  cache: z.boolean().optional(),
  cacheDir: z.string().optional(),
  timeoutMs: z.number().positive().optional(),
  maxRetries: z.number().int().nonnegative().optional(),
  temperature: z.number().min(0).optional(),
  maxTokens: z.number().int().positive().optional(),
  baseUrl: z.string().optional(),
  /** true / a seed: shuffle before limit (`--shuffle [seed]`). */
  shuffle: z.union([z.boolean(), z.number().int().nonnegative()]).optional(),
  /** `--fail-on-error`: true, false, a share in (0, 1) or a count ≥ 1. */
  failOnError: z.union([z.boolean(), z.number().positive()]).optional(),
});
export type EvalConfig = z.infer<typeof evalConfigSchema>;

export function readConfigFile(path: string): EvalConfig {
  if (!existsSync(path)) throw new ConfigError(`${path}: no such config file`);
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(readFileSync(path, 'utf8')) : parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(
      `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message}`,
    );
  }
  const parsed = evalConfigSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${path}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data;
}
