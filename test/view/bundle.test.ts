// `medkit view --bundle`: a static site of chosen runs whose data files hold the server's own
// answers; images copied under the server's rule (an image outside the runs folder stays refused,
// with the reason); bad destinations and sources refused with the path named; the CLI end to end.
// The pages themselves are opened from file:// in Chromium by browser.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { writeBundle } from '../../src/server/bundle.js';
import type { BundleIndex, RecordsPart } from '../../src/server/bundle-format.js';
import { writeBoardRuns, writeFixtureRuns } from './fixtures.js';

let temp: string;
let root: string;

/** Runs a bundle data script as the browser would and returns what it defined. */
function load(path: string): { MEDKIT_BUNDLE?: BundleIndex; MEDKIT_PARTS?: Record<string, unknown> } {
  const window: Record<string, unknown> = {};
  runInNewContext(readFileSync(path, 'utf8'), { window });
  return window;
}

before(async () => {
  temp = mkdtempSync(join(tmpdir(), 'medkit-view-bundle-'));
  root = join(temp, 'runs');
  await writeFixtureRuns(root, join(temp, 'outside'));
  writeBoardRuns(root);
});
after(() => rmSync(temp, { recursive: true, force: true }));

describe('medkit view --bundle', () => {
  it('writes the chosen runs with rows, records, images, leaderboards and comparisons', async () => {
    const out = join(temp, 'site');
    const result = await writeBundle({ outDir: out, sources: [join(root, 'alpha'), join(root, 'beta')] });
    assert.deepEqual(result.runs, ['alpha', 'beta']);
    for (const file of ['index.html', 'web/app.js', 'web/style.css', 'data/bundle.js'])
      assert.ok(existsSync(join(out, file)), file);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /<script defer src="data\/bundle.js"><\/script>\s*<script defer src="web\/app.js">/);
    assert.doesNotMatch(readFileSync(join(out, 'web/app.js'), 'utf8'), /from ['"]preact['"]|import\(/);
    const index = load(join(out, 'data/bundle.js')).MEDKIT_BUNDLE!;
    assert.equal(index.runs.runs.length, 2);
    assert.deepEqual(Object.keys(index.run).sort(), ['alpha', 'beta']);
    assert.deepEqual(Object.keys(index.compare).sort(), ['alpha\nbeta', 'beta\nalpha']);
    assert.ok(index.leaderboard['medmcq-mini']);
    const rows = load(join(out, `data/${index.parts.alpha!.rows}.js`)).MEDKIT_PARTS![index.parts.alpha!.rows] as {
      id: string;
      error: string | null;
    }[];
    assert.equal(rows.length, 12);
    assert.equal(rows.filter((row) => row.error).length, 1);
    const part = index.parts.alpha!.records[0]!;
    const records = load(join(out, `data/${part}.js`)).MEDKIT_PARTS![part] as RecordsPart;
    assert.equal(records.records.length, 12);
    const first = Object.values(records.images[0]!);
    assert.ok(first.length >= 2 && first.every((image) => 'url' in image && image.url.startsWith('data/img/')));
    for (const image of first) assert.ok(existsSync(join(out, (image as { url: string }).url)));
    // q1 epoch 2 records escape.png, a symlink out of the runs folder: refused in the bundle as on the server
    const escaped = Object.entries(records.images[1]!).find(([path]) => path.endsWith('escape.png'));
    assert.equal(
      JSON.stringify(escaped?.[1]),
      JSON.stringify({ refused: 'outside the runs folder and the image roots' }),
    );
    assert.ok(!readFileSync(join(out, `data/${part}.js`), 'utf8').includes('TOP SECRET'));
  });

  it('takes a folder of runs, and rewrites an earlier bundle in place', async () => {
    const out = join(temp, 'board-site');
    const first = await writeBundle({ outDir: out, sources: [join(root, 'medmcq-mini')] });
    assert.equal(first.runs.length, 3);
    const again = await writeBundle({ outDir: out, sources: [join(root, 'medmcq-mini'), join(root, 'old-baseline')] });
    assert.equal(again.runs.length, 4);
    const index = load(join(out, 'data/bundle.js')).MEDKIT_BUNDLE!;
    assert.equal((index.leaderboard['medmcq-mini'] as { rows: unknown[] }).rows.length, 4);
  });

  it('refuses a non-empty folder that is not a bundle, a missing source and a folder without runs', async () => {
    const busy = join(temp, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    await assert.rejects(writeBundle({ outDir: busy, sources: [root] }), /busy: exists and is not an earlier bundle/);
    await assert.rejects(
      writeBundle({ outDir: join(temp, 'x'), sources: [join(temp, 'nope')] }),
      /nope: no such run or runs folder/,
    );
    await assert.rejects(
      writeBundle({ outDir: join(temp, 'y'), sources: [join(temp, 'outside')] }),
      /outside: no run directory/,
    );
    await assert.rejects(
      writeBundle({ outDir: join(root, 'alpha', 'site'), sources: [join(root, 'alpha')] }),
      /inside a run directory/,
    );
  });

  it('runs from the command line', () => {
    const out = join(temp, 'cli-site');
    const ok = spawnSync(process.execPath, ['bin/medkit.js', 'view', '--bundle', out, join(root, 'counsel')], {
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /bundle of 1 runs in .*cli-site; open .*index\.html/);
    const two = spawnSync(process.execPath, ['bin/medkit.js', 'view', root, join(root, 'alpha')], { encoding: 'utf8' });
    assert.equal(two.status, 2);
    assert.match(two.stderr, /takes one runs folder \(got 2\); --bundle DIR takes several runs/);
  });
});
