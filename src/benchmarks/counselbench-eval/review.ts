// A labelling template for judge validation: a seeded sample of a run's units, N per group
// (CounselBench-ADV's human review took 2 responses per mode per model:
// `sample_for_human_review.py`), written as CSV with empty columns for the human labels. The
// filled file goes back through `medkit judge-agreement <run> <file>`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/index.js';
import { createRng, hashSeed } from '../../stats/index.js';

interface ReviewUnit {
  id: string;
  epoch: number;
  group: string;
  question: string;
  response: string;
}

const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .join('\n');
  return '';
}

export function reviewTemplate(
  runDir: string,
  { groupKey, perGroup = 2, keys, seed = 0 }: { groupKey?: string; perGroup?: number; keys: string[]; seed?: number },
): { csv: string; counts: Record<string, number> } {
  const path = join(runDir, 'samples.jsonl');
  if (!existsSync(path))
    throw new ConfigError(`${runDir}: no samples.jsonl (is this a run directory written by medkit eval --out?)`);
  if (keys.length === 0)
    throw new ConfigError(
      '--review-template needs --key <score keys> naming the label columns to fill (e.g. triggered)',
    );
  const byGroup = new Map<string, ReviewUnit[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as {
      id: string;
      epoch: number;
      error: string | null;
      output: string;
      groups?: Record<string, string>;
      transcript?: { messages?: { role: string; content: unknown }[] };
    };
    if (record.error !== null) continue;
    const group = groupKey ? (record.groups?.[groupKey] ?? '(none)') : 'all';
    const question = textOf(record.transcript?.messages?.find((message) => message.role === 'user')?.content);
    const list = byGroup.get(group) ?? [];
    list.push({ id: record.id, epoch: record.epoch, group, question, response: record.output });
    byGroup.set(group, list);
  }
  const header = ['id', 'epoch', ...(groupKey ? [groupKey] : []), 'question', 'response', 'rater', ...keys];
  const rows: string[] = [header.join(',')];
  const counts: Record<string, number> = {};
  for (const group of [...byGroup.keys()].sort()) {
    const units = byGroup
      .get(group)!
      .sort((left, right) => left.id.localeCompare(right.id) || left.epoch - right.epoch);
    const picked = createRng(hashSeed(seed, group))
      .shuffle([...units])
      .slice(0, perGroup);
    counts[group] = picked.length;
    for (const unit of picked) {
      rows.push(
        [
          unit.id,
          String(unit.epoch),
          ...(groupKey ? [unit.group] : []),
          unit.question,
          unit.response,
          '',
          ...keys.map(() => ''),
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return { csv: `${rows.join('\n')}\n`, counts };
}
