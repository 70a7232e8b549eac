// Named presets of `medkit synth`: the filter threshold, require_pass and dedupe, recorded in the run spec.
import { ConfigError } from '../core/index.js';
import { ACCEPT_MIN_SCORE, DEFAULT_MIN_SCORE } from '../scoring/medvlsynther-rubric.js';

export interface SynthPreset {
  name: string;
  minScore: number;
  requirePass: boolean;
  /** Near-duplicate stem removal (a medkit addition; off where upstream did not do it). */
  dedupe: boolean;
  /** Non-LLM template generator and rules verifier; every output is labelled as such. */
  nonLlm: boolean;
  description: string;
}

export const SYNTH_PRESETS: Record<string, SynthPreset> = {
  upstream: {
    name: 'upstream',
    minScore: DEFAULT_MIN_SCORE,
    requirePass: false,
    dedupe: false,
    nonLlm: false,
    description: "filter_by_score.py's defaults: verify_score ≥ 0.95, no require_pass",
  },
  mean9670: {
    name: 'mean9670',
    minScore: ACCEPT_MIN_SCORE,
    requirePass: true,
    dedupe: false,
    nonLlm: false,
    description: 'the documented 13K run: --min_score 0.9670 --require_pass',
  },
  'rules-only': {
    name: 'rules-only',
    minScore: ACCEPT_MIN_SCORE,
    requirePass: true,
    dedupe: false,
    nonLlm: true,
    description:
      'non-LLM: template generator and rules verifier; gates rules cannot judge count as passed (listed per item)',
  },
};

export function findPreset(name: string): SynthPreset {
  const preset = SYNTH_PRESETS[name];
  if (!preset)
    throw new ConfigError(`unknown synth preset '${name}'; presets: ${Object.keys(SYNTH_PRESETS).join(', ')}`);
  return preset;
}
