// Entity proposal (CARE step 1). The paper's proposer is a compact VLM (role `proposer` here);
// the baseline matches a lexicon of findings and anatomy against the question text.
import type { SolverContext } from '../../core/index.js';

/** Findings first (what a question asks about), then anatomy; the order is the proposal's order. */
export const ENTITY_LEXICON = [
  'nodule',
  'mass',
  'lesion',
  'opacity',
  'tumor',
  'tumour',
  'calcification',
  'effusion',
  'pneumothorax',
  'consolidation',
  'fracture',
  'cardiomegaly',
  'hemorrhage',
  'edema',
  'cyst',
  'lung',
  'heart',
  'liver',
  'kidney',
  'spleen',
  'brain',
  'bladder',
  'colon',
  'stomach',
];

/** Lexicon entities mentioned in the question (singular or plural), in lexicon order, without repeats. */
export function lexiconEntities(question: string, max = 5): string[] {
  const text = question.toLowerCase();
  const found = ENTITY_LEXICON.filter((entity) => new RegExp(`\\b${entity}(s|es)?\\b`).test(text));
  return found.slice(0, max);
}

export const PROPOSER_PROMPT =
  'List the medical entities (findings or anatomy) that must be located in the image to answer the question. Reply with <answer>entity 1, entity 2</answer>, at most 5.';

/**
 * The entities of a proposer reply `<answer>a, b</answer>` (or the whole text), lower-cased, in order, at most
 * `max`. Repeats are kept (the entity reward's R_rep counts them; the agent drops them).
 */
export function parseEntityList(text: string, max = 5): string[] {
  const tagged = /<answer>([\s\S]*?)<\/answer>/i.exec(text)?.[1] ?? text;
  return tagged
    .split(/[,\n;]/)
    .map((entity) => entity.trim().toLowerCase())
    .filter((entity) => entity !== '' && entity.length <= 60)
    .slice(0, max);
}

/** Entities from the `proposer` role when it has a model, else the lexicon baseline. */
export async function proposeEntities(
  question: string,
  context: SolverContext,
  max: number,
): Promise<{ entities: string[]; source: 'proposer' | 'lexicon'; raw?: string }> {
  if (!context.hasRole('proposer')) return { entities: lexiconEntities(question, max), source: 'lexicon' };
  const output = await context.generate(
    {
      messages: [
        { role: 'system', content: PROPOSER_PROMPT },
        { role: 'user', content: question },
      ],
      config: { ...context.generateConfig, temperature: 0 },
    },
    { role: 'proposer' },
  );
  return {
    entities: [...new Set(parseEntityList(output.text, Number.POSITIVE_INFINITY))].slice(0, max),
    source: 'proposer',
    raw: output.text,
  };
}
