// KGARevion end to end against the scripted loopback OpenAI server: runEval on kgqa-mini with
// --solver kgarevion (audit trail in samples.jsonl), and `medkit agent kgarevion` in process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Command } from 'commander';
import { runEval } from '../../src/eval.js';
import { agentCommand } from '../../src/agents/kgarevion/cli.js';
import { startLoopbackServer, type LoopbackReply, type LoopbackTurn } from '../support/loopback-server.js';

const root = mkdtempSync(join(tmpdir(), 'kgarevion-e2e-'));

/** A scripted "LLM": names the option as the triplet head, revises nothing useful, answers A. */
function reply(turn: LoopbackTurn): LoopbackReply {
  const text = turn.lastUserText;
  if (text.includes('Reply with exactly one word: True or False')) {
    // The judge: "True" for Metformin, "False" otherwise, with first-token log-probabilities.
    const yes = text.includes('(Metformin,');
    const [t, f] = yes ? [-0.2, -1.8] : [-2.5, -0.1];
    return {
      text: yes ? 'True' : 'False',
      logprobs: [
        {
          token: yes ? 'True' : 'False',
          logprob: Math.max(t, f),
          top: [
            { token: 'True', logprob: t },
            { token: 'False', logprob: f },
          ],
        },
      ],
    };
  }
  if (text.includes('medical_terminologies')) return '{"medical_terminologies": ["type 2 diabetes mellitus"]}';
  if (text.includes('"Revised_Triplets"')) return 'I am not able to revise this.';
  if (text.includes('"Triplets"')) {
    const option = /Candidate answer: (.+)/.exec(text)?.[1] ?? 'Metformin';
    return `{"Triplets": [["${option}", "indication", "type 2 diabetes mellitus"]]}`;
  }
  if (text.includes('"Answer"')) return '{"Answer": "A"}';
  return 'unexpected';
}

const server = await startLoopbackServer({ script: reply });
after(() => server.close());

// The CLI test runs first: it captures stdout, which must not swallow another test's report.
test('medkit agent kgarevion "<question>" prints the answer and the audit trail', async () => {
  const program = new Command().exitOverride();
  agentCommand.register(program);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  process.env.OPENAI_API_KEY = 'k';
  try {
    await program.parseAsync([
      'node',
      'medkit',
      'agent',
      'kgarevion',
      'Which drug treats type 2 diabetes mellitus?\nA. Metformin\nB. Warfarin',
      '--model',
      'openai:loop',
      '--base-url',
      server.baseURL,
      '--arg',
      'revise=false',
    ]);
  } finally {
    process.stdout.write = write;
  }
  const out = chunks.join('');
  assert.match(out, /answer: ANSWER: A/);
  assert.match(
    out,
    /\[generate\] \(Metformin, indication, type 2 diabetes mellitus\) => \(Metformin, indication, type 2 diabetes mellitus\): true p=1 \(exact-edge\)/,
  );
  assert.match(out, /\(Warfarin, indication, type 2 diabetes mellitus\) .*: false p=0 \(exact-edge\)/);
});

test('runEval kgqa-mini --solver kgarevion over the loopback server: answers, scores and a kg-triplet trail per sample', async () => {
  const outDir = join(root, 'run');
  const summary = await runEval({
    benchmark: 'kgqa-mini',
    solver: 'kgarevion',
    models: { agent: 'openai:loop' },
    provider: { baseURL: server.baseURL, apiKey: 'k' },
    limit: 2,
    outDir,
    cache: false,
    progress: 'none',
    args: { jsonAttempts: 2 },
  });
  assert.equal(summary.status, 'complete');
  assert.equal(summary.counts.errors, 0);
  assert.equal(summary.counts.units, 2);
  const rows = readFileSync(join(outDir, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const first = rows[0];
  const trail = first.transcript.events.filter(
    (e: { type: string; kind?: string }) => e.type === 'evidence' && e.kind === 'kg-triplet',
  );
  assert.equal(trail.length, 4); // one triplet per option; the revise calls gave no JSON, so no revised triplets
  const metformin = trail.find((e: any) => e.data.head === 'Metformin');
  assert.equal(metformin.data.verdict, 'true');
  assert.deepEqual(metformin.data.evidence.sources, ['FDA']);
  assert.ok(
    first.transcript.events.some((e: any) => e.type === 'info' && /revise round 1: no usable JSON/.test(e.message)),
  );
});

test("verifier=llm with a judge role: pTrue is the softmax of the judge's True/False log-probabilities", async () => {
  const outDir = join(root, 'run-llm');
  const summary = await runEval({
    benchmark: 'kgqa-mini',
    solver: 'kgarevion',
    models: { agent: 'openai:loop', judge: 'openai:judge' },
    provider: { baseURL: server.baseURL, apiKey: 'k' },
    limit: 1,
    outDir,
    cache: false,
    progress: 'none',
    args: { verifier: 'llm', revise: 'false' },
  });
  assert.equal(summary.counts.errors, 0);
  const row = JSON.parse(readFileSync(join(outDir, 'samples.jsonl'), 'utf8').trim().split('\n')[0]!);
  const trail = row.transcript.events.filter((e: any) => e.type === 'evidence' && e.kind === 'kg-triplet');
  const metformin = trail.find((e: any) => e.data.head === 'Metformin');
  assert.equal(metformin.data.reason, 'llm-judge');
  assert.equal(metformin.data.evidence.method, 'logprob-softmax');
  assert.ok(Math.abs(metformin.data.pTrue - 1 / (1 + Math.exp(-1.6))) < 1e-3, String(metformin.data.pTrue));
  const other = trail.find((e: any) => e.data.head !== 'Metformin');
  assert.equal(other.data.verdict, 'false');
  assert.ok(row.transcript.events.some((e: any) => e.type === 'model' && e.role === 'judge'));
});
