// The static bundle's data layout (medkit view --bundle), shared by the writer (bundle.ts) and the
// web app that reads it (web/src/bundle-data.ts). A bundle is plain files: index.html, web/app.js,
// web/style.css, data/bundle.js (this index) and data parts loaded on demand. Every data file is a
// classic script, because a page opened from file:// may run scripts but may not fetch() files.

/** Samples per part file of full records. */
export const RECORDS_PER_PART = 100;

/** The global a part script fills: `(window.MEDKIT_PARTS ??= {})[name] = value`. */
export const PARTS_GLOBAL = 'MEDKIT_PARTS';

export interface BundleIndex {
  format: 1;
  created: string;
  medkit: string;
  /** The /api/runs answer, restricted to the chosen runs. */
  runs: { root: string; runs: unknown[] };
  /** run → the /api/run answer. */
  run: Record<string, unknown>;
  /** run → part names: the sample table rows and the full records in RECORDS_PER_PART chunks. */
  parts: Record<string, { rows: string; records: string[] }>;
  /** benchmark → the /api/leaderboard answer. */
  leaderboard: Record<string, unknown>;
  /** `${a}\n${b}` → part name of the /api/compare answer. */
  compare: Record<string, string>;
  notes: string[];
}

/** One row of the sample table as /api/samples returns it. */
export interface BundleRow {
  id: string;
  epoch: number;
  scores: Record<string, number | null>;
  answers: Record<string, string>;
  groups: Record<string, string>;
  output: string;
  outputLength?: number;
  error: string | null;
  tokens: number;
  cost: number;
  durationMs: number | null;
}

/** A records part: full sample records and, per record, its images (bundle-relative URLs or why not). */
export interface RecordsPart {
  records: unknown[];
  images: Record<string, { url: string } | { refused: string }>[];
}

declare global {
  interface Window {
    MEDKIT_BUNDLE?: BundleIndex;
    MEDKIT_PARTS?: Record<string, unknown>;
  }
}
