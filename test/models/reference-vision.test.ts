// The reference vision model: run as a separate process over loopback (it sees only request
// bodies: its working folder is an empty temp dir and it is never told where the dataset is),
// the same answers in process, the mask rule, logprobs, bad images and bad options.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { ChatMessage, GenerateRequest, Model } from '../../src/core/index.js';
import { encodePng, generateChestXray, type Raster } from '../../src/imaging/index.js';
import { createModel, openaiModel } from '../../src/models/index.js';

const phantom = (sizePx: number, seed = 'rv') =>
  generateChestXray({
    seed,
    width: 512,
    height: 512,
    findings: sizePx ? [{ label: 'nodule', sizePx, laterality: 'right' }] : [],
  });

async function ask(
  model: Model,
  question: string,
  images: Raster[],
  config: GenerateRequest['config'] = { temperature: 0 },
) {
  const content: ChatMessage = {
    role: 'user',
    content: [
      { type: 'text', text: question },
      ...(await Promise.all(
        images.map(async (raster) => ({
          type: 'image' as const,
          source: { kind: 'bytes' as const, data: await encodePng(raster) },
          mediaType: 'image/png' as const,
        })),
      )),
    ],
  };
  return model.doGenerate({ messages: [content], config });
}

let server: { baseURL: string; stop: () => void } | undefined;

before(async () => {
  const root = resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, [join(root, 'bin/medkit.js'), 'serve', 'reference-vision', '--port', '0'], {
    cwd: mkdtempSync(join(tmpdir(), 'refvis-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseURL = await new Promise<string>((done, fail) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) done(line.trim());
    });
    child.once('exit', (code) => fail(new Error(`medkit serve exited with ${code}`)));
  });
  server = { baseURL, stop: () => child.kill('SIGTERM') };
});
after(() => server?.stop());

test('over loopback, a separate process answers from the pixels it is sent, exactly as in process', async () => {
  const remote = openaiModel({ model: 'reference-vision', baseURL: server!.baseURL });
  const local = await createModel('reference-vision');
  const large = phantom(20).raster;
  const none = phantom(0).raster;
  const question = 'Is there a lung nodule in this chest radiograph? Answer yes or no.';
  const yes = await ask(remote, question, [large]);
  assert.match(yes.text, /<answer>yes<\/answer>/);
  assert.match(yes.text, /not a language model/);
  assert.match((await ask(remote, question, [none])).text, /<answer>no<\/answer>/);
  assert.equal((await ask(local, question, [large])).text, yes.text);
  const side = await ask(remote, 'On which side of the patient is the lung nodule: left or right?', [large]);
  assert.match(side.text, /<answer>right<\/answer>/);
});

test('top-k logprobs carry the answer distribution (entropy reflects confidence)', async () => {
  const model = await createModel('reference-vision');
  const output = await ask(model, 'Is there a lung nodule? Answer yes or no.', [phantom(20).raster], {
    temperature: 0,
    topLogprobs: 5,
  });
  const answer = output.logprobs?.find((token) => token.token === 'yes');
  assert.ok(answer, 'the answer token has logprobs');
  const mass = answer.top.reduce((sum, option) => sum + Math.exp(option.logprob), 0);
  assert.ok(Math.abs(mass - 1) < 1e-6, `yes/no probabilities sum to 1 (got ${mass})`);
  assert.ok(Math.exp(answer.logprob) > 0.9);
});

test('offered the zoom tool and unsure, it asks for a zoom of a region inside the image', async () => {
  const model = await createModel('reference-vision');
  const output = await model.doGenerate({
    messages: [
      { role: 'system', content: 'You may call image_zoom_in_tool.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Is there a lung nodule? Answer yes or no.' },
          {
            type: 'image',
            source: { kind: 'bytes', data: await encodePng(phantom(4).raster) },
            mediaType: 'image/png',
          },
        ],
      },
    ],
    config: { temperature: 0 },
  });
  const call = /<tool_call>(.*)<\/tool_call>/.exec(output.text);
  assert.ok(call, output.text);
  const box = JSON.parse(call[1]!).arguments.bbox_2d as number[];
  assert.ok(box[0]! >= 0 && box[2]! <= 512 && box[2]! - box[0]! === 128, `a 128-pixel box inside the image: ${box}`);
});

test('the mask rule: a binary second image limits the search to its pixels; an all-ones mask changes nothing', async () => {
  const model = await createModel('reference-vision');
  const image = phantom(20);
  const question = 'Is there a lung nodule in this chest radiograph? Answer yes or no.';
  const box = image.findings[0]!.box;
  const away: Raster = { width: 512, height: 512, channels: 1, data: new Uint8Array(512 * 512) };
  // The mask covers the other half of the image, not the nodule.
  const left = box.x1 < 256;
  for (let y = 0; y < 512; y++)
    for (let x = 0; x < 512; x++) if (left ? x >= 256 : x < 256) away.data[y * 512 + x] = 255;
  assert.match((await ask(model, question, [image.raster, away])).text, /<answer>no<\/answer>/);
  const ones: Raster = { width: 512, height: 512, channels: 1, data: new Uint8Array(512 * 512).fill(255) };
  assert.match((await ask(model, question, [image.raster, ones])).text, /<answer>yes<\/answer>/);
});

test('an image that does not decode is a 400 naming the image; the server stays up', async () => {
  const remote = openaiModel({ model: 'reference-vision', baseURL: server!.baseURL });
  await assert.rejects(
    remote.doGenerate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Is there a nodule?' },
            { type: 'image', source: { kind: 'bytes', data: new Uint8Array([1, 2, 3, 4]) }, mediaType: 'image/png' },
          ],
        },
      ],
      config: {},
    }),
    (error: Error & { status?: number; isRetryable?: boolean }) =>
      error.status === 400 &&
      error.isRetryable === false &&
      /messages\[0\] image 1: the image could not be decoded/.test(error.message),
  );
  assert.match((await ask(remote, 'Is there a lung nodule?', [phantom(20).raster])).text, /<answer>yes/);
});

test('a request without an image, and unknown model options, get one clear sentence', async () => {
  const model = await createModel('reference-vision');
  await assert.rejects(
    model.doGenerate({ messages: [{ role: 'user', content: 'hello' }], config: {} }),
    /holds no image/,
  );
  await assert.rejects(
    createModel('reference-vision:resolutoin=96'),
    /option 'resolutoin' is unknown; known: res, resolution/,
  );
  await assert.rejects(createModel('reference-vision:res=abc'), /res: expected a positive number, got 'abc'/);
});

test('the lung field leaves out the body outline (a crop there once found "nodules" on the shoulder)', async () => {
  const { analyseImage, inLungField, DEFAULT_VISION } = await import('../../src/models/reference-vision/vision.js');
  const analysis = await analyseImage(phantom(0, 'graded-0-none-013').raster, DEFAULT_VISION);
  // The body ellipse (centre 0.5w, 0.58h; radii 0.47w, 0.55h) meets x = 149 near y = 45.
  assert.equal(inLungField(analysis, 149, 45, 0), false);
  assert.equal(inLungField(analysis, 0.31 * 512, 0.47 * 512, 0), true);
});
