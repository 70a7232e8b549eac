// CARE as solvers a user picks: `--solver care-flow` (and care-coord) on benchmarks tagged
// 'closed-answer' and 'single-image' (the registry refuses others with agentRefusal). README.md.
import {
  ConfigError,
  defineAgent,
  parseOwnArgs,
  type BenchmarkOptions,
  type JsonObject,
  type Solver,
} from '../../core/index.js';
import { coordEditMetrics, coordEditScorer } from './coord-metrics.js';
import { careEntityReward } from './entity-reward.js';
import { solveCareCoord } from './coord.js';
import { solveCareFlow } from './flow.js';
import { careArgs, type CareOptions } from './options.js';
import { classicalSegmenter, httpSegmenter, onnxSegmenter, type Segmenter } from './segment.js';

export function careOptions(args: JsonObject): CareOptions {
  const options = parseOwnArgs(careArgs, args);
  if (options.segmenter === 'http' && !options.segmenter_url)
    throw new ConfigError('--arg segmenter=http needs --arg segmenter_url=http://127.0.0.1:PORT/segment');
  if (options.segmenter === 'onnx' && !options.segmenter_onnx)
    throw new ConfigError('--arg segmenter=onnx needs --arg segmenter_onnx=path/to/segmenter.onnx');
  return options;
}

export function careSegmenter(options: CareOptions): Segmenter {
  if (options.segmenter === 'http') return httpSegmenter(options.segmenter_url!);
  if (options.segmenter === 'onnx') return onnxSegmenter(options.segmenter_onnx!);
  return classicalSegmenter({ scale: options.seg_scale });
}

// Both CARE solvers take the same options and segmenter; only the step after the evidence differs.
function careSolver(name: string, solve: typeof solveCareFlow) {
  return (benchmarkOptions: BenchmarkOptions): Solver => {
    const options = careOptions(benchmarkOptions.args);
    const segmenter = careSegmenter(options);
    return {
      name,
      params: options as unknown as JsonObject,
      solve: (state, context) => solve(state, context, options, segmenter, benchmarkOptions.cacheDir),
    };
  };
}

export const careFlowSolver = careSolver('care-flow', solveCareFlow);

export const careFlow = defineAgent({
  name: 'care-flow',
  description:
    'CARE-Flow (Du et al., ICLR 2026): entities → masks with confidence (keep C ≥ 0.70) → zoom / mask / global views → one answer per view → majority vote; every mask and view in the log',
  accepts: ['image-vqa'],
  requires: ['closed-answer', 'single-image'],
  roles: ['proposer'],
  args: careArgs,
  createSolver: careFlowSolver,
  rewards: [careEntityReward],
});

export const careCoordSolver = careSolver('care-coord', solveCareCoord);

export const careCoord = defineAgent({
  name: 'care-coord',
  description:
    'CARE-Coord (Du et al., ICLR 2026): a coordinator (role coordinator; rule baseline without one) plans the evidence view, reviews reasoning against answer and may send the case back; every edit logged',
  accepts: ['image-vqa'],
  requires: ['closed-answer', 'single-image'],
  roles: ['proposer', 'coordinator'],
  args: careArgs,
  createSolver: careCoordSolver,
  scorers: () => [coordEditScorer()],
  metrics: () => [coordEditMetrics()],
});
