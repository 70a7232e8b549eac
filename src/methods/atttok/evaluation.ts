// `atttok-classification`: attribute-token accuracy, open and closed, as AttTok reports it, on a user's
// classification JSONL (or the embedded fundus phantoms). A reply is read as AttTok's target format first
// (the attribute token inside the markers), then as free text naming exactly one attribute of the modality.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  defineBenchmark,
  generate,
  imageFromPath,
  type JsonObject,
  mediaTypeForPath,
  type Sample,
  type Scorer,
  type Solver,
  userMessage,
  textPart,
} from '../../core/index.js';
import { writePhantom } from '../../imaging/phantoms.js';
import { generateFundus } from '../../imaging/phantom-fundus.js';
import { type AttributeRegistry, findAttribute, fundusDrRegistry, readRegistry } from './attributes.js';
import { attributeChoiceFormat, attributeLogitBias, attributeTokenIds, readTokenizer } from './constrain.js';
import { type ClassificationItem, readClassificationItems } from './data.js';
import { formatTarget, namedAttributes, parseAttributes } from './format.js';

const argsSchema = z.object({
  path: z.string().optional().describe('classification JSONL {id, image, label, question?, choices?, answer_type?}'),
  attributes: z
    .string()
    .optional()
    .describe('attribute registry (.json/.yaml list, or attribute_list.txt); default fundus DR'),
  constrain: z
    .enum(['none', 'logit-bias', 'json-schema'])
    .default('none')
    .describe('decode constraint: logit-bias needs --arg tokenizer=<tokenizer.json>'),
  tokenizer: z.string().optional().describe("the served model's tokenizer.json (for constrain=logit-bias)"),
  n: z.coerce.number().int().positive().max(500).default(20).describe('embedded phantoms to generate'),
});

function registryOf(args: JsonObject): AttributeRegistry {
  return typeof args.attributes === 'string' ? readRegistry(args.attributes) : fundusDrRegistry();
}

// Synthetic stand-ins for DR grades (lesion counts loosely after the ICDR scale); a smoke test, not grading.
const GRADE_LESIONS: Record<string, { label: string; count: number }[]> = {
  nodr: [],
  milddr: [{ label: 'microaneurysm', count: 2 }],
  moderatedr: [
    { label: 'microaneurysm', count: 3 },
    { label: 'hemorrhage', count: 2 },
  ],
  severedr: [{ label: 'hemorrhage', count: 7 }],
  pdr: [
    { label: 'hemorrhage', count: 5 },
    { label: 'cotton wool spot', count: 3 },
  ],
};

async function embeddedFile(cacheDir: string, n: number, seed: number): Promise<string> {
  const dir = join(cacheDir, 'atttok-fundus', `seed-${seed}-n${n}`);
  const file = join(dir, 'items.jsonl');
  await mkdir(dir, { recursive: true });
  const grades = Object.keys(GRADE_LESIONS);
  const lines: string[] = [];
  for (let index = 0; index < n; index++) {
    const grade = grades[index % grades.length]!;
    const findings = GRADE_LESIONS[grade]!.flatMap(({ label, count }) =>
      Array.from({ length: count }, () => ({ label })),
    );
    const phantom = generateFundus({ seed: `${seed}-atttok-${index}`, size: 256, findings });
    const name = `fundus-${String(index).padStart(3, '0')}`;
    await writePhantom(phantom, dir, name);
    const closed = index % 2 === 1;
    lines.push(
      JSON.stringify({
        id: name,
        image: `${name}.png`,
        label: `fundus_${grade}`,
        question: closed ? 'What is the diabetic retinopathy grade of this fundus photograph?' : undefined,
        choices: closed ? ['No DR', 'Mild DR', 'Moderate DR', 'Severe DR', 'PDR'] : undefined,
      }),
    );
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

function toSample(item: ClassificationItem): Sample {
  const text = item.choices ? `${item.question}\nOptions: ${item.choices.join(', ')}` : item.question;
  return {
    id: item.id,
    input: [userMessage([imageFromPath(item.image, mediaTypeForPath(item.image), 'image'), textPart(text)])],
    target: item.attribute.token,
    choices: item.choices,
    metadata: { answer_type: item.answerType, modality: item.attribute.modality, label: item.attribute.keyword },
    files: { image: item.image },
  };
}

/** Reads a reply: the attribute token if the block is there, else the one attribute the free text names. */
export function attributeScorer(registry: AttributeRegistry): Scorer {
  return {
    name: 'attribute-accuracy',
    params: { rule: 'token in the attribute block, else exactly one attribute named in the text' },
    async score(state) {
      const text = state.output.text ?? '';
      const expected = findAttribute(registry, String(state.sample.target));
      const parsed = parseAttributes(text, registry);
      let chosen = parsed.attributes[0];
      let via: 'token' | 'text' | 'none' = chosen ? 'token' : 'none';
      if (!chosen && expected) {
        const named = namedAttributes(parsed.freeText, registry).filter(
          (entry) => entry.modality === expected.modality,
        );
        if (named.length === 1) [chosen, via] = [named[0], 'text'];
      }
      return {
        value: chosen !== undefined && chosen === expected,
        answer: chosen?.token ?? '',
        explanation: parsed.problems.join('; ') || undefined,
        metadata: { via, consistent: parsed.consistent, unknownTokens: parsed.unknown },
      };
    },
  };
}

/** The non-LLM floor: always the registry's first attribute (the normal class in the demo set). */
function firstAttributeBaseline(registry: AttributeRegistry): Solver {
  const first = registry.entries[0]!;
  return {
    name: 'first-attribute-baseline',
    params: { answer: first.token },
    async solve(state) {
      const text = formatTarget(first);
      state.output = { ...state.output, text, finishReason: 'stop' };
      state.messages.push({ role: 'assistant', content: text, source: 'baseline' });
      return state;
    },
  };
}

function constrainedGenerate(args: JsonObject, registry: AttributeRegistry): Solver {
  if (args.constrain === 'json-schema') return generate(attributeChoiceFormat(registry.entries));
  if (args.constrain === 'logit-bias') {
    if (typeof args.tokenizer !== 'string')
      throw new Error('constrain=logit-bias needs --arg tokenizer=<tokenizer.json>');
    const ids = attributeTokenIds(readTokenizer(args.tokenizer), registry, args.tokenizer);
    return generate(attributeLogitBias(ids, registry.entries));
  }
  return generate();
}

export const atttokClassification = defineBenchmark({
  name: 'atttok-classification',
  version: 1,
  description: 'AttTok attribute-token accuracy (open / closed) on classification images; embedded fundus phantoms',
  tags: ['image-classification'],
  async *dataset({ args, seed, cacheDir, onDataError }) {
    const registry = registryOf(args);
    const file = typeof args.path === 'string' ? args.path : await embeddedFile(cacheDir, Number(args.n ?? 20), seed);
    const options = onDataError ? { lenient: true, onError: onDataError } : {};
    for await (const item of readClassificationItems(file, registry, options)) yield toSample(item);
  },
  solvers: {
    baseline: ({ args }) => firstAttributeBaseline(registryOf(args)),
    default: ({ args }) => constrainedGenerate(args, registryOf(args)),
  },
  scorers: ({ args }) => [attributeScorer(registryOf(args))],
  groupBy: ['answer_type', 'modality'],
  args: argsSchema,
  headline: [{ scorer: 'attribute-accuracy', metric: 'mean', label: 'attribute accuracy' }],
});
