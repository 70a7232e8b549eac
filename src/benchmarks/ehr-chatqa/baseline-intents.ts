// What the baseline agent understands of the user's words: a handful of question shapes parsed
// with regular expressions (no model, no gold data). Everything else it answers honestly with "I
// could not work that out".
import type { DbId } from './schema.js';

export type IntentKind =
  | 'lab-value'
  | 'drug-count'
  | 'drug-list'
  | 'dx-patients'
  | 'last-event'
  | 'top-n'
  | 'icu-count'
  | 'intake-total'
  | 'stay-cost';

export interface Intent {
  kind: IntentKind;
  /** The user's words for the concept ('hb', 'lipitor', 'copd'). */
  term: string;
  /** A replacement the user offered ("... use X instead"), or a hint ('generic', 'class'). */
  fallback?: string;
  patient?: string;
  agg?: 'last' | 'first' | 'max' | 'min';
  current?: boolean;
  year?: string;
  lastDays?: number;
  n?: number;
}

const PATIENT: Record<DbId, RegExp> = {
  mimic_iv_star: /\bpatient (\d{8})\b/i,
  eicu_star: /\bpatient (\d{3}-\d{6})\b/i,
};

function clean(term: string): string {
  return term
    .replace(/^(a|an|the|any|some)\s+/i, '')
    .replace(/[?.!,]+$/, '')
    .trim()
    .toLowerCase();
}

export function parseIntent(dbId: DbId, userTexts: string[]): Intent | undefined {
  const all = userTexts.join(' \n ');
  const lower = all.toLowerCase();
  const patient = PATIENT[dbId].exec(all)?.[1];
  const year = /\bthis year\b/.test(lower) ? '2100' : /\bin (209\d|2100)\b/.exec(lower)?.[1];
  const current =
    /\b(current|this|still in the hospital|still admitted|right now|is in the icu now)\b.*\b(stay|hospital|admission|inpatient)\b/.test(
      lower,
    ) || /still in the hospital|current inpatient/.test(lower);
  const base = { patient, year, current };
  let fallback = /\b(?:give me|use|count)(?: the latest| patients on)? ([a-z0-9 ,\-()]+?) instead\b/i
    .exec(all)?.[1]
    ?.trim()
    .toLowerCase();
  if (/generic/.test(lower)) fallback = fallback ?? 'generic';

  let match: RegExpExecArray | null;
  if ((match = /most common ([a-z ]+?)\?/i.exec(all)) || (match = /which ([a-z ]+?) are most common/i.exec(all))) {
    const n = Number(/\btop (\d+)/i.exec(all)?.[1] ?? 3);
    return { kind: 'top-n', term: clean(match[1]!), n, ...base };
  }
  if (/hospital bill|current hospital stay cost/i.test(all) && patient)
    return { kind: 'stay-cost', term: 'cost', ...base, current: true };
  if ((match = /how much ([a-z0-9 %.]+?) did patient \S+ receive/i.exec(all)))
    return { kind: 'intake-total', term: clean(match[1]!), ...base };
  if (
    (match = /how many icu stays did the ([a-z ]+?) have/i.exec(all)) ||
    (match = /number of ([a-z ]+?) stays/i.exec(all))
  ) {
    return { kind: 'icu-count', term: clean(match[1]!), ...base };
  }
  if ((match = /(?:meds|drugs|medications) (?:were ordered|has .* been prescribed|were prescribed)/i.exec(all))) {
    const days = /last (\d+) days/i.exec(all)?.[1];
    return { kind: 'drug-list', term: '', ...base, current: true, ...(days ? { lastDays: Number(days) } : {}) };
  }
  if ((match = /how (?:many times|often) (?:was|did) (?:patient \S+ get )?(.+?) (?:prescribed|ordered)/i.exec(all))) {
    return { kind: 'drug-count', term: clean(match[1]!), ...(fallback ? { fallback } : {}), ...base };
  }
  if (
    (match = /how many patients (?:have been diagnosed with|had|have|got) (.+?)(?:\?| diagnosed| this year|$)/im.exec(
      all,
    ))
  ) {
    return { kind: 'dx-patients', term: clean(match[1]!), ...(fallback ? { fallback } : {}), ...base };
  }
  if ((match = /when did patient \S+ last (?:have|get) (.+?)\?/i.exec(all))) {
    return { kind: 'last-event', term: clean(match[1]!), ...base };
  }
  if (
    (match =
      /(?:what was|what's|the) (?:the )?(last|latest|first|highest|lowest) ([a-z0-9 ]+?)(?: during| in | for|\?|\.|$)/im.exec(
        all,
      ))
  ) {
    const word = match[1]!.toLowerCase();
    const agg = word === 'highest' ? 'max' : word === 'lowest' ? 'min' : word === 'first' ? 'first' : 'last';
    return { kind: 'lab-value', term: clean(match[2]!), agg, ...(fallback ? { fallback } : {}), ...base };
  }
  return undefined;
}

/** Where each concept kind is stored, per database. */
export const CONCEPT_COLUMNS: Record<DbId, Record<'lab' | 'drug' | 'dx' | 'event' | 'careunit', [string, string]>> = {
  mimic_iv_star: {
    lab: ['labtesttypes', 'itemname'],
    drug: ['medicationorders', 'medicationname'],
    dx: ['diagnosiscodes', 'description'],
    event: ['procedurecodes', 'description'],
    careunit: ['icuepisodes', 'initialcareunit'],
  },
  eicu_star: {
    lab: ['lab', 'lab_name'],
    drug: ['prescription', 'drug_name'],
    dx: ['condition', 'condition_name'],
    event: ['treatment', 'treatment_name'],
    careunit: ['icupatient', 'hospital_admission_source'],
  },
};

/** Terms the offline web search can expand ("stands for X", "brand name of X", "include A, B and C"). */
export function expansionsFrom(webResult: string): string[] {
  const found: string[] = [];
  for (const match of webResult.matchAll(/stands for ([a-z0-9 -]+?)(?:[,.]|$)/gi)) found.push(match[1]!.toLowerCase());
  for (const match of webResult.matchAll(/brand name of ([a-z0-9 -]+?)(?:[,.]|$)/gi))
    found.push(match[1]!.toLowerCase());
  for (const match of webResult.matchAll(/ (?:is|are) (?:brand names of|a brand name of) ([a-z0-9 -]+?)(?:[,.]|$)/gi))
    found.push(match[1]!.toLowerCase());
  for (const match of webResult.matchAll(/include ([a-z0-9 ,\-()]+?)\./gi)) {
    for (const item of match[1]!.split(/,| and /))
      if (item.trim())
        found.push(
          item
            .trim()
            .toLowerCase()
            .replace(/\s*\(.*\)$/, ''),
        );
  }
  return [...new Set(found)];
}
