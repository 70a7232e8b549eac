// The value index behind value_similarity_search: distinct stored values of the indexed columns,
// embedded by a pluggable provider. The offline default hashes character 3-grams and words into a
// 2048-dimensional vector (no model, no network); a provider's embedding endpoint can replace it.
import type Database from 'better-sqlite3';

export interface EmbeddingProvider {
  readonly name: string;
  embed(texts: string[]): Promise<number[][]> | number[][];
}

const DIMENSIONS = 2048;

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % DIMENSIONS;
}

/** Character 3-grams of each word (padded) plus whole words, L2-normalised. */
export function ngramVector(text: string): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  for (const word of text
    .toLowerCase()
    .split(/[^a-z0-9%.]+/)
    .filter(Boolean)) {
    vector[hash(`w:${word}`)] += 2;
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) vector[hash(padded.slice(i, i + 3))] += 1;
  }
  return normalise(vector);
}

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

export const ngramEmbeddings: EmbeddingProvider = {
  name: 'char-3gram-hash-2048',
  embed: (texts) => texts.map((text) => Array.from(ngramVector(text))),
};

interface ColumnIndex {
  values: string[];
  vectors: Float32Array[];
}

export class ValueIndex {
  private readonly columns = new Map<string, ColumnIndex>();
  constructor(readonly provider: EmbeddingProvider = ngramEmbeddings) {}

  /** Indexes the distinct non-null values of `table.column` for each entry. */
  async build(db: Database.Database, entries: string[]): Promise<this> {
    for (const entry of entries) {
      const [table, column] = entry.split('.') as [string, string];
      const values = (
        db
          .prepare(`SELECT DISTINCT "${column}" AS v FROM "${table}" WHERE "${column}" IS NOT NULL`)
          .raw(true)
          .all() as unknown[][]
      ).map((row) => String(row[0]));
      const vectors =
        this.provider === ngramEmbeddings
          ? values.map(ngramVector)
          : (await this.provider.embed(values)).map((v) => normalise(Float32Array.from(v)));
      this.columns.set(entry, { values, vectors });
    }
    return this;
  }

  has(table: string, column: string): boolean {
    return this.columns.has(`${table}.${column}`);
  }

  indexedColumns(): string[] {
    return [...this.columns.keys()];
  }

  /** Top-k values of the column by cosine similarity; no threshold (as upstream). */
  async search(table: string, column: string, query: string, k: number): Promise<string[]> {
    const index = this.columns.get(`${table}.${column}`);
    if (!index || index.values.length === 0) return [];
    const target =
      this.provider === ngramEmbeddings
        ? ngramVector(query)
        : normalise(Float32Array.from((await this.provider.embed([query]))[0]!));
    const scored = index.vectors.map((vector, i) => {
      let dot = 0;
      for (let d = 0; d < vector.length; d++) dot += vector[d]! * target[d]!;
      return { value: index.values[i]!, score: dot };
    });
    scored.sort((a, b) => b.score - a.score || (a.value < b.value ? -1 : 1));
    return scored.slice(0, Math.max(0, k)).map((entry) => entry.value);
  }
}
