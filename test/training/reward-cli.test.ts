// `medkit reward score|serve --arg`: checked against the owner's declared options as `medkit eval` checks them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { rewardArgs } from '../../src/training/command.js';

const folder = mkdtempSync(join(tmpdir(), 'reward-cli-'));

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('reward --arg: unknown keys get a did-you-mean, wrong types name the key, declared values take effect', async () => {
  const input = join(folder, 'rollouts.jsonl');
  const truth = { options: { A: 'nodule', B: 'pleural effusion' }, answer: 'pleural effusion', answer_label: 'B' };
  writeFileSync(input, `${JSON.stringify({ completion: 'I see a pleural effusion here.', ground_truth: truth })}\n`);
  const out = join(folder, 'scored.jsonl');
  const typo = await run(['reward', 'score', 'medsynvqa', '--in', input, '--arg', 'lose=true']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /--arg lose: medsynvqa has no option 'lose'; did you mean 'loose'\?/);
  const badType = await run(['reward', 'score', 'medsynvqa', '--in', input, '--arg', 'loose=perhaps']);
  assert.equal(badType.code, 2);
  assert.match(badType.stderr, /--arg loose/);
  const serve = await run(['reward', 'serve', '--reward', 'ehr-chatqa', '--arg', 'rewardScop=final', '--port', '0']);
  assert.equal(serve.code, 2, 'refused before it listens');
  assert.match(serve.stderr, /did you mean 'rewardScope'/);
  // The strict rule scores the sentence 0; upstream's loose (LLaVA-Med) rule finds the option text: 1.
  for (const [args, expected] of [
    [[], 0],
    [['--arg', 'loose=true'], 1],
  ] as const) {
    assert.equal((await run(['reward', 'score', 'medsynvqa', '--in', input, '--out', out, ...args])).code, 0);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).reward, expected);
  }
  // An agent's reward takes the agent's options.
  assert.equal(rewardArgs('medvr', ['samples=3']).samples, 3);
  assert.throws(() => rewardArgs('medvr', ['loose=true']), /medvr has no option 'loose'/);
});
