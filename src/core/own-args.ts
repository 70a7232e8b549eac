// One owner's `--arg` options out of a shared args object: a benchmark's and the picked agent's options travel
// together (`--arg samples=5 --arg group=small`), so each parses only the keys its own schema declares. The
// runner has already rejected keys nobody declares (src/runner/args.ts); this only types and checks values.
import type { z } from 'zod';
import { ConfigError } from './errors.js';

/** `schema` parsed from the keys of `args` it declares; a bad value is a ConfigError naming `--arg key`. */
export function parseOwnArgs<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S,
  args: Record<string, unknown>,
): z.infer<S> {
  const known = Object.keys(schema.shape);
  const own = Object.fromEntries(Object.entries(args).filter(([key]) => known.includes(key)));
  const parsed = schema.safeParse(own);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`--arg ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
