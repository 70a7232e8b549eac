// The API answered from a static bundle: the index (data/bundle.js) is loaded by index.html, larger
// parts (sample rows, full records, comparisons) by adding a <script> when first needed. The sample
// table is filtered, sorted and paged here with the server's own function (sample-query.ts).
import {
  type BundleIndex,
  type BundleRow,
  RECORDS_PER_PART,
  type RecordsPart,
} from '../../src/server/bundle-format.js';
import { type SampleColumns, queryRows } from '../../src/server/sample-query.js';

const loaded = new Map<string, Promise<unknown>>();

function part<T>(name: string): Promise<T> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `data/${name}.js`;
      script.onload = () => resolve(window.MEDKIT_PARTS?.[name]);
      script.onerror = () => reject(new Error(`bundle file data/${name}.js is missing`));
      document.head.append(script);
    });
    loaded.set(name, promise);
  }
  return promise as Promise<T>;
}

interface Rows {
  rows: BundleRow[];
  columns: SampleColumns;
  byUnit: Map<string, number>;
}
const rowCache = new Map<string, Promise<Rows>>();

function rowsOf(bundle: BundleIndex, run: string): Promise<Rows> {
  const parts = bundle.parts[run];
  if (!parts) return Promise.reject(notInBundle(`run ${run}`));
  let cached = rowCache.get(run);
  if (!cached) {
    cached = part<BundleRow[]>(parts.rows).then((rows) => {
      const scores = new Map<string, number[]>();
      const groups = new Map<string, string[]>();
      rows.forEach((row, index) => {
        for (const [key, value] of Object.entries(row.scores)) {
          if (!scores.has(key)) scores.set(key, new Array<number>(rows.length).fill(Number.NaN));
          scores.get(key)![index] = value ?? Number.NaN;
        }
        for (const [key, value] of Object.entries(row.groups)) {
          if (!groups.has(key)) groups.set(key, new Array<string>(rows.length).fill(''));
          groups.get(key)![index] = value;
        }
      });
      const columns: SampleColumns = {
        ids: rows.map((row) => row.id),
        epochs: rows.map((row) => row.epoch),
        errors: rows.map((row) => row.error),
        tokens: rows.map((row) => row.tokens),
        cost: rows.map((row) => row.cost),
        scores,
        groups,
      };
      const byUnit = new Map(rows.map((row, index) => [`${row.epoch}\u0000${row.id}`, index]));
      return { rows, columns, byUnit };
    });
    rowCache.set(run, cached);
  }
  return cached;
}

const notInBundle = (what: string) =>
  new Error(`${what} is not in this bundle (medkit view --bundle chose other runs)`);
const number = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));

export async function readBundle(path: string, params: Record<string, string>): Promise<unknown> {
  const bundle = window.MEDKIT_BUNDLE!;
  switch (path) {
    case '/api/runs':
      return bundle.runs;
    case '/api/run': {
      const run = bundle.run[params.run ?? ''];
      if (!run) throw notInBundle(`run ${params.run}`);
      return run;
    }
    case '/api/samples': {
      const { rows, columns } = await rowsOf(bundle, params.run ?? '');
      const page = number(params.page) ?? 0;
      const pageSize = Math.min(500, number(params.pageSize) ?? 50);
      const separator = params.group?.indexOf('=') ?? -1;
      const error = params.error === 'only' || params.error === 'none' ? params.error : undefined;
      const min = number(params.min);
      const max = number(params.max);
      const result = queryRows(columns, {
        page,
        pageSize,
        ...(params.score ? { scoreKey: params.score } : {}),
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
        ...(params.group && separator > 0
          ? { group: { key: params.group.slice(0, separator), value: params.group.slice(separator + 1) } }
          : {}),
        ...(error ? { error } : {}),
        ...(params.q ? { q: params.q } : {}),
        ...(params.sort ? { sort: params.sort } : {}),
        desc: params.desc === '1' || params.desc === 'true',
      });
      return {
        total: result.total,
        page,
        pageSize,
        pages: Math.ceil(result.total / pageSize),
        items: result.rows.map((row) => rows[row]),
        ms: 0,
      };
    }
    case '/api/sample': {
      const run = params.run ?? '';
      const { rows, byUnit } = await rowsOf(bundle, run);
      const row = byUnit.get(`${params.epoch ?? 1}\u0000${params.id}`);
      if (row === undefined) throw new Error(`${run}: no sample ${JSON.stringify(params.id)} epoch ${params.epoch}`);
      const chunk = await part<RecordsPart>(bundle.parts[run]!.records[Math.floor(row / RECORDS_PER_PART)]!);
      const neighbour = (other: number) =>
        other >= 0 && other < rows.length ? { id: rows[other]!.id, epoch: rows[other]!.epoch } : null;
      return {
        run,
        row,
        rows: rows.length,
        previous: neighbour(row - 1),
        next: neighbour(row + 1),
        record: chunk.records[row % RECORDS_PER_PART],
        images: chunk.images[row % RECORDS_PER_PART],
        spec: (bundle.run[run] as { spec: unknown }).spec,
      };
    }
    case '/api/compare': {
      const name = bundle.compare[`${params.a}\n${params.b}`];
      if (!name) throw notInBundle(`the comparison of ${params.a} with ${params.b}`);
      return part(name);
    }
    case '/api/leaderboard': {
      const board = bundle.leaderboard[params.benchmark ?? ''];
      if (!board) throw notInBundle(`a leaderboard of ${params.benchmark}`);
      return board;
    }
    default:
      throw new Error('expert ratings are not part of a static bundle: open the runs with medkit view');
  }
}
