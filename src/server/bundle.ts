// `medkit view --bundle DIR [runs...]`: the viewer as a static site of the chosen runs, opened from
// the file system or any static host, with the same pages read-only (as inspect_ai's view bundle).
// Every answer comes from the server's own code (the Hono app for /api/run and /api/samples,
// leaderboard() and compareView()), so the bundle shows what `medkit view` shows. Images follow the
// server's rule (recorded by the sample, inside the runs folder or an image root, PNG/JPEG/GIF/WebP)
// and are copied in; anything refused says why, as on the server. Layout: bundle-format.ts.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../core/index.js';
import type { SampleRecord } from '../core/index.js';
import { SAMPLES_FILE, SPEC_FILE } from '../runner/run-dir.js';
import { createViewer, DEFAULT_WEB_DIR, type ViewerOptions } from './app.js';
import { type BundleIndex, type BundleRow, PARTS_GLOBAL, RECORDS_PER_PART, type RecordsPart } from './bundle-format.js';
import { compareView } from './compare-view.js';
import { readRecordedImage, recordedImages } from './images.js';
import { leaderboard } from './leaderboard.js';
import { PathRefused } from './paths.js';
import { readRows } from './sample-index.js';
import { buildWebApp } from './web-build.js';

/** All ordered pairs are compared while a benchmark has at most this many runs; beyond, each run with the top one. */
const ALL_PAIRS_UP_TO = 6;

export interface BundleOptions {
  outDir: string;
  /** Run directories, or folders of runs (every run inside is taken). */
  sources: string[];
  imageRoots?: string[];
  headlines?: ViewerOptions['headlines'];
  webDir?: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface BundleResult {
  outDir: string;
  runs: string[];
  images: number;
  comparisons: number;
  notes: string[];
}

/** The run directories under a folder (or the folder itself when it is a run), as the viewer finds them. */
function runDirectories(source: string): string[] {
  const found: string[] = [];
  const walk = (directory: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((entry) => entry.isFile() && entry.name === SPEC_FILE)) {
      found.push(directory);
      return;
    }
    if (depth >= 4) return;
    for (const entry of entries)
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
        walk(join(directory, entry.name), depth + 1);
  };
  walk(resolve(source), 0);
  return found;
}

function commonParent(directories: string[]): string {
  const split = directories.map((directory) => dirname(directory).split(sep));
  const first = split[0]!;
  let length = first.length;
  for (const parts of split) {
    let same = 0;
    while (same < Math.min(length, parts.length) && parts[same] === first[same]) same++;
    length = same;
  }
  return first.slice(0, length).join(sep) || sep;
}

const script = (name: string, value: unknown) =>
  `(window.${PARTS_GLOBAL} = window.${PARTS_GLOBAL} || {})[${JSON.stringify(name)}] = ${JSON.stringify(value)};\n`;

export async function writeBundle(options: BundleOptions): Promise<BundleResult> {
  const log = options.log ?? (() => {});
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const directories = [
    ...new Set(
      options.sources.flatMap((source) => {
        if (!existsSync(source)) throw new ConfigError(`${source}: no such run or runs folder`);
        const found = runDirectories(source);
        if (found.length === 0) throw new ConfigError(`${source}: no run directory (a folder with ${SPEC_FILE}) in it`);
        return found;
      }),
    ),
  ];
  const outDir = resolve(options.outDir);
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !existsSync(join(outDir, 'data', 'bundle.js')))
    throw new ConfigError(`${options.outDir}: exists and is not an earlier bundle; pick an empty or new folder`);
  if (directories.some((directory) => outDir === directory || outDir.startsWith(directory + sep)))
    throw new ConfigError(`${options.outDir}: inside a run directory; write the bundle elsewhere`);

  const root = directories.length === 1 ? dirname(directories[0]!) : commonParent(directories);
  const viewer = createViewer({
    runsDir: root,
    imageRoots: options.imageRoots ?? [],
    ratingsDb: ':memory:',
    webDir,
    ...(options.headlines ? { headlines: options.headlines } : {}),
  });
  const names = directories.map((directory) => relative(viewer.store.root, directory).split(sep).join('/')).sort();
  const notes: string[] = [];
  try {
    rmSync(join(outDir, 'data'), { recursive: true, force: true });
    mkdirSync(join(outDir, 'data', 'img'), { recursive: true });
    mkdirSync(join(outDir, 'web'), { recursive: true });
    const writePart = (name: string, value: unknown) => {
      const path = join(outDir, 'data', `${name}.js`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, script(name, value));
      return name;
    };
    const api = async (path: string) => {
      const response = await viewer.app.request(path);
      const body = await response.json();
      if (!response.ok) throw new Error(`${path}: ${(body as { error?: string }).error ?? response.status}`);
      return body;
    };

    const index: BundleIndex = {
      format: 1,
      created: new Date().toISOString(),
      medkit: JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version ?? '?',
      runs: { root: `static bundle of ${names.length} run${names.length === 1 ? '' : 's'}`, runs: [] },
      run: {},
      parts: {},
      leaderboard: {},
      compare: {},
      notes,
    };
    const copied = new Map<string, string>();
    const imageBases = (run: string) => [viewer.store.runDir(run), process.cwd()];
    const imageRoots = [viewer.store.root, ...(options.imageRoots ?? [])];
    for (const [position, run] of names.entries()) {
      log(`bundle: ${run}`);
      index.runs.runs.push(viewer.store.listing(run));
      if (!existsSync(join(viewer.store.runDir(run), SAMPLES_FILE))) {
        notes.push(`${run}: no ${SAMPLES_FILE}; only its spec is in the bundle`);
        continue;
      }
      index.run[run] = await api(`/api/run?${new URLSearchParams({ run })}`);
      const rows: BundleRow[] = [];
      for (let page = 0; ; page++) {
        const answer = (await api(
          `/api/samples?${new URLSearchParams({ run, page: String(page), pageSize: '500' })}`,
        )) as {
          items: BundleRow[];
          pages: number;
        };
        rows.push(...answer.items);
        if (page + 1 >= answer.pages) break;
      }
      const store = viewer.store.index(run);
      const records: string[] = [];
      for (let start = 0; start < store.ids.length; start += RECORDS_PER_PART) {
        const chunkRows = Array.from(
          { length: Math.min(RECORDS_PER_PART, store.ids.length - start) },
          (_, k) => start + k,
        );
        const chunk: RecordsPart = { records: readRows(store, chunkRows), images: [] };
        for (const record of chunk.records as SampleRecord[]) {
          const images: RecordsPart['images'][number] = {};
          for (const path of recordedImages(record)) {
            try {
              const { bytes, mediaType } = readRecordedImage(record, path, imageBases(run), imageRoots);
              const key = `${mediaType}:${bytes.length}:${bytes.subarray(0, 64).toString('hex')}:${path}`;
              let file = copied.get(key);
              if (!file) {
                file = `data/img/${copied.size}.${mediaType.split('/')[1]}`;
                writeFileSync(join(outDir, file), bytes);
                copied.set(key, file);
              }
              images[path] = { url: file };
            } catch (error) {
              images[path] = { refused: error instanceof PathRefused ? error.reason : String(error) };
            }
          }
          chunk.images.push(images);
        }
        records.push(writePart(`runs/${position}/records-${start / RECORDS_PER_PART}`, chunk));
      }
      index.parts[run] = { rows: writePart(`runs/${position}/rows`, rows), records };
    }

    const byBenchmark = new Map<string, string[]>();
    for (const listing of index.runs.runs as { run: string; benchmark: string; problem?: string }[])
      if (!listing.problem && index.parts[listing.run])
        byBenchmark.set(listing.benchmark, [...(byBenchmark.get(listing.benchmark) ?? []), listing.run]);
    let comparisons = 0;
    for (const [benchmark, runs] of byBenchmark) {
      const board = leaderboard(viewer.store, benchmark, 0, runs);
      index.leaderboard[benchmark] = board;
      const pairs =
        runs.length <= ALL_PAIRS_UP_TO
          ? runs.flatMap((a) => runs.filter((b) => b !== a).map((b) => [a, b] as const))
          : runs
              .filter((run) => run !== board.top)
              .flatMap((run) => [[board.top!, run] as const, [run, board.top!] as const]);
      if (runs.length > ALL_PAIRS_UP_TO)
        notes.push(`${benchmark}: ${runs.length} runs; comparisons are bundled with the top run only`);
      for (const [a, b] of pairs) {
        log(`bundle: compare ${a} with ${b}`);
        index.compare[`${a}\n${b}`] = writePart(`compare/${comparisons++}`, compareView(viewer.store, a, b));
      }
    }

    writeFileSync(join(outDir, 'data', 'bundle.js'), `window.MEDKIT_BUNDLE = ${JSON.stringify(index)};\n`);
    writeFileSync(join(outDir, 'web', 'app.js'), await buildWebApp(webDir));
    copyFileSync(join(webDir, 'style.css'), join(outDir, 'web', 'style.css'));
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    if (!html.includes('<script defer src="web/app.js"></script>'))
      throw new Error(`${webDir}index.html: no <script defer src="web/app.js"> to put the bundle's data before`);
    writeFileSync(
      join(outDir, 'index.html'),
      html.replace(
        '<script defer src="web/app.js"></script>',
        '<script defer src="data/bundle.js"></script>\n  <script defer src="web/app.js"></script>',
      ),
    );
    const size = statSync(join(outDir, 'data', 'bundle.js')).size;
    log(`bundle: ${names.length} runs, ${copied.size} images, ${comparisons} comparisons, index ${size} bytes`);
    return { outDir, runs: names, images: copied.size, comparisons, notes };
  } finally {
    viewer.close();
  }
}
