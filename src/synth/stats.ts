// `medkit synth stats <dir>`: counts at each stage, pass rate per essential gate, a score histogram,
// answer positions before and after rebalancing, modality and anatomy distributions. Streams the files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/index.js';
import { ESSENTIAL_TITLES } from '../scoring/medvlsynther-rubric.js';
import { DUPLICATES_FILE, ITEMS_FILE, STAGE_FILE, type StageRecord } from './pipeline.js';
import { readStage } from './stage-log.js';

export interface SynthStats {
  counts: {
    figures: number;
    generateFailed: number;
    verifyFailed: number;
    verified: number;
    unscorable: number;
    accepted: number;
    deduplicated: number;
    written: number;
  };
  gatePassRate: Record<
    string,
    { passed: number; n: number; rate: number; judgedByRulesOnly: number; judgedByReferenceVision: number }
  >;
  /** Ten bins over [0, 1]; the last includes 1. */
  scoreHistogram: number[];
  positionsBefore: Record<string, number>;
  positionsAfter: Record<string, number>;
  modality: Record<string, number>;
  anatomy: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export async function synthStats(dir: string): Promise<SynthStats> {
  const stage = join(dir, STAGE_FILE);
  if (!existsSync(stage)) throw new ConfigError(`${dir}: no ${STAGE_FILE}; is this a medkit synth output folder?`);
  const stats: SynthStats = {
    counts: {
      figures: 0,
      generateFailed: 0,
      verifyFailed: 0,
      verified: 0,
      unscorable: 0,
      accepted: 0,
      deduplicated: 0,
      written: 0,
    },
    gatePassRate: Object.fromEntries(
      ESSENTIAL_TITLES.map((title) => [
        title,
        { passed: 0, n: 0, rate: Number.NaN, judgedByRulesOnly: 0, judgedByReferenceVision: 0 },
      ]),
    ),
    scoreHistogram: new Array(10).fill(0),
    positionsBefore: {},
    positionsAfter: {},
    modality: {},
    anatomy: {},
  };
  for await (const record of readStage<StageRecord>(stage)) {
    stats.counts.figures++;
    bump(stats.modality, record.modality ?? '(unknown)');
    bump(stats.anatomy, record.anatomy ?? '(unknown)');
    if (record.status === 'failed') {
      if (record.stage === 'verify') stats.counts.verifyFailed++;
      else stats.counts.generateFailed++;
      continue;
    }
    stats.counts.verified++;
    if (record.verify_score === null || record.verify_score === undefined) stats.counts.unscorable++;
    else stats.scoreHistogram[Math.min(9, Math.floor(record.verify_score * 10))]!++;
    if (record.accepted) {
      stats.counts.accepted++;
      if (record.mcq) bump(stats.positionsBefore, record.mcq.answer);
    }
    if (!record.rubric) continue;
    const missing = new Set((record.missing_essentials ?? []).map((t) => t.toLowerCase()));
    for (const title of ESSENTIAL_TITLES) {
      const gate = stats.gatePassRate[title]!;
      gate.n++;
      if (!missing.has(title.toLowerCase())) gate.passed++;
      if (record.judged_by_rules?.includes(title) || record.assumed_passed?.includes(title)) gate.judgedByRulesOnly++;
      if (record.judged_by_vision?.judged.includes(title)) gate.judgedByReferenceVision++;
    }
  }
  for (const gate of Object.values(stats.gatePassRate)) gate.rate = gate.n ? gate.passed / gate.n : Number.NaN;
  for await (const _ of readStage(join(dir, DUPLICATES_FILE))) stats.counts.deduplicated++;
  for await (const item of readStage<{ answer_label?: string }>(join(dir, ITEMS_FILE))) {
    stats.counts.written++;
    bump(stats.positionsAfter, item.answer_label ?? '?');
  }
  return stats;
}

export function formatSynthStats(stats: SynthStats): string {
  const c = stats.counts;
  const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);
  const dist = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '—';
  return [
    `figures ${c.figures} → generated ${c.figures - c.generateFailed} (failed ${c.generateFailed}) → verified ${c.verified} (failed ${c.verifyFailed}, unscorable ${c.unscorable}) → accepted ${c.accepted}${c.deduplicated ? ` → ${c.deduplicated} near-duplicate stems removed` : ''} → written ${c.written}`,
    'essential gates (pass rate; judged by rules only):',
    ...Object.entries(stats.gatePassRate).map(
      ([title, g]) =>
        `  ${title.padEnd(26)} ${pct(g.rate).padStart(6)} of ${g.n}${g.judgedByRulesOnly ? `; ${g.judgedByRulesOnly} by rules only` : ''}${g.judgedByReferenceVision ? `; ${g.judgedByReferenceVision} by the reference vision model (not an LLM)` : ''}`,
    ),
    `score histogram (0.0–1.0, 10 bins): ${stats.scoreHistogram.join(' ')}`,
    `answer positions before rebalancing: ${dist(stats.positionsBefore)}`,
    `answer positions after rebalancing:  ${dist(stats.positionsAfter)}`,
    `modality: ${dist(stats.modality)}`,
    `anatomy: ${dist(stats.anatomy)}`,
  ].join('\n');
}
