// Curation filters of `medkit synth` (upstream: synthesis/curate_data_json_mp_wholeset.py), recorded in the
// run spec. Two options:
// - a modality whitelist: `upstream` is upstream's is_allowed_image (primary label "clinical imaging" with one
//   of its 23 clinical secondaries, or "microscopy" with "light microscopy"); a list keeps figures any of whose
//   labels (secondary labels, else the figure's modality) is in it. Applied per image before grouping, as upstream.
// - balanced buckets: a total N split evenly over the categories (upstream's 24 = 23 clinical + light
//   microscopy, or the whitelist given), remainder to the first; each category's N split over group sizes
//   K = 1..6 as 90/2/2/2/2/2% (rounded, the error put on K = 1). A group belongs to the categories among its
//   labels. Upstream samples each (category, K) bucket at random from a full index; a stream cannot, so a group
//   is taken by the first of its categories (in category order) whose K bucket still has room, first come
//   first served (documented deviation). Groups with no category are dropped, as upstream drops them.
import { ConfigError } from '../core/index.js';
import type { Figure } from './figures.js';

export const CLINICAL_SECONDARIES = [
  'x-ray radiography',
  'optical coherence tomography',
  'endoscopy',
  'intraoral imaging',
  'angiography',
  'procedural image',
  'skull',
  'patient photo',
  'functional magnetic resonance',
  'magnetic resonance',
  'eye',
  'mammography',
  'electrocardiography',
  'clinical imaging',
  'skin lesion',
  'ultrasound',
  'specimen',
  'computerized tomography',
  'laryngoscopy',
  'teeth',
  'intraoperative image',
  'surgical procedure',
  'brain',
] as const;
export const UPSTREAM_BALANCE_CATEGORIES: readonly string[] = [...CLINICAL_SECONDARIES, 'light microscopy'];
/** Upstream's K_DIST: the share of figures with K images. */
export const UPSTREAM_K_DISTRIBUTION: Record<number, number> = { 1: 0.9, 2: 0.02, 3: 0.02, 4: 0.02, 5: 0.02, 6: 0.02 };

/** What the run spec records. */
export interface CurationSpec {
  /** `upstream` (is_allowed_image) or lower-cased labels; absent: no whitelist. */
  modalities?: 'upstream' | string[];
  buckets?: {
    total: number;
    categories: string[];
    kDistribution: Record<number, number>;
    /** category → K → quota */
    quotas: Record<string, Record<number, number>>;
  };
}

export interface CurationCounts {
  seen: number;
  kept: number;
  dropped: { modality: number; noCategory: number; bucketFull: number };
  /** category → K → taken */
  taken?: Record<string, Record<number, number>>;
}

/** Parses `--modalities` (`upstream` or a comma list) and `--buckets N` into the spec. */
export function curationSpec(modalities?: string, buckets?: string): CurationSpec {
  const spec: CurationSpec = {};
  if (modalities !== undefined) {
    const list = modalities
      .split(',')
      .map((m) => m.trim().toLowerCase())
      .filter(Boolean);
    if (!list.length) throw new ConfigError(`--modalities '${modalities}': expected 'upstream' or a comma list`);
    spec.modalities = list.length === 1 && list[0] === 'upstream' ? 'upstream' : list;
  }
  if (buckets !== undefined) {
    const total = Number(buckets);
    if (!Number.isInteger(total) || total < 1)
      throw new ConfigError(`--buckets ${buckets}: expected a positive integer`);
    const categories = Array.isArray(spec.modalities) ? spec.modalities : [...UPSTREAM_BALANCE_CATEGORIES];
    spec.buckets = {
      total,
      categories,
      kDistribution: UPSTREAM_K_DISTRIBUTION,
      quotas: bucketQuotas(total, categories),
    };
  }
  return spec;
}

/** upstream's split_evenly_total + compute_targets_per_cat. */
export function bucketQuotas(
  total: number,
  categories: readonly string[],
  distribution = UPSTREAM_K_DISTRIBUTION,
): Record<string, Record<number, number>> {
  const share = Math.floor(total / categories.length);
  const remainder = total % categories.length;
  const quotas: Record<string, Record<number, number>> = {};
  categories.forEach((category, i) => {
    const n = share + (i < remainder ? 1 : 0);
    // Python's round() is round-half-to-even; n × 0.02 and n × 0.9 at .5 are rare but kept exact
    const perK = Object.fromEntries(Object.entries(distribution).map(([k, p]) => [Number(k), roundHalfEven(n * p)]));
    const delta = n - Object.values(perK).reduce((a, b) => a + b, 0);
    if (delta) perK[1] = Math.max(0, (perK[1] ?? 0) + delta);
    quotas[category] = perK;
  });
  return quotas;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (Math.abs(fraction - 0.5) > 1e-9) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

const lower = (labels: readonly string[]) => labels.map((l) => l.trim().toLowerCase());

export class Curation {
  readonly counts: CurationCounts = { seen: 0, kept: 0, dropped: { modality: 0, noCategory: 0, bucketFull: 0 } };
  private readonly taken: Record<string, Record<number, number>> = {};
  constructor(readonly spec: CurationSpec) {
    if (spec.buckets) this.counts.taken = this.taken;
  }

  get active(): boolean {
    return this.spec.modalities !== undefined || this.spec.buckets !== undefined;
  }

  /** The whitelist on one image's labels (WebDataset records, before grouping); counts what it drops. */
  allowLabels = (labels: { primary: string[]; secondary: string[] }): boolean => {
    const ok = this.allowed(lower(labels.primary), lower(labels.secondary));
    if (!ok) this.counts.dropped.modality++;
    return ok;
  };

  private allowed(primary: string[], secondary: string[]): boolean {
    const whitelist = this.spec.modalities;
    if (!whitelist) return true;
    if (whitelist === 'upstream')
      return (
        (primary.includes('clinical imaging') &&
          secondary.some((s) => (CLINICAL_SECONDARIES as readonly string[]).includes(s))) ||
        (primary.includes('microscopy') && secondary.includes('light microscopy'))
      );
    return secondary.some((s) => whitelist.includes(s));
  }

  /** The figure's labels: secondary labels where the source has them, else its modality. */
  private static secondary(figure: Figure): string[] {
    const labels = lower(figure.labels?.secondary ?? []);
    if (!labels.length && figure.modality) labels.push(figure.modality.toLowerCase());
    return labels;
  }

  /** The whitelist (figures from sources without per-image labels) and the bucket quotas, streaming. */
  async *apply(figures: AsyncIterable<Figure>): AsyncGenerator<Figure> {
    const buckets = this.spec.buckets;
    let room = buckets
      ? Object.values(buckets.quotas).reduce((sum, perK) => sum + Object.values(perK).reduce((a, b) => a + b, 0), 0)
      : Number.POSITIVE_INFINITY;
    for await (const figure of figures) {
      if (room <= 0) break; // every bucket is full: the rest of the input is not read
      this.counts.seen++;
      const secondary = Curation.secondary(figure);
      const primary = figure.labels ? lower(figure.labels.primary) : ['clinical imaging'];
      if (!figure.labels && !this.allowed(primary, secondary)) {
        this.counts.dropped.modality++;
        continue;
      }
      if (buckets) {
        const mine = buckets.categories.filter((c) => secondary.includes(c));
        if (!mine.length) {
          this.counts.dropped.noCategory++;
          continue;
        }
        const k = figure.images.length;
        const category = mine.find((c) => (this.taken[c]?.[k] ?? 0) < (buckets.quotas[c]?.[k] ?? 0));
        if (!category) {
          this.counts.dropped.bucketFull++;
          continue;
        }
        const row = (this.taken[category] ??= {});
        row[k] = (row[k] ?? 0) + 1;
        room--;
      }
      this.counts.kept++;
      yield figure;
    }
  }
}
