// Input edge cases every loader shares: a UTF-8 BOM is accepted; an empty or all-invalid dataset is
// a failed run with a clear note and a non-zero exit, not a `complete` run of zero samples; an
// unterminated CSV quote is a data error at file:line; a whole-file JSON error names line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonFile, SampleFormatError, type Sample } from '../../src/core/index.js';
import { runEval } from '../../src/eval.js';
import { readAdvFile } from '../../src/benchmarks/counselbench-adv/loader.js';
import { readCounselChat } from '../../src/benchmarks/counselbench-eval/counselchat.js';
import { readHumanRatings } from '../../src/benchmarks/counselbench-eval/judge-agreement.js';
import { MEDMCQ_MINI_FILE } from '../../src/benchmarks/medmcq-mini/index.js';
import { readMirage } from '../../src/benchmarks/mirage/loader.js';
import { loadHetionet } from '../../src/kg/loaders.js';
import { loadLoaders } from '../../src/registry.js';

const loaders = await loadLoaders();

const dir = mkdtempSync(join(tmpdir(), 'medkit-data-edges-'));
const shared = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const BOM = '\uFEFF';
const repo = join(import.meta.dirname, '..', '..');

async function count(items: AsyncIterable<Sample> | Iterable<Sample>): Promise<number> {
  let total = 0;
  for await (const _ of items) total++;
  return total;
}

/** The file's text with a BOM in front, written beside the test's other files. */
function withBom(source: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, BOM + readFileSync(source, 'utf8'));
  return path;
}

test('a UTF-8 BOM is accepted by JSONL, whole-JSON, CSV and TSV loaders (same items as without)', async (t) => {
  const medmcq = withBom(MEDMCQ_MINI_FILE, 'medmcq-bom.jsonl');
  assert.equal(
    await count(loaders.medmcq!.load(medmcq)),
    await count(loaders.medmcq!.load(MEDMCQ_MINI_FILE)),
    'medmcq JSONL',
  );
  const adv = join(dir, 'adv.csv');
  writeFileSync(
    adv,
    `${BOM}apathetic,assumptions,symptoms,judgmental,medication,therapy\r\na1,b1,c1,d1,e1,f1\r\na2,,c2,,,\r\n`,
  );
  assert.equal((await readAdvFile(adv)).length, 8, 'counselbench-adv CSV');
  const advJsonl = join(dir, 'adv.jsonl');
  writeFileSync(advJsonl, `${BOM}{"mode": "medication", "question": "Can I stop my pills?"}\n`);
  assert.equal((await readAdvFile(advJsonl)).length, 1, 'counselbench-adv JSONL');
  const ratings = join(dir, 'ratings.jsonl');
  writeFileSync(ratings, `${BOM}{"id": "q1", "rater": "r1", "overall": 4}\n`);
  assert.equal(readHumanRatings(ratings, new Set(['overall'])).ratings.length, 1, 'human ratings JSONL');

  if (!existsSync(shared)) {
    t.diagnostic(`${shared} is absent: the real MIRAGE, PubMedQA, CounselChat and Hetionet files were not tried`);
    return;
  }
  const mirage = withBom(join(shared, 'mirage', 'benchmark.json'), 'benchmark.json');
  assert.equal(
    await count(readMirage(mirage)),
    await count(readMirage(join(shared, 'mirage', 'benchmark.json'))),
    'MIRAGE JSON',
  );
  const pubmed = join(dir, 'pubmedqa');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(pubmed, { recursive: true });
  withBom(join(shared, 'pubmedqa', 'ori_pqal.json'), 'pubmedqa/ori_pqal.json');
  withBom(join(shared, 'pubmedqa', 'test_ground_truth.json'), 'pubmedqa/test_ground_truth.json');
  assert.equal(
    await count(loaders.pubmedqa!.load(pubmed)),
    await count(loaders.pubmedqa!.load(join(shared, 'pubmedqa'))),
    'PubMedQA JSON',
  );
  const chat = withBom(join(shared, 'counselchat', '20200325_counsel_chat.csv'), 'counsel_chat.csv');
  assert.equal(
    (await readCounselChat(chat)).length,
    (await readCounselChat(join(shared, 'counselchat', '20200325_counsel_chat.csv'))).length,
    'CounselChat CSV',
  );
  const nodes = withBom(join(shared, 'hetionet', 'hetionet-v1.0-nodes.tsv'), 'nodes.tsv');
  assert.equal((await loadHetionet({ nodes })).graph.nodeCount, 47_031, 'Hetionet TSV');
});

test('an unterminated CSV quote is a data error naming file:line in every CSV loader', async () => {
  const adv = join(dir, 'adv-open.csv');
  writeFileSync(
    adv,
    'apathetic,assumptions,symptoms,judgmental,medication,therapy\na1,b1,c1,d1,e1,f1\na2,"open,c2,d2,e2,f2\na3,b3,c3,d3,e3,f3\n',
  );
  await assert.rejects(
    readAdvFile(adv),
    /adv-open\.csv:3: \(row\): a quoted field opened on this line is never closed/,
  );
  const chat = join(dir, 'chat-open.csv');
  writeFileSync(chat, 'questionID,questionTitle\n1,"fine"\n\n2,"never closed\n3,x\n');
  await assert.rejects(readCounselChat(chat), (error: unknown) => {
    assert.ok(error instanceof SampleFormatError, String(error));
    assert.equal(error.line, 4);
    return true;
  });
  const ratings = join(dir, 'ratings-open.csv');
  writeFileSync(ratings, 'id,rater,overall\r\nq1,r1,"4\r\n');
  assert.throws(() => readHumanRatings(ratings, new Set(['overall'])), /ratings-open\.csv:2: \(row\)/);
  const evalFile = join(dir, 'eval-open.csv');
  writeFileSync(evalFile, 'questionID,responder,response\n1,gpt,"a response that never ends\n');
  await assert.rejects(
    count(loaders['counselbench-eval']!.load(evalFile)),
    /eval-open\.csv:2: \(row\): a quoted field opened on this line is never closed/,
  );
});

test('whole-file JSON errors give line:column, not a character offset', async () => {
  assert.throws(
    () => parseJsonFile('f.json', '{\n  "a": 1,\n  "b": }\n'),
    (error: unknown) => {
      assert.ok(error instanceof SampleFormatError);
      assert.equal(error.message.split(': ')[0], 'f.json:3:8');
      assert.doesNotMatch(error.message, /position/);
      return true;
    },
  );
  // Node 20 gives no position for some errors; the location is still found.
  assert.throws(() => parseJsonFile('g.json', `${BOM}[1,\n 2,\n tru]`), /^SampleFormatError: g\.json:3:2: json: /);
  assert.throws(() => parseJsonFile('h.json', '{"a": [1, 2'), /^SampleFormatError: h\.json:1:12: json: /);
  assert.throws(() => parseJsonFile('e.json', '  \n'), /^SampleFormatError: e\.json:2:1: json: the file is empty/);
  const broken = join(dir, 'broken-benchmark.json');
  writeFileSync(
    broken,
    '{\n  "medqa": {\n    "0000": {"question": "q", "options": {"A": "x"} "answer": "A"}\n  }\n}\n',
  );
  assert.throws(() => [...readMirage(broken)], /broken-benchmark\.json:3:\d+: json: /);
});

test('an empty or all-invalid dataset fails the run with a clear note; data check and the CLI exit non-zero', async () => {
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '');
  const invalid = join(dir, 'invalid.jsonl');
  writeFileSync(invalid, `${BOM}{"id": "x1", "question": "no options"}\nnot json\n`);
  for (const [path, pattern] of [
    [empty, /medmcq-mini's dataset \(path=".*empty\.jsonl"\) has no samples/],
    [invalid, /has no valid samples: all 2 rows read were invalid; the first: .*invalid\.jsonl:1: /],
  ] as const) {
    const out = join(dir, `run-${path.endsWith('empty.jsonl') ? 'empty' : 'invalid'}`);
    const summary = await runEval({ benchmark: 'medmcq-mini', args: { path }, outDir: out, cache: false });
    assert.equal(summary.status, 'failed');
    assert.match(summary.notes.join('\n'), pattern);
    assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status, 'failed');
    // Without a run folder the error is thrown.
    await assert.rejects(runEval({ benchmark: 'medmcq-mini', args: { path }, cache: false }), pattern);
  }
  const env = { ...process.env, MEDKIT_DEBUG: '' };
  const cli = spawnSync(
    process.execPath,
    [join(repo, 'bin', 'medkit.js'), 'eval', 'medmcq-mini', '--arg', `path=${empty}`, '--no-cache'],
    { cwd: repo, env, encoding: 'utf8' },
  );
  assert.notEqual(cli.status, 0, cli.stdout + cli.stderr);
  assert.match(cli.stderr, /has no samples/);
  const check = spawnSync(process.execPath, [join(repo, 'bin', 'medkit.js'), 'data', 'check', 'medmcq', empty], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
  assert.equal(check.status, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /error: .*empty\.jsonl has no items/);
});
