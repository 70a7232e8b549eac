// Read-only routes over the runs folder: run list, one run, a page of its samples, one sample
// with its whole transcript, a recorded image, and the comparison of two runs.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { SAMPLES_FILE } from '../runner/run-dir.js';
import { z } from 'zod';
import { compareView } from './compare-view.js';
import { countErrors, summaryErrors } from './headline.js';
import { leaderboard } from './leaderboard.js';
import { readRecordedImage, recordedImages } from './images.js';
import { PathRefused, resolveRecorded } from './paths.js';
import type { RunStore } from './runs.js';
import { findRow, groupValues, queryRows, readRows } from './sample-index.js';

const MAX_PAGE_SIZE = 500;
const PREVIEW = 240;

const runQuery = z.object({ run: z.string().min(1) });
const samplesQuery = z.object({
  run: z.string().min(1),
  page: z.coerce.number().int().min(0).default(0),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  score: z.string().optional(),
  min: z.coerce.number().optional(),
  max: z.coerce.number().optional(),
  /** 'key=value' */
  group: z
    .string()
    .regex(/^[^=]+=.*$/, "expected 'key=value'")
    .optional(),
  error: z.enum(['only', 'none', 'all']).optional(),
  q: z.string().max(200).optional(),
  sort: z.string().optional(),
  desc: z.enum(['0', '1', 'true', 'false']).optional(),
});
const sampleQuery = z.object({ run: z.string().min(1), id: z.string(), epoch: z.coerce.number().int().min(1) });
const imageQuery = sampleQuery.extend({ path: z.string().min(1) });
const compareQuery = z.object({ a: z.string().min(1), b: z.string().min(1) });
const leaderboardQuery = z.object({ benchmark: z.string().min(1).max(200) });

const preview = (text: unknown) =>
  typeof text === 'string' ? (text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text) : '';

export function registerRunRoutes(app: Hono, store: RunStore, imageRoots: readonly string[]): void {
  app.get('/api/runs', (c) => c.json({ root: store.root, runs: store.listings() }));

  app.get('/api/run', (c) => {
    const { run } = runQuery.parse(c.req.query());
    const index = store.index(run);
    const summary = store.summary(run);
    return c.json({
      run,
      listing: store.listing(run),
      spec: store.spec(run),
      summary,
      // the summary's count of each message when it has one, else counted from the samples so far
      topErrors: summaryErrors(summary) ?? countErrors(index.errors),
      samples: index.ids.length,
      scoreKeys: [...index.scores.keys()].sort(),
      groups: groupValues(index),
      errors: index.errors.filter((error) => error !== null).length,
      malformed: index.malformed,
      indexMs: Math.round(index.buildMs),
    });
  });

  app.get('/api/samples', (c) => {
    const query = samplesQuery.parse(c.req.query());
    const started = performance.now();
    const index = store.index(query.run);
    const separator = query.group?.indexOf('=') ?? -1;
    const { total, rows } = queryRows(index, {
      page: query.page,
      pageSize: query.pageSize,
      ...(query.score ? { scoreKey: query.score } : {}),
      ...(query.min !== undefined ? { min: query.min } : {}),
      ...(query.max !== undefined ? { max: query.max } : {}),
      ...(query.group
        ? { group: { key: query.group.slice(0, separator), value: query.group.slice(separator + 1) } }
        : {}),
      ...(query.error && query.error !== 'all' ? { error: query.error } : {}),
      ...(query.q ? { q: query.q } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
      desc: query.desc === '1' || query.desc === 'true',
    });
    const records = readRows(index, rows);
    const scoreKeys = [...index.scores.keys()];
    const items = rows.map((row, position) => {
      const record = records[position]!;
      const scores: Record<string, number | null> = {};
      for (const key of scoreKeys) {
        const value = index.scores.get(key)![row]!;
        scores[key] = Number.isNaN(value) ? null : value;
      }
      return {
        id: record.id,
        epoch: record.epoch,
        scores,
        answers: Object.fromEntries(
          Object.entries(record.scores ?? {}).map(([name, score]) => [name, preview(score.answer)]),
        ),
        groups: record.groups ?? {},
        output: preview(record.output),
        /** Characters of the whole output: more than the preview's means the table fetches it on expand. */
        outputLength: typeof record.output === 'string' ? record.output.length : 0,
        error: record.error ?? null,
        tokens: record.tokens ?? 0,
        cost: record.cost ?? 0,
        durationMs: record.durationMs ?? null,
      };
    });
    return c.json({
      total,
      page: query.page,
      pageSize: query.pageSize,
      pages: Math.ceil(total / query.pageSize),
      items,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.get('/api/sample', (c) => {
    const { run, id, epoch } = sampleQuery.parse(c.req.query());
    const index = store.index(run);
    const row = findRow(index, id, epoch);
    if (row === undefined) return c.json({ error: `${run}: no sample ${JSON.stringify(id)} epoch ${epoch}` }, 404);
    const [record] = readRows(index, [row]);
    const neighbour = (other: number) =>
      other >= 0 && other < index.ids.length ? { id: index.ids[other]!, epoch: index.epochs[other]! } : null;
    const bases = [store.runDir(run), process.cwd()];
    const images: Record<string, { url: string } | { refused: string }> = {};
    for (const path of recordedImages(record!)) {
      try {
        resolveRecorded(path, bases, imageRoots);
        images[path] = { url: `/api/image?${new URLSearchParams({ run, id, epoch: String(epoch), path })}` };
      } catch (error) {
        images[path] = { refused: error instanceof PathRefused ? error.reason : String(error) };
      }
    }
    return c.json({
      run,
      row,
      rows: index.ids.length,
      previous: neighbour(row - 1),
      next: neighbour(row + 1),
      record,
      images,
      spec: store.spec(run),
    });
  });

  app.get('/api/image', (c) => {
    const { run, id, epoch, path } = imageQuery.parse(c.req.query());
    const index = store.index(run);
    const row = findRow(index, id, epoch);
    if (row === undefined) return c.json({ error: `${run}: no sample ${JSON.stringify(id)} epoch ${epoch}` }, 404);
    const [record] = readRows(index, [row]);
    const { bytes, mediaType } = readRecordedImage(record!, path, [store.runDir(run), process.cwd()], imageRoots);
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': mediaType, 'Cache-Control': 'private, max-age=60' });
  });

  // Pairing every run with the top one reads each run's index (cached) and bootstraps the shared
  // units; the result is kept while no run of the benchmark changes.
  const boards = new Map<string, ReturnType<typeof leaderboard>>();
  app.get('/api/leaderboard', (c) => {
    const { benchmark } = leaderboardQuery.parse(c.req.query());
    const runs = store.listings().filter((listing) => listing.benchmark === benchmark);
    const versions = runs.map((listing) => {
      try {
        const stat = statSync(join(store.runDir(listing.run), SAMPLES_FILE));
        return `${listing.run}:${stat.size}:${stat.mtimeMs}:${listing.status}`;
      } catch {
        return `${listing.run}:none`;
      }
    });
    const key = [benchmark, ...versions].join('\u0000');
    let board = boards.get(key);
    if (!board) {
      board = leaderboard(store, benchmark);
      boards.set(key, board);
      if (boards.size > 16) boards.delete(boards.keys().next().value!);
    }
    return c.json(board);
  });

  // compareRuns reads both runs whole and bootstraps (seconds on 100,000 pairs): keep the last few
  // results, keyed by both samples files' size and mtime, so revisiting the page is instant.
  const compared = new Map<string, ReturnType<typeof compareView>>();
  app.get('/api/compare', (c) => {
    const { a, b } = compareQuery.parse(c.req.query());
    const version = (run: string) => {
      const stat = statSync(join(store.runDir(run), SAMPLES_FILE));
      return `${stat.size}:${stat.mtimeMs}`;
    };
    const key = [a, b, version(a), version(b)].join('\u0000');
    let view = compared.get(key);
    if (!view) {
      view = compareView(store, a, b);
      compared.set(key, view);
      if (compared.size > 8) compared.delete(compared.keys().next().value!);
    }
    return c.json(view);
  });
}
