// CARE's entity reward with real sentence embeddings, for trainers (`medkit reward score care.entity`): s_ij is
// the cosine of MiniLM embeddings (a user-supplied `.onnx` + its `tokenizer.json`, mean pooled: src/models/onnx
// sentence-encoder.ts), matched by Kuhn–Munkres (reward.ts). Without a model, the hashing embedding is the
// labelled lexical fallback (spelling-close, not synonym-aware): every value then carries `lexical_fallback: 1`.
import { z } from 'zod';
import { ConfigError, type JsonValue, type Reward, type RewardValue } from '../../core/index.js';
import { openSentenceEncoder, type SentenceEncoder } from '../../models/onnx/index.js';
import { parseEntityList } from './entities.js';
import { entityReward, hashingEmbedding, type EntityRewardParts } from './reward.js';

export interface EntityEmbedder {
  /** What computed the vectors, as reports name it. */
  readonly label: string;
  readonly lexical: boolean;
  embed(texts: readonly string[]): Promise<number[][]>;
}

export const hashingEmbedder: EntityEmbedder = {
  label: 'hashing embedding (lexical fallback, not MiniLM)',
  lexical: true,
  embed: async (texts) => texts.map((text) => hashingEmbedding(text)),
};

export function sentenceEmbedder(encoder: SentenceEncoder): EntityEmbedder {
  return { label: `sentence encoder ${encoder.file} (mean pooled)`, lexical: false, embed: (t) => encoder.embed(t) };
}

/** R_Entity with vectors from `embedder`: both lists embedded in one batch, then the pure entityReward. */
export async function entityRewardEmbedded(
  predicted: readonly string[],
  truth: readonly string[],
  embedder: EntityEmbedder,
  response = '',
): Promise<EntityRewardParts & { embedding: string }> {
  const texts = [...new Set([...predicted, ...truth])];
  const vectors = new Map<string, number[]>();
  (await embedder.embed(texts)).forEach((vector, index) => vectors.set(texts[index]!, vector));
  return { ...entityReward(predicted, truth, (text) => vectors.get(text)!, response), embedding: embedder.label };
}

const encoders = new Map<string, Promise<SentenceEncoder>>();

/** The embedder the args name (`entity_onnx` + `entity_tokenizer`), opened once per pair; else the fallback. */
export function entityEmbedderFor(args: Record<string, unknown>): Promise<EntityEmbedder> {
  const onnx = typeof args.entity_onnx === 'string' ? args.entity_onnx : undefined;
  const tokenizer = typeof args.entity_tokenizer === 'string' ? args.entity_tokenizer : undefined;
  if (!onnx && !tokenizer) return Promise.resolve(hashingEmbedder);
  if (!onnx || !tokenizer)
    throw new ConfigError('--arg entity_onnx=<model.onnx> and --arg entity_tokenizer=<tokenizer.json> go together');
  const key = `${onnx}\0${tokenizer}`;
  if (!encoders.has(key)) {
    const opening = openSentenceEncoder(onnx, tokenizer);
    opening.catch(() => encoders.delete(key));
    encoders.set(key, opening);
  }
  return encoders.get(key)!.then(sentenceEmbedder);
}

const truthSchema = z.union([z.array(z.string()), z.object({ entities: z.array(z.string()) })]);

function truthEntities(groundTruth: JsonValue): string[] {
  const parsed = truthSchema.safeParse(groundTruth);
  if (!parsed.success) throw new Error('ground_truth: expected a list of entity strings or {"entities": [...]}');
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.entities;
}

export const careEntityReward: Reward = {
  name: 'care.entity',
  description:
    "CARE entity reward R_sim + R_count + R_rep + R_format (Kuhn–Munkres over cosine similarities); MiniLM via --arg entity_onnx= entity_tokenizer=, else the hashing embedding (lexical fallback, flagged 'lexical_fallback')",
  kind: 'rule',
  fallback: 0,
  groundTruthOf: (sample) => {
    const entities = sample.metadata?.entities;
    return Array.isArray(entities) ? entities.map(String) : [];
  },
  async score(rollouts, options) {
    const embedder = await entityEmbedderFor(options.args);
    const out: RewardValue[] = [];
    for (const rollout of rollouts) {
      try {
        const truth = truthEntities(rollout.groundTruth);
        const predicted = parseEntityList(rollout.completion, 100);
        const parts = await entityRewardEmbedded(predicted, truth, embedder, rollout.completion);
        out.push({
          reward: parts.total,
          components: {
            sim: parts.sim,
            count: parts.count,
            rep: parts.rep,
            format: parts.format,
            lexical_fallback: embedder.lexical ? 1 : 0,
          },
        });
      } catch (error) {
        out.push({ reward: 0, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return out;
  },
};
