// One unit of work: (task, sample, epoch) → SampleRecord. Self-contained and idempotent: it
// needs only the task, the sample (plain JSON), the epoch, the models and the run seed, so a
// queue can hand units to workers on other machines and the same unit always draws the same seed.
import {
  ConfigError,
  errorMessage,
  loggableMessage,
  newTaskState,
  type JsonValue,
  type Sample,
  type SampleRecord,
  type Score,
  type Task,
  type TranscriptEvent,
  type UsageByRole,
} from '../core/index.js';
import { hashSeed } from '../stats/random.js';
import { createUnitContext, type RoleBindings } from './context.js';

export interface UnitOptions {
  roles: RoleBindings;
  runSeed: number;
  signal?: AbortSignal;
}

export function unitSeed(runSeed: number, sampleId: string, epoch: number): number {
  return hashSeed(runSeed, sampleId, epoch);
}

export function groupsOf(sample: Sample, groupBy: readonly string[]): Record<string, string> {
  const groups: Record<string, string> = {};
  for (const key of groupBy) {
    const value = sample.metadata?.[key];
    if (value !== undefined && value !== null) groups[key] = Array.isArray(value) ? value.join('+') : String(value);
  }
  return groups;
}

export async function runUnit(task: Task, sample: Sample, epoch: number, options: UnitOptions): Promise<SampleRecord> {
  const started = Date.now();
  const events: TranscriptEvent[] = [];
  const usage: UsageByRole = {};
  const context = createUnitContext({
    roles: options.roles,
    seed: unitSeed(options.runSeed, sample.id, epoch),
    ...(options.signal ? { signal: options.signal } : {}),
    generateConfig: task.generateConfig ?? {},
    events,
    usage,
    call: { sampleId: sample.id, epoch },
  });
  let state = newTaskState(sample, epoch);
  state.events = events;
  let error: string | null = null;
  const scores: Record<string, Score> = {};
  try {
    state = await task.solver.solve(state, context);
  } catch (caught) {
    if (options.signal?.aborted) throw caught; // an interrupted unit is not a result; resume redoes it
    // A missing key or unknown role fails every unit the same way: stop the run with one message.
    if (caught instanceof ConfigError) throw caught;
    error = `solver ${task.solver.name}: ${errorMessage(caught)}`;
  }
  if (error === null) {
    for (const scorer of task.scorers) {
      try {
        scores[scorer.name] = await scorer.score(state, context);
      } catch (caught) {
        if (options.signal?.aborted) throw caught;
        scores[scorer.name] = { value: null, explanation: `scorer failed: ${errorMessage(caught)}` };
      }
    }
  }
  let tokens = 0;
  let cost = 0;
  for (const roleUsage of Object.values(usage)) {
    tokens += roleUsage.inputTokens + roleUsage.outputTokens;
    cost += roleUsage.cost;
  }
  return {
    id: sample.id,
    epoch,
    scores,
    output: state.output.text,
    transcript: { messages: state.messages.map(loggableMessage), events: state.events },
    groups: groupsOf(sample, task.groupBy ?? []),
    metadata: state.metadata,
    usage,
    tokens,
    cost,
    error,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    target: sample.target as JsonValue,
  };
}
