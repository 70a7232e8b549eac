// Expert-rating routes: assignments (questions × responses from a run), rating submission
// (zod-validated: a 400 names the field), agreement, and the CounselBench-Eval export.
import type { Hono } from 'hono';
import { z } from 'zod';
import { DIMENSIONS, UNSURE } from '../benchmarks/counselbench-eval/ratings.js';
import { createAssignmentSchema, NotFound, RatingInputError, zodField, type RatingStore } from './ratings.js';
import type { RunStore } from './runs.js';
import { readRows } from './sample-index.js';

const idParam = z.coerce.number().int().min(1);
const MAX_ITEMS_WITHOUT_LIMIT = 2000;

async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new RatingInputError('(body)', 'is not JSON');
  }
}

export function registerRatingRoutes(app: Hono, store: RunStore, ratings: RatingStore): void {
  const assignmentOr404 = (raw: string) => {
    const parsed = idParam.safeParse(raw);
    if (!parsed.success) throw new RatingInputError('id', 'expected a positive integer');
    const assignment = ratings.assignment(parsed.data);
    if (!assignment) throw new NotFound(`no assignment ${parsed.data}`);
    return assignment;
  };

  /** The six dimensions with their anchored scales, for the rating form. */
  app.get('/api/dimensions', (c) => c.json({ dimensions: DIMENSIONS, unsure: UNSURE }));

  app.get('/api/assignments', (c) => c.json({ assignments: ratings.assignments() }));

  app.post('/api/assignments', async (c) => {
    const parsed = createAssignmentSchema.safeParse(await jsonBody(c.req.raw));
    if (!parsed.success) throw zodField(parsed.error);
    const { name, limit } = parsed.data;
    const runs = [...new Set(parsed.data.runs ?? [parsed.data.run!])];
    const sources = runs.map((run) => {
      const index = store.index(run);
      if (limit === undefined && index.ids.length > MAX_ITEMS_WITHOUT_LIMIT)
        throw new RatingInputError(
          'limit',
          `${run} has ${index.ids.length} samples; give a limit (at most 10000 per run)`,
        );
      const count = Math.min(index.ids.length, limit ?? index.ids.length);
      const rows = Array.from({ length: count }, (_, row) => row).filter((row) => index.errors[row] === null);
      return { run, records: readRows(index, rows), defaultResponder: store.spec(run).models.agent ?? 'agent' };
    });
    if (sources.every((source) => source.records.length === 0))
      throw new RatingInputError('run', `${runs.join(', ')}: no finished samples without errors to rate`);
    const assignment = ratings.createAssignment(name, sources);
    return c.json({ assignment }, 201);
  });

  app.get('/api/assignments/:id', (c) => {
    const assignment = assignmentOr404(c.req.param('id'));
    const rater = c.req.query('rater');
    return c.json({
      assignment,
      items: ratings.items(assignment.id),
      ratings: rater ? ratings.ratingsOf(assignment.id, rater) : [],
    });
  });

  app.post('/api/assignments/:id/ratings', async (c) => {
    const assignment = assignmentOr404(c.req.param('id'));
    const saved = ratings.submit(assignment.id, await jsonBody(c.req.raw));
    return c.json({ saved, assignment: ratings.assignment(assignment.id) }, 201);
  });

  app.get('/api/assignments/:id/agreement', (c) => {
    const assignment = assignmentOr404(c.req.param('id'));
    return c.json({ assignment, report: ratings.agreement(assignment.id, (run) => store.runDir(run)) });
  });

  app.get('/api/assignments/:id/export', (c) => {
    const assignment = assignmentOr404(c.req.param('id'));
    const records = ratings.exportRecords(assignment.id);
    const body = records.map((record) => JSON.stringify(record)).join('\n') + (records.length ? '\n' : '');
    return c.body(body, 200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="counselbench-eval-ratings-${assignment.id}.jsonl"`,
    });
  });
}
