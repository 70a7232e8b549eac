// Task arguments (`--arg key=value`, a config file's `args:`, a task file) checked against the zod object a
// benchmark or agent declares: unknown keys are errors with a "did you mean", a wrong type names the key,
// and text from the command line becomes the declared type first. One place for this, so the CLI,
// runEval, the config file and task files all give the same messages.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { ConfigError, type ArgsSchema, type JsonObject, type JsonValue } from '../core/index.js';

/** Where the args came from, named in every message ('--arg', 'run.yaml: args'). */
export interface ArgsSource {
  where: string;
  /** The owner of the schema ('ehr-chatqa', 'ehr-chatqa + agent kgarevion'). */
  owner: string;
  /** Keys another solver or agent declares, with a hint shown when one is given here (`--solver kgarevion`). */
  elsewhere?: Record<string, string>;
}

type AnySchema = z.ZodType;
const defOf = (schema: AnySchema) => (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;

/** The schema under optional / default / nullable wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let depth = 0; depth < 8; depth++) {
    const def = defOf(current);
    if (['optional', 'default', 'nullable', 'prefault', 'catch', 'readonly'].includes(def.type))
      current = def.innerType as AnySchema;
    else if (def.type === 'pipe') current = def.in as AnySchema;
    else break;
  }
  return current;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Command-line text as the declared type: numbers for number fields, true/false (1/0, yes/no) for
 * booleans, comma-separated or JSON lists for arrays. Text that does not fit stays text, so zod's
 * message names the key and the expected type.
 */
export function coerceArgText(schema: AnySchema, text: string): JsonValue {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'number':
    case 'int':
    case 'bigint': {
      const number = Number(text);
      return text.trim() !== '' && Number.isFinite(number) ? number : text;
    }
    case 'boolean': {
      const word = text.trim().toLowerCase();
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : text;
    }
    case 'array': {
      if (text.trim().startsWith('[')) {
        try {
          return JSON.parse(text) as JsonValue;
        } catch {
          return text;
        }
      }
      const element = def.element as AnySchema;
      return text.split(',').map((part) => coerceArgText(element, part.trim()));
    }
    case 'union': {
      for (const option of def.options as AnySchema[]) {
        const value = coerceArgText(option, text);
        if (option.safeParse(value).success) return value;
      }
      return text;
    }
    case 'string':
    case 'enum':
    case 'literal':
      return text;
    default:
      return jsonOrText(text);
  }
}

function jsonOrText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text; // plain strings need no quotes
  }
}

/** Up to two declared keys close to a mistyped one (edit distance ≤ 1/3 of its length, at least 2). */
export function suggestKeys(key: string, known: string[]): string[] {
  const limit = Math.max(2, Math.floor(key.length / 3));
  const lower = key.toLowerCase();
  const scored = known
    .map((candidate) => ({ candidate, cost: distance(lower, candidate.toLowerCase()) }))
    .filter(({ cost, candidate }) => cost <= limit || candidate.toLowerCase().startsWith(lower))
    .sort((a, b) => a.cost - b.cost);
  if (scored.length === 0 && known.length > 0) {
    const nearest = closest(lower, known);
    return distance(lower, nearest.toLowerCase()) <= limit ? [nearest] : [];
  }
  return scored.slice(0, 2).map(({ candidate }) => candidate);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid input: /, '');
}

/**
 * Checks args against a declared schema and returns them parsed (typed, defaults filled in).
 * `fromText`: the values are command-line text to coerce to the declared types first.
 * Without a schema, the args pass as given (a code-defined benchmark that declares none).
 */
export function validateArgs(
  schema: ArgsSchema | undefined,
  given: Record<string, unknown>,
  source: ArgsSource,
  options: { fromText?: Set<string> } = {},
): JsonObject {
  if (!schema) {
    // Nothing declared: values pass unchecked; command-line text that reads as JSON becomes that.
    const passed: JsonObject = {};
    for (const [key, value] of Object.entries(given))
      passed[key] = options.fromText?.has(key) && typeof value === 'string' ? jsonOrText(value) : (value as JsonValue);
    return passed;
  }
  const shape = schema.shape as Record<string, AnySchema>;
  const known = Object.keys(shape);
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!(key in shape)) {
      const hint = source.elsewhere?.[key];
      if (hint) throw new ConfigError(`${source.where}${key}: ${hint}`);
      const suggestions = suggestKeys(key, known);
      const didYouMean = suggestions.length ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '.';
      const options = known.length ? ` Its options: ${known.join(', ')}` : ' It takes no --arg options';
      throw new ConfigError(
        `${source.where}${key}: ${source.owner} has no option '${key}'${didYouMean}${options} (medkit info ${source.owner.split(' ')[0]}).`,
      );
    }
    // Text becomes the declared type wherever it comes from (`n: "12"` in YAML, args from code).
    input[key] = typeof value === 'string' ? coerceArgText(shape[key]!, value) : value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.length ? String(issue.path[0]) : '(args)';
    const shown = issue.path.length ? given[key] : undefined;
    const value = shown === undefined ? '' : `=${typeof shown === 'string' ? shown : JSON.stringify(shown)}`;
    // A list's bad item is named by its position (1-based, as a user counts).
    const item = typeof issue.path[1] === 'number' ? ` item ${issue.path[1] + 1}:` : '';
    throw new ConfigError(
      `${source.where}${key}${value}:${item} ${formatIssue(issue)} (declared: ${describeArgType(shape[key])})`,
    );
  }
  return parsed.data as JsonObject;
}

/** A short type for help text: 'integer', 'true|false', 'mimic|eicu|both', 'list of string'. */
export function describeArgType(schema: AnySchema | undefined): string {
  if (!schema) return 'any';
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'number':
      return (def.checks as unknown[] | undefined)?.some((check) => {
        const inner = (check as { _zod?: { def?: { format?: string } } })._zod?.def;
        return inner?.format === 'safeint' || inner?.format === 'int32';
      })
        ? 'integer'
        : 'number';
    case 'boolean':
      return 'true|false';
    case 'enum':
      return Object.values(def.entries as Record<string, string>).join('|');
    case 'literal':
      return (def.values as unknown[]).map(String).join('|');
    case 'array':
      return `comma-separated ${describeArgType(def.element as AnySchema)}`;
    case 'union':
      return (def.options as AnySchema[]).map(describeArgType).join('|');
    default:
      return def.type;
  }
}

/** The default of a declared option, or undefined. */
export function argDefault(schema: AnySchema): unknown {
  let current = schema;
  for (let depth = 0; depth < 8; depth++) {
    const def = defOf(current);
    if (def.type === 'default' || def.type === 'prefault') {
      const value = def.defaultValue;
      return typeof value === 'function' ? (value as () => unknown)() : value;
    }
    if (!('innerType' in def)) return undefined;
    current = def.innerType as AnySchema;
  }
  return undefined;
}

export interface ArgHelp {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

/** One entry per declared option, in declaration order (help, `medkit info`, the viewer). */
export function argsHelp(schema: ArgsSchema | undefined): ArgHelp[] {
  if (!schema) return [];
  return Object.entries(schema.shape as Record<string, AnySchema>).map(([key, field]) => ({
    key,
    type: describeArgType(field),
    default: argDefault(field),
    description: field.description ?? '',
  }));
}

/** Joins a benchmark's and an agent's declared options (the agent's win on a shared key). */
export function mergeArgSchemas(base: ArgsSchema | undefined, extra: ArgsSchema | undefined): ArgsSchema | undefined {
  // A benchmark that declares nothing takes anything; checking only the agent's keys would reject its own.
  if (!base || !extra) return base;
  return z.strictObject({ ...base.shape, ...extra.shape });
}
