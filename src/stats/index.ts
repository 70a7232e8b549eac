// medkit/stats: pure statistics (no I/O, no clock), seeded where random. Implements the Metric
// and EpochReducer contracts of src/core/metrics.ts.
export { StatsInputError } from './errors.js';
export { mean, sampleStdDev } from './descriptive.js';
export { normalCdf, normalSf } from './normal.js';
export { bootstrapCI, pairedBootstrap } from './bootstrap.js';
export type { BootstrapOptions, BootstrapInterval, PairedBootstrapResult } from './bootstrap.js';
export { clusteredStdErr } from './stderr.js';
export { passAtK, passHatK, meanPassAtK, meanPassHatK, isSuccess, SUCCESS_TOLERANCE } from './pass-k.js';
export type { TrialCounts } from './pass-k.js';
export { wilcoxonSignedRank } from './wilcoxon.js';
export type { WilcoxonOptions, WilcoxonResult } from './wilcoxon.js';
export { krippendorffAlpha } from './krippendorff.js';
export type { MeasurementLevel, RatingValue } from './krippendorff.js';
export { cohenKappa, matthewsCorrelation, precisionRecallF1, balancedF1 } from './agreement.js';
export type { Label, CohenKappaOptions, PrecisionRecallF1 } from './agreement.js';
export { meanReducer, passAtKReducer, passHatKReducer, atLeastKReducer } from './reducers.js';
export { meanMetric, passAtKMetric, passHatKMetric, flipRate, groupedMetrics } from './metrics.js';
export type { MeanMetricOptions, ScoreColumn } from './metrics.js';
export { summariseScores } from './summary.js';
export type { SummaryOptions } from './summary.js';
export { createRng, hashSeed } from './random.js';
export type { Rng } from './random.js';
