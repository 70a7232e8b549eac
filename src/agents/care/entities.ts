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
  const tagged = /<answer>([\s\S]*?)<\/answer>/i.exec(output.text)?.[1] ?? output.text;
  const entities = [
    ...new Set(
      tagged
        .split(/[,\n;]/)
        .map((entity) => entity.trim().toLowerCase())
        .filter((entity) => entity !== '' && entity.length <= 60),
    ),
  ].slice(0, max);
  return { entities, source: 'proposer', raw: output.text };
}
