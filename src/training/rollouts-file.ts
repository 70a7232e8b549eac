// rollouts.jsonl for `medkit reward score`: one rollout per line in the wire shape (batch.ts); errors name
// file:line: field.
import { parseWithSchema, readJsonLines, type RewardRollout } from '../core/index.js';
import { fromWire, rolloutWireSchema } from './batch.js';

export interface FileRollout {
  rollout: RewardRollout;
  id?: string | number;
  line: number;
}

export async function readRollouts(file: string): Promise<FileRollout[]> {
  const out: FileRollout[] = [];
  for await (const { value, at } of readJsonLines(file)) {
    const row = parseWithSchema(rolloutWireSchema, value, at);
    out.push({ rollout: fromWire(row), ...(row.id !== undefined ? { id: row.id } : {}), line: at.line });
  }
  return out;
}
