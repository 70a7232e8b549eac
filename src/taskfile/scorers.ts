// The scorer catalogue of task files: a name (and options) → one of the reusable scorers in
// src/scoring. Entries are `exact` or `{regex: {pattern: ...}}`; options are checked strictly.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Metric, ModelRole, Scorer } from '../core/index.js';
import { boxIouScorer, boxOverlapMicroMetric } from '../scoring/box-iou.js';
import { choiceScorer } from '../scoring/choice.js';
import { rougeScorer } from '../scoring/rouge.js';
import type { RubricItem } from '../scoring/rubric.js';
import { rubricGrader } from '../scoring/rubric.js';
import { sqlResultScorer } from '../scoring/sql-scorer.js';
import { stepJudgeScorer } from '../scoring/step-judge.js';
import { exactScorer, includesScorer, numericScorer, regexScorer } from '../scoring/text-match.js';
import { SCORER_KINDS, scorerOptionSchemas, type ScorerKind } from './schema.js';
import { parseAt, type YamlSource } from './yaml-source.js';

export interface CatalogueScorer {
  kind: ScorerKind;
  /** Builds the scorer (deferred, so a scorer that opens files does so only when a run starts). */
  create(): Scorer;
  /** The key its values appear under in the summary ('exact', 'box_iou.iou'). */
  headlineKey: string;
  metrics: Metric[];
  role?: ModelRole;
}

type Options<K extends ScorerKind> = NonNullable<ReturnType<(typeof scorerOptionSchemas)[K]['parse']>>;

const renamed = (scorer: Scorer, name: string | undefined): Scorer => (name ? { ...scorer, name } : scorer);

function catalogueEntry(
  kind: ScorerKind,
  options: Options<ScorerKind>,
  baseDir: string,
  source: YamlSource,
  index: number,
): CatalogueScorer {
  const named = options.name;
  const key = (own: string, sub?: string) => `${named ?? own}${sub ? `.${sub}` : ''}`;
  switch (kind) {
    case 'choice':
      return { kind, create: () => renamed(choiceScorer(), named), headlineKey: key('choice'), metrics: [] };
    case 'exact':
      return { kind, create: () => renamed(exactScorer(), named), headlineKey: key('exact'), metrics: [] };
    case 'includes': {
      const { ignoreCase } = options as Options<'includes'>;
      return {
        kind,
        create: () => renamed(includesScorer({ ignoreCase }), named),
        headlineKey: key('includes'),
        metrics: [],
      };
    }
    case 'regex': {
      const { pattern, ignoreCase } = options as Options<'regex'>;
      try {
        new RegExp(pattern);
      } catch (error) {
        throw source.error(['scorers', index, kind, 'pattern'], (error as Error).message);
      }
      return {
        kind,
        create: () => renamed(regexScorer({ pattern, ignoreCase }), named),
        headlineKey: key('regex'),
        metrics: [],
      };
    }
    case 'numeric': {
      const { tolerance, relative, pick } = options as Options<'numeric'>;
      return {
        kind,
        create: () => renamed(numericScorer({ tolerance, relative, pick }), named),
        headlineKey: key('numeric'),
        metrics: [],
      };
    }
    case 'rouge':
      return { kind, create: () => renamed(rougeScorer(), named), headlineKey: key('rouge_l'), metrics: [] };
    case 'rubric': {
      const { field = 'rubrics', maxAttempts } = options as Options<'rubric'>;
      return {
        kind,
        role: 'grader',
        create: () =>
          renamed(
            rubricGrader({
              rubricsOf: (state) => (state.sample.metadata?.[field] ?? []) as unknown as RubricItem[],
              ...(maxAttempts ? { maxAttempts } : {}),
            }),
            named,
          ),
        headlineKey: key('rubric', 'overall_score'),
        metrics: [],
      };
    }
    case 'step-judge': {
      const { splitter, maxSteps } = options as Options<'step-judge'>;
      return {
        kind,
        role: 'judge',
        create: () =>
          renamed(
            stepJudgeScorer({
              rationale: (state) => state.output.text,
              judgeCase: (state) => ({ finalDiagnosis: String(state.sample.target ?? '') }),
              ...(splitter ? { splitter } : {}),
              ...(maxSteps ? { maxSteps } : {}),
            }),
            named,
          ),
        headlineKey: key('step_judge', 'factual_rate'),
        metrics: [],
      };
    }
    case 'box-iou': {
      const { threshold } = options as Options<'box-iou'>;
      const scorerName = named ?? 'box_iou';
      return {
        kind,
        create: () => renamed(boxIouScorer({ threshold }), named),
        headlineKey: `${scorerName}.iou`,
        metrics: [boxOverlapMicroMetric(scorerName, 'micro (pixels pooled over items)', `${scorerName}.iou`)],
      };
    }
    case 'sql': {
      const { database, compare, timeoutMs } = options as Options<'sql'>;
      const path = resolve(baseDir, database);
      if (!existsSync(path)) throw source.error(['scorers', index, kind, 'database'], `${path}: no such SQLite file`);
      return {
        kind,
        create: () => renamed(sqlResultScorer({ database: path, compare, timeoutMs }), named),
        headlineKey: key('sql'),
        metrics: [],
      };
    }
  }
}

/** Validates the `scorers:` list; relative paths (SQLite files) are resolved against `baseDir`. */
export function catalogueScorers(entries: unknown[], baseDir: string, source: YamlSource): CatalogueScorer[] {
  const scorers = entries.map((entry, index) => {
    const at = ['scorers', index];
    let kind: string;
    let options: unknown = {};
    if (typeof entry === 'string') kind = entry;
    else if (entry && typeof entry === 'object' && !Array.isArray(entry) && Object.keys(entry).length === 1) {
      [kind, options] = Object.entries(entry)[0]!;
      options ??= {};
    } else
      throw source.error(
        at,
        `write a scorer as its name (exact) or as {name: {options}}; known: ${SCORER_KINDS.join(', ')}`,
      );
    if (!(SCORER_KINDS as string[]).includes(kind))
      throw source.error(at, `unknown scorer '${kind}'; known: ${SCORER_KINDS.join(', ')}`);
    const parsed = parseAt(source, scorerOptionSchemas[kind as ScorerKind], options, [...at, kind]);
    return catalogueEntry(kind as ScorerKind, parsed, baseDir, source, index);
  });
  const keys = new Map<string, number>();
  scorers.forEach((scorer, index) => {
    const name = scorer.headlineKey.split('.')[0]!;
    if (keys.has(name))
      throw source.error(
        ['scorers', index],
        `a second scorer named '${name}' (the first is scorers.${keys.get(name)}); give one a name:`,
      );
    keys.set(name, index);
  });
  return scorers;
}
