// Expert ratings (CounselBench style) in SQLite: an assignment is a snapshot of (question,
// response) items taken from a run; raters rate each item on the six dimensions of
// src/benchmarks/counselbench-eval/ratings.ts (its zod schema validates every submission) and copy
// the offending spans, which must be text of the response. Export: one CounselBench-Eval expert
// record per rating. Agreement: Krippendorff α between raters and the run's judge vs the raters.
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { SampleRecord } from '../core/index.js';
export { NotFound } from './paths.js';
import {
  judgeAgreement,
  unitOf,
  type AgreementReport,
  type HumanRating,
  type JudgeValues,
} from '../benchmarks/counselbench-eval/agreement.js';
import { readRunValues } from '../benchmarks/counselbench-eval/judge-agreement.js';
import {
  DIMENSIONS,
  expertRecordSchema,
  isNoSpan,
  ratingSchema,
  ratingToScores,
  toExpertRecord,
  type ExpertRecord,
  type Rating,
} from '../benchmarks/counselbench-eval/ratings.js';

export const RATINGS_DB = '.medkit-ratings.sqlite';
const SCHEMA_VERSION = 1;

export interface AssignmentItem {
  item: number;
  run: string;
  sampleId: string;
  epoch: number;
  questionId: string;
  responder: string;
  question: string;
  response: string;
}

export interface Assignment {
  id: number;
  name: string;
  /** The first run (for links); `runs` lists all. */
  run: string;
  runs: string[];
  created: string;
  items: number;
  ratings: number;
  raters: string[];
}

export const createAssignmentSchema = z
  .object({
    /** One run, or several runs that answered the same questions (questions × responses). */
    run: z.string().min(1).optional(),
    runs: z.array(z.string().min(1)).min(1).max(20).optional(),
    name: z.string().trim().min(1).max(200),
    /** At most this many samples per run, in file order. */
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .refine((body) => body.run !== undefined || body.runs !== undefined, { message: 'give run or runs', path: ['run'] });

/** The samples one run contributes to an assignment. */
export interface AssignmentSource {
  run: string;
  records: readonly SampleRecord[];
  /** Responder when a record has no groups.responder / metadata.responder (the run's agent model). */
  defaultResponder: string;
}

export const submitRatingSchema = z.object({
  item: z.number().int().min(0),
  rater: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .regex(/^[\p{L}\p{N} ._@-]+$/u, 'letters, digits, space, . _ @ - only'),
  rating: ratingSchema,
});

/** A submission error that names the field (for a clear 400). */
export class RatingInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function zodField(error: z.ZodError, prefix = ''): RatingInputError {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)';
  return new RatingInputError(field, issue.message);
}

const COPY_KEYS = { medical_copy: 'medicalCopy', factual_copy: 'factualCopy', toxicity_copy: 'toxicityCopy' } as const;
const normalise = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/** The question a record answered: its first user message's text. */
export function questionOf(record: SampleRecord): string {
  for (const message of record.transcript?.messages ?? []) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content
      .filter((part) => part.type === 'text')
      .map((part) => (part as { text: string }).text)
      .join('\n');
  }
  const title = record.metadata?.title;
  return typeof title === 'string' ? title : '';
}

export class RatingStore {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const tables = (
      this.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    ).n;
    if (tables > 0 && version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `${path}: ratings database schema ${version}, this medkit reads ${SCHEMA_VERSION}; move the file away or use --ratings-db`,
      );
    }
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS assignments (id INTEGER PRIMARY KEY, name TEXT NOT NULL, runs TEXT NOT NULL, created TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS items (assignment INTEGER NOT NULL, item INTEGER NOT NULL, run TEXT NOT NULL, sample_id TEXT NOT NULL, epoch INTEGER NOT NULL,
        question_id TEXT NOT NULL, responder TEXT NOT NULL, question TEXT NOT NULL, response TEXT NOT NULL, PRIMARY KEY (assignment, item));
      CREATE TABLE IF NOT EXISTS ratings (assignment INTEGER NOT NULL, item INTEGER NOT NULL, rater TEXT NOT NULL, rating TEXT NOT NULL,
        created TEXT NOT NULL, PRIMARY KEY (assignment, item, rater));
    `);
  }

  close(): void {
    this.db.close();
  }

  /** Items are ordered question by question (first appearance), the runs' responses to it together. */
  createAssignment(name: string, sources: readonly AssignmentSource[]): Assignment {
    const created = new Date().toISOString();
    const rows = sources.flatMap((source, sourceIndex) =>
      source.records.map((record) => ({
        run: source.run,
        sourceIndex,
        record,
        questionId: String(record.metadata?.questionID ?? record.id),
        responder: String(record.groups?.responder ?? record.metadata?.responder ?? source.defaultResponder),
      })),
    );
    const firstSeen = new Map<string, number>();
    rows.forEach((row, index) => firstSeen.has(row.questionId) || firstSeen.set(row.questionId, index));
    rows.sort((a, b) => firstSeen.get(a.questionId)! - firstSeen.get(b.questionId)! || a.sourceIndex - b.sourceIndex);
    const insert = this.db.transaction(() => {
      const runs = JSON.stringify(sources.map((source) => source.run));
      const id = Number(
        this.db.prepare('INSERT INTO assignments (name, runs, created) VALUES (?, ?, ?)').run(name, runs, created)
          .lastInsertRowid,
      );
      const statement = this.db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      rows.forEach((row, item) => {
        statement.run(
          id,
          item,
          row.run,
          row.record.id,
          row.record.epoch,
          row.questionId,
          row.responder,
          questionOf(row.record),
          row.record.output ?? '',
        );
      });
      return id;
    });
    return this.assignment(insert())!;
  }

  assignments(): Assignment[] {
    const rows = this.db.prepare('SELECT id FROM assignments ORDER BY id').all() as { id: number }[];
    return rows.map((row) => this.assignment(row.id)!);
  }

  assignment(id: number): Assignment | undefined {
    const stored = this.db.prepare('SELECT id, name, runs, created FROM assignments WHERE id = ?').get(id) as
      | { id: number; name: string; runs: string; created: string }
      | undefined;
    if (!stored) return undefined;
    const runs = JSON.parse(stored.runs) as string[];
    const row = { id: stored.id, name: stored.name, run: runs[0]!, runs, created: stored.created };
    const items = (this.db.prepare('SELECT COUNT(*) AS n FROM items WHERE assignment = ?').get(id) as { n: number }).n;
    const raters = this.db
      .prepare('SELECT rater, COUNT(*) AS n FROM ratings WHERE assignment = ? GROUP BY rater ORDER BY rater')
      .all(id) as { rater: string; n: number }[];
    return {
      ...row,
      items,
      ratings: raters.reduce((sum, rater) => sum + rater.n, 0),
      raters: raters.map((rater) => rater.rater),
    };
  }

  items(id: number): AssignmentItem[] {
    return this.db
      .prepare(
        'SELECT item, run, sample_id AS sampleId, epoch, question_id AS questionId, responder, question, response FROM items WHERE assignment = ? ORDER BY item',
      )
      .all(id) as AssignmentItem[];
  }

  ratingsOf(id: number, rater?: string): { item: number; rater: string; rating: Rating; created: string }[] {
    const rows = (
      rater === undefined
        ? this.db
            .prepare('SELECT item, rater, rating, created FROM ratings WHERE assignment = ? ORDER BY item, rater')
            .all(id)
        : this.db
            .prepare(
              'SELECT item, rater, rating, created FROM ratings WHERE assignment = ? AND rater = ? ORDER BY item',
            )
            .all(id, rater)
    ) as { item: number; rater: string; rating: string; created: string }[];
    return rows.map((row) => ({ ...row, rating: JSON.parse(row.rating) as Rating }));
  }

  /** Validates and stores (or replaces) one rater's rating of one item. */
  submit(assignmentId: number, body: unknown): { item: number; rater: string } {
    const parsed = submitRatingSchema.safeParse(body);
    if (!parsed.success) throw zodField(parsed.error);
    const { item, rater, rating } = parsed.data;
    const row = this.db
      .prepare('SELECT response FROM items WHERE assignment = ? AND item = ?')
      .get(assignmentId, item) as { response: string } | undefined;
    if (!row) throw new RatingInputError('item', `no item ${item} in assignment ${assignmentId}`);
    for (const spec of DIMENSIONS) {
      if (!spec.copyField) continue;
      const key = COPY_KEYS[spec.copyField];
      const span = rating[key];
      if (span !== undefined && !isNoSpan(span) && !normalise(row.response).includes(normalise(span))) {
        throw new RatingInputError(
          `rating.${key}`,
          'the copied span is not text of the response (copy it from the response, or leave it empty / N/A)',
        );
      }
    }
    this.db
      .prepare('INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?, ?)')
      .run(assignmentId, item, rater, JSON.stringify(rating), new Date().toISOString());
    return { item, rater };
  }

  /**
   * CounselBench-Eval expert records, one per rating, each checked against the export schema, plus
   * `questionText` and `response` so the file is also a ratings file `medkit eval counselbench-eval
   * --arg path=FILE --solver given` reads (a judge then rates the same responses the experts rated).
   */
  exportRecords(id: number): (ExpertRecord & { questionText: string; response: string })[] {
    const items = new Map(this.items(id).map((item) => [item.item, item]));
    return this.ratingsOf(id).map(({ item, rater, rating }) => {
      const source = items.get(item)!;
      const questionID = /^\d+$/.test(source.questionId) ? Number(source.questionId) : source.questionId;
      return {
        ...expertRecordSchema.parse(toExpertRecord(rating, { questionID, responder: source.responder, rater })),
        questionText: source.question,
        response: source.response,
      };
    });
  }

  /**
   * α between raters and judge-vs-raters per dimension, the judge read from each run's scores. A unit
   * is `sampleId:run`, so per-question α (judgeAgreement groups by the id before ':') pools a
   * question's responses from every run.
   */
  agreement(id: number, runDir: (run: string) => string): AgreementReport & { judge: string; raters: string[] } {
    const assignment = this.assignment(id)!;
    const items = new Map(this.items(id).map((item) => [item.item, item]));
    const humans: HumanRating[] = this.ratingsOf(id).map(({ item, rater, rating }) => {
      const source = items.get(item)!;
      return {
        id: `${source.sampleId}:${source.run}`,
        epoch: source.epoch,
        rater,
        values: ratingToScores(rating),
        at: `assignment ${id} item ${item}`,
      };
    });
    const values: JudgeValues = new Map();
    const judges = new Set<string>();
    for (const run of assignment.runs) {
      const read = readRunValues(runDir(run));
      judges.add(read.judge);
      for (const [unit, scores] of read.values) {
        const cut = unit.lastIndexOf('#');
        values.set(unitOf(`${unit.slice(0, cut)}:${run}`, Number(unit.slice(cut + 1))), scores);
      }
    }
    const report = judgeAgreement(
      values,
      humans,
      DIMENSIONS.map((spec) => spec.scoreKey),
    );
    return {
      ...report,
      judge: [...judges].join('; '),
      raters: [...new Set(humans.map((human) => human.rater))].sort(),
    };
  }
}
