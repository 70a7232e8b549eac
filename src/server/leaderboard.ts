// One benchmark's runs ranked by its headline metric (95% CIs from each run's summary), each
// compared with the top run by a paired test over the (sample id, epoch) units both runs scored:
// the paired bootstrap of the mean difference and a Wilcoxon signed-rank test on the per-unit values
// of the headline's scorer key. Runs whose task version or arguments differ from the top run's
// answered other questions, so they are ranked but not paired (the row says why).
import type { HeadlineMetric } from '../core/index.js';
import { pairedBootstrap, wilcoxonSignedRank } from '../stats/index.js';
import { type HeadlineValue, headlineRefs, resolveHeadline } from './headline.js';
import type { RunListing, RunStore } from './runs.js';

export interface PairedVsTop {
  /** Mean over shared units of (this run − top run). */
  difference: number;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
  wilcoxonP: number | null;
  units: number;
}

export interface LeaderboardRow {
  rank: number | null;
  run: string;
  models: Record<string, string>;
  solverName: string;
  status: RunListing['status'];
  errors: number | null;
  created: string;
  args: Record<string, unknown>;
  headline: HeadlineValue | null;
  /** null for the top run and for runs without a value. */
  paired: PairedVsTop | null;
  /** Why there is no paired test (different task args, no shared units...). */
  unpaired?: string;
}

export interface Leaderboard {
  benchmark: string;
  /** The metric runs are ranked by, and where its definition came from. */
  headline: (HeadlineMetric & { source: HeadlineValue['source'] }) | null;
  top: string | null;
  rows: LeaderboardRow[];
  notes: string[];
}

/** Stable text of task args (keys sorted at every level) to tell runs of the same task apart. */
export function canonicalArgs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalArgs).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalArgs((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Per-unit values of a score key: `${epoch}\0${id}` → value (units without a number left out). */
function unitValues(store: RunStore, run: string, key: string): Map<string, number> {
  let index: ReturnType<RunStore['index']>;
  try {
    index = store.index(run);
  } catch {
    return new Map(); // no samples.jsonl yet
  }
  const column = index.scores.get(key);
  const values = new Map<string, number>();
  if (!column) return values;
  for (let row = 0; row < column.length; row++) {
    const value = column[row]!;
    if (!Number.isNaN(value)) values.set(`${index.epochs[row]}\u0000${index.ids[row]}`, value);
  }
  return values;
}

function argsDifference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((key) => canonicalArgs(a[key]) !== canonicalArgs(b[key]))
    .map((key) => `${key}=${a[key] === undefined ? '(unset)' : canonicalArgs(a[key])}`)
    .join(', ');
}

/** `runs` restricts the board to those runs (a bundle's choice); by default every run in the folder. */
export function leaderboard(store: RunStore, benchmark: string, seed = 0, runs?: readonly string[]): Leaderboard {
  const listings = (runs ? runs.map((run) => store.listing(run)) : store.listings())
    .filter((listing) => listing.benchmark === benchmark && !listing.problem)
    .sort((a, b) => (a.created < b.created ? 1 : -1));
  const summaries = listings.map((listing) => store.summary(listing.run));
  const { refs, source } = headlineRefs(summaries, store.declaredHeadline(benchmark));
  const ref = refs[0];
  const notes: string[] = [];
  if (source === 'first metric' && ref)
    notes.push(`no headline metric is declared for ${benchmark}: ranked by the first metric (${ref.scorer} mean)`);
  const lowerIsBetter = (ref as { lowerIsBetter?: boolean } | undefined)?.lowerIsBetter === true;
  const rows: LeaderboardRow[] = listings.map((listing, position) => {
    const headline = ref ? (resolveHeadline(summaries[position]!, [ref])[0] ?? null) : null;
    return {
      rank: null,
      run: listing.run,
      models: listing.models,
      solverName: listing.solverName,
      status: listing.status,
      errors: listing.errors,
      created: listing.created,
      args: listing.task.args,
      // resolveHeadline falls back to the run's first metric; a leaderboard compares one metric only
      headline: headline && headline.scorer === ref?.scorer && headline.metric === ref?.metric ? headline : null,
      paired: null,
    };
  });
  const score = (row: LeaderboardRow) => row.headline?.value ?? null;
  rows.sort((a, b) => {
    const x = score(a);
    const y = score(b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return lowerIsBetter ? x - y : y - x;
  });
  rows.forEach((row, position) => {
    row.rank = score(row) === null ? null : position + 1;
  });
  const top = rows.find((row) => score(row) !== null);
  if (top && ref) {
    const topListing = listings.find((listing) => listing.run === top.run)!;
    const topValues = unitValues(store, top.run, ref.scorer);
    for (const row of rows) {
      if (row === top) continue;
      if (score(row) === null) {
        row.unpaired = `no ${ref.scorer} ${ref.metric} in this run`;
        continue;
      }
      const listing = listings.find((candidate) => candidate.run === row.run)!;
      if (listing.task.version !== topListing.task.version) {
        row.unpaired = `task version ${listing.task.version}, the top run's is ${topListing.task.version}`;
        continue;
      }
      const differs = argsDifference(listing.task.args, topListing.task.args);
      if (differs) {
        row.unpaired = `different task args (${differs})`;
        continue;
      }
      const values = unitValues(store, row.run, ref.scorer);
      const mine: number[] = [];
      const theirs: number[] = [];
      for (const [unit, value] of values) {
        const other = topValues.get(unit);
        if (other !== undefined) {
          mine.push(value);
          theirs.push(other);
        }
      }
      if (mine.length < 2) {
        row.unpaired = `${mine.length} (sample, epoch) unit${mine.length === 1 ? '' : 's'} shared with the top run`;
        continue;
      }
      const bootstrap = pairedBootstrap(mine, theirs, { seed });
      let wilcoxonP: number | null = null;
      try {
        wilcoxonP = wilcoxonSignedRank(mine, theirs).pValue;
      } catch {
        wilcoxonP = null; // all differences zero
      }
      const finite = (value: number) => (Number.isFinite(value) ? value : null);
      row.paired = {
        difference: bootstrap.estimate,
        lower: finite(bootstrap.lower),
        upper: finite(bootstrap.upper),
        pValue: finite(bootstrap.pValue),
        wilcoxonP: wilcoxonP === null ? null : finite(wilcoxonP),
        units: mine.length,
      };
    }
    if (ref.task)
      notes.push(
        `${ref.label ?? ref.metric} is a task-level metric; the paired test uses the per-unit ${ref.scorer} values`,
      );
  }
  return {
    benchmark,
    headline: ref ? { ...ref, source } : null,
    top: top?.run ?? null,
    rows,
    notes,
  };
}
