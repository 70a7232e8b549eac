// VGMED ("How do medical MLLMs fail?", ICLR 2026): visual grounding of medical MLLMs, measured by
// how their attention over image tokens lines up with the GT region of a question that already
// names its target. See README.md for the contract and the deviations.
import { z } from 'zod';
import { ConfigError, defineBenchmark, type BenchmarkOptions } from '../../core/index.js';
import { loadVgmed } from './items.js';
import { phantomDataset } from './synthetic.js';
import { attentionMapsSolver, boxProxySolver, brightestRegionSolver, type BoxUnits } from './solvers.js';
import {
  attentionGroundingScorer,
  boxIouProxyScorer,
  perLayerMetric,
  proxyLabelMetric,
  proxyMicroMetric,
} from './scorers.js';

const str = (options: BenchmarkOptions, key: string): string | undefined =>
  typeof options.args[key] === 'string' ? (options.args[key] as string) : undefined;
const num = (options: BenchmarkOptions, key: string, fallback: number): number => {
  const value = options.args[key];
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new ConfigError(`--arg ${key}=${String(value)}: expected a number`);
  return parsed;
};

const dataset = (options: BenchmarkOptions) => {
  const data = str(options, 'data');
  const onError = options.onDataError;
  if (data) {
    const files = data.split(',');
    return (async function* () {
      for (const file of files)
        yield* loadVgmed(file, { imagesDir: str(options, 'images'), ...(onError ? { lenient: true, onError } : {}) });
    })();
  }
  return phantomDataset(options.cacheDir, options.seed, phantomCount(options), onError);
};

function phantomCount(options: BenchmarkOptions): number {
  const n = num(options, 'n', 24);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(`--arg n=${String(options.args.n)}: expected a positive integer`);
  return n;
}

const scorers = (options: BenchmarkOptions) => {
  const layer = options.args.layer; // a number from a config file, or a string from --arg
  const heads = options.args.heads === true || options.args.heads === 'true' ? str(options, 'attention') : undefined;
  return [
    attentionGroundingScorer(layer === undefined || layer === 'mean' ? 'mean' : num(options, 'layer', 0), heads),
    boxIouProxyScorer(num(options, 'threshold', 0.5)),
  ];
};

const vgmedArgs = z.strictObject({
  data: z
    .string()
    .optional()
    .describe(
      'comma-separated VGMED JSONL files (VGMED_localization.jsonl, VGMED_attribute.jsonl, COCO_*.jsonl); default: the phantom set',
    ),
  images: z.string().optional().describe("folder the image paths are relative to (default: each JSONL file's folder)"),
  n: z.number().int().positive().default(24).describe('phantom images to generate (two questions each)'),
  attention: z
    .string()
    .optional()
    .describe('attention-maps solver: JSON {id: {grid, maps, generic?}} or JSONL {id, grid, maps, generic?}'),
  grid: z
    .string()
    .default('huatuogpt-vision')
    .describe('baseline token grid: huatuogpt-vision (24x24), qwen2.5-vl, or ROWSxCOLS'),
  layer: z
    .union([z.literal('mean'), z.number().int().nonnegative()])
    .default('mean')
    .describe("'mean' over layers or a 0-based layer index for attention_grounding"),
  heads: z
    .boolean()
    .default(false)
    .describe(
      'per-[layer][head] metrics from a [layer][head][token] attention file, in score metadata (measure_attention_head.py)',
    ),
  units: z.enum(['pixel', 'per1000', 'unit']).default('pixel').describe('box-proxy coordinates the model is asked for'),
  threshold: z.number().min(0).max(1).default(0.5).describe('IoU threshold of the box proxy hit rate'),
});

export const vgmed = defineBenchmark({
  name: 'vgmed',
  version: 1,
  description:
    'VGMED visual grounding: Attention Ratio / KL / JS from user-supplied attention maps; box-IoU proxy (not the paper metric) for API models',
  tags: ['image-vqa', 'grounding'],
  dataset,
  solvers: {
    baseline: (options) => brightestRegionSolver(str(options, 'grid') ?? 'huatuogpt-vision'),
    default: (options) => boxProxySolver((str(options, 'units') ?? 'pixel') as BoxUnits),
    'attention-maps': (options) => attentionMapsSolver(str(options, 'attention')),
  },
  scorers,
  metrics: () => [proxyLabelMetric(), perLayerMetric(), proxyMicroMetric()],
  groupBy: ['question_type'],
  args: vgmedArgs,
  headline: [{ scorer: 'attention_grounding.attention_ratio', metric: 'mean', label: 'Attention Ratio' }],
  bookkeeping: ['box_iou_proxy.px_*'],
});

/** The embedded default: the same benchmark over the phantom set (no --arg data). */
export const vgmedPhantom = defineBenchmark({
  ...vgmed,
  name: 'vgmed-phantom',
  description: 'VGMED on seeded chest-X-ray and fundus phantoms with exact boxes (embedded default)',
  dataset: (options) => phantomDataset(options.cacheDir, options.seed, phantomCount(options), options.onDataError),
  args: vgmedArgs.omit({ data: true, images: true }),
});
