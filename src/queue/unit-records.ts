// SampleRecords the queue makes itself: a unit that failed on the queue (after the retry policy) or that a
// worker could not start (a file it cannot read). Same shape as runUnit's error records.
import type { JsonValue, Sample, SampleRecord } from '../core/index.js';
import { groupsOf } from '../runner/unit.js';

export function queueErrorRecord(
  sample: Sample,
  epoch: number,
  groupBy: readonly string[],
  error: string,
  startedAt = new Date(),
): SampleRecord {
  return {
    id: sample.id,
    epoch,
    scores: {},
    output: '',
    transcript: { messages: [], events: [] },
    groups: groupsOf(sample, groupBy),
    metadata: {},
    usage: {},
    tokens: 0,
    cost: 0,
    error,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    target: sample.target as JsonValue,
  };
}
