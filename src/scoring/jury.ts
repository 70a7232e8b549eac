// Juries (MedHELM style): several judges rate the same item and their verdicts are combined by
// mean (numbers) or majority (labels); every juror's verdict, raw output and error is kept. A
// juror is a model role (a run gives each role its own model: --role judge=a --role grader=b
// --role validator=c), optionally with its own generation settings.
import {
  userMessage,
  type GenerateConfig,
  type JsonObject,
  type ModelRole,
  type Score,
  type Scorer,
  type SolverContext,
  type TaskState,
} from '../core/index.js';

export interface Juror {
  /** Name in results and logs (default: the role). */
  name?: string;
  role: ModelRole;
  config?: GenerateConfig;
}

export type JuryCombine = 'mean' | 'majority';
export type Verdict = number | string | boolean;

export interface JurorVerdict {
  juror: string;
  role: ModelRole;
  model: string | null;
  value: Verdict | null;
  raw?: string;
  error?: string;
}

export interface Combined {
  value: Verdict | null;
  /** Verdicts that entered the combination. */
  n: number;
  /** Jurors without a usable verdict (missing model, unparseable output, call failure). */
  dropped: number;
  /** Majority only: count per label, and whether the top count was shared. */
  counts?: Record<string, number>;
  tie?: boolean;
}

/** Mean of the numeric verdicts; null when none. */
export function combineMean(values: readonly (Verdict | null)[]): Combined {
  const numbers = values
    .map((value) => (typeof value === 'boolean' ? Number(value) : value))
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  return {
    value: numbers.length === 0 ? null : numbers.reduce((sum, value) => sum + value, 0) / numbers.length,
    n: numbers.length,
    dropped: values.length - numbers.length,
  };
}

/**
 * The most frequent verdict. A tie has no majority: value null and `tie: true`, unless
 * `tieBreak: 'first'` picks the tied label that the earliest juror gave.
 */
export function combineMajority(
  values: readonly (Verdict | null)[],
  { tieBreak = 'none' }: { tieBreak?: 'none' | 'first' } = {},
): Combined {
  const counts = new Map<string, { count: number; first: number; value: Verdict }>();
  values.forEach((value, index) => {
    if (value === null) return;
    const key = JSON.stringify(value);
    const entry = counts.get(key) ?? { count: 0, first: index, value };
    entry.count++;
    counts.set(key, entry);
  });
  const present = values.filter((value) => value !== null).length;
  const countRecord = Object.fromEntries([...counts.values()].map((entry) => [String(entry.value), entry.count]));
  if (counts.size === 0) return { value: null, n: 0, dropped: values.length, counts: {}, tie: false };
  const top = Math.max(...[...counts.values()].map((entry) => entry.count));
  const leaders = [...counts.values()]
    .filter((entry) => entry.count === top)
    .sort((left, right) => left.first - right.first);
  const tie = leaders.length > 1;
  return {
    value: tie && tieBreak === 'none' ? null : leaders[0]!.value,
    n: present,
    dropped: values.length - present,
    counts: countRecord,
    tie,
  };
}

export function combineVerdicts(
  values: readonly (Verdict | null)[],
  combine: JuryCombine,
  options: { tieBreak?: 'none' | 'first' } = {},
): Combined {
  return combine === 'mean' ? combineMean(values) : combineMajority(values, options);
}

export const jurorName = (juror: Juror): string => juror.name ?? juror.role;

/**
 * Asks every juror (in parallel) and combines. `ask` returns the parsed verdict or an error; a
 * juror whose role has no model, or whose call throws, is recorded with an error and dropped.
 */
export async function runJury(
  jurors: readonly Juror[],
  context: SolverContext,
  ask: (juror: Juror) => Promise<{ value: Verdict | null; raw?: string; error?: string }>,
  combine: JuryCombine,
  options: { tieBreak?: 'none' | 'first' } = {},
): Promise<{ combined: Combined; verdicts: JurorVerdict[] }> {
  if (jurors.length === 0) throw new Error('runJury: a jury needs at least one juror');
  const verdicts = await Promise.all(
    jurors.map(async (juror): Promise<JurorVerdict> => {
      const base = { juror: jurorName(juror), role: juror.role, model: context.modelName(juror.role) ?? null };
      if (!context.hasRole(juror.role))
        return {
          ...base,
          value: null,
          error: `no model for role '${juror.role}' (give one with --role ${juror.role}=<provider:model>)`,
        };
      try {
        const result = await ask(juror);
        return {
          ...base,
          value: result.value,
          ...(result.raw !== undefined ? { raw: result.raw } : {}),
          ...(result.error ? { error: result.error } : {}),
        };
      } catch (error) {
        if (context.signal.aborted) throw error;
        return { ...base, value: null, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return {
    combined: combineVerdicts(
      verdicts.map((verdict) => verdict.value),
      combine,
      options,
    ),
    verdicts,
  };
}

export interface JuryScorerOptions {
  name?: string;
  jurors: Juror[];
  combine: JuryCombine;
  tieBreak?: 'none' | 'first';
  /** The prompt each juror sees. */
  prompt: (state: TaskState) => string;
  /** Reads a verdict from a juror's output; return an error to drop the juror for this item. */
  parse: (text: string) => { value: Verdict | null; error?: string };
  /** Map a verdict to the number scores keep (default: numbers as they are, booleans 1/0, labels via `labelValue`). */
  labelValue?: (value: Verdict) => number | null;
}

/**
 * A scorer that puts one prompt to every juror. Value: `jury` (the combined verdict as a number)
 * and one key per juror; metadata keeps each juror's verdict, raw output and error; each verdict
 * is also a `judge` evidence event.
 */
export function juryScorer(options: JuryScorerOptions): Scorer {
  const toNumber =
    options.labelValue ??
    ((value: Verdict) => (typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : null));
  return {
    name: options.name ?? 'jury',
    params: {
      jurors: options.jurors.map((juror) => ({ name: jurorName(juror), role: juror.role })),
      combine: options.combine,
      tieBreak: options.tieBreak ?? 'none',
    },
    async score(state, context): Promise<Score> {
      const prompt = options.prompt(state);
      const { combined, verdicts } = await runJury(
        options.jurors,
        context,
        async (juror) => {
          const output = await context.generate(
            { messages: [userMessage(prompt)], config: { ...context.generateConfig, ...juror.config } },
            { role: juror.role, recordInput: true },
          );
          return { ...options.parse(output.text), raw: output.text };
        },
        options.combine,
        { tieBreak: options.tieBreak ?? 'none' },
      );
      for (const verdict of verdicts) {
        context.record({
          type: 'evidence',
          kind: 'judge',
          title: `juror ${verdict.juror}`,
          data: {
            dimension: `juror ${verdict.juror}`,
            rating: verdict.value,
            rationale: verdict.error ?? verdict.raw ?? '',
            model: verdict.model,
          },
        });
      }
      const value: Record<string, number | null> = { jury: combined.value === null ? null : toNumber(combined.value) };
      for (const verdict of verdicts) value[verdict.juror] = verdict.value === null ? null : toNumber(verdict.value);
      const note = `${options.combine} of ${combined.n} juror${combined.n === 1 ? '' : 's'}${combined.dropped ? `, ${combined.dropped} dropped` : ''}${combined.tie ? ', tied (no majority)' : ''}`;
      return {
        value,
        answer: state.output.text,
        explanation: [
          note,
          ...verdicts.map(
            (verdict) =>
              `${verdict.juror} (${verdict.model ?? 'no model'}): ${verdict.error ? `error: ${verdict.error}` : String(verdict.value)}`,
          ),
        ].join('\n'),
        metadata: {
          combine: options.combine,
          combined: combined as unknown as JsonObject,
          verdicts: verdicts as unknown as JsonObject[],
        },
      };
    },
  };
}
