// Trained KG embeddings saved under the cache folder, keyed by the KG's content hash and the
// training settings, so a verifier trains once per KG and later runs reload it in milliseconds.
// Two files per model: `<key>.json` (settings, quality, timing) and `<key>.bin` (entity then
// relation Float32 values, little-endian). Written to a temporary name and renamed, so a killed run
// never leaves a half-written model; a file that does not match its metadata is ignored (retrained).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { entityWidth, type KgeKind, type KgeModel } from './models.js';

export const kgeMetaSchema = z.object({
  format: z.literal(1),
  graphHash: z.string(),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  kind: z.enum(['transe', 'distmult', 'rotate']),
  dim: z.number().int().positive(),
  gamma: z.number(),
  entityCount: z.number().int().nonnegative(),
  relationCount: z.number().int().nonnegative(),
  /** Training wall time and epochs actually run (early stopping may end sooner). */
  trainMs: z.number(),
  epochs: z.number().int(),
  finalLoss: z.number().nullable(),
  /** Quality reached: threshold, accuracy and F1 on held-out facts vs corrupted tails. */
  calibration: z.object({
    threshold: z.number(),
    accuracy: z.number(),
    f1: z.number(),
    positives: z.number(),
    negatives: z.number(),
  }),
  created: z.string(),
});
export type KgeMeta = z.infer<typeof kgeMetaSchema>;

/** Where a model for (graph, settings) lives: `<cacheDir>/kge/<graph hash 16>-<settings hash 12>`. */
export function kgeCacheBase(cacheDir: string, graphHash: string, settings: KgeMeta['settings']): string {
  const keys = Object.keys(settings).sort();
  const settingsHash = createHash('sha256')
    .update(JSON.stringify(keys.map((key) => [key, settings[key]])))
    .digest('hex');
  return join(cacheDir, 'kge', `${graphHash.slice(0, 16)}-${settingsHash.slice(0, 12)}`);
}

export function saveKge(base: string, model: KgeModel, meta: KgeMeta): void {
  mkdirSync(join(base, '..'), { recursive: true });
  const bytes = Buffer.alloc((model.entities.length + model.relations.length) * 4);
  for (let i = 0; i < model.entities.length; i++) bytes.writeFloatLE(model.entities[i]!, i * 4);
  for (let i = 0; i < model.relations.length; i++)
    bytes.writeFloatLE(model.relations[i]!, (model.entities.length + i) * 4);
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(`${base}.bin${suffix}`, bytes);
  writeFileSync(`${base}.json${suffix}`, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(`${base}.bin${suffix}`, `${base}.bin`);
  renameSync(`${base}.json${suffix}`, `${base}.json`);
}

export type LoadedKge = { ok: true; model: KgeModel; meta: KgeMeta } | { ok: false; reason: string };

/** Reads a saved model; `ok: false` (with why) when it is absent, unreadable or does not match `expect`. */
export function loadKge(
  base: string,
  expect: { graphHash: string; entityCount: number; relationCount: number; kind: KgeKind; dim: number },
): LoadedKge {
  if (!existsSync(`${base}.json`) || !existsSync(`${base}.bin`)) return { ok: false, reason: 'not cached yet' };
  let meta: KgeMeta;
  try {
    meta = kgeMetaSchema.parse(JSON.parse(readFileSync(`${base}.json`, 'utf8')));
  } catch (error) {
    return { ok: false, reason: `${base}.json is unreadable (${(error as Error).message.split('\n')[0]})` };
  }
  for (const key of ['graphHash', 'entityCount', 'relationCount', 'kind', 'dim'] as const)
    if (meta[key] !== expect[key])
      return { ok: false, reason: `${base}.json has ${key} ${meta[key]}, expected ${expect[key]}` };
  const entityValues = meta.entityCount * entityWidth(meta);
  const relationValues = meta.relationCount * meta.dim;
  const bytes = readFileSync(`${base}.bin`);
  if (bytes.length !== (entityValues + relationValues) * 4)
    return {
      ok: false,
      reason: `${base}.bin has ${bytes.length} bytes, expected ${(entityValues + relationValues) * 4}`,
    };
  const entities = new Float32Array(entityValues);
  const relations = new Float32Array(relationValues);
  for (let i = 0; i < entityValues; i++) entities[i] = bytes.readFloatLE(i * 4);
  for (let i = 0; i < relationValues; i++) relations[i] = bytes.readFloatLE((entityValues + i) * 4);
  const model: KgeModel = {
    kind: meta.kind,
    dim: meta.dim,
    gamma: meta.gamma,
    entityCount: meta.entityCount,
    relationCount: meta.relationCount,
    entities,
    relations,
  };
  return { ok: true, model, meta };
}
