// CARE and MedVR evidence in the viewer, in a real Chromium: runs made by the agents themselves (reference
// vision model, a scripted proposer and coordinator whose text is hostile HTML), then each sample page shows
// entities, masks with confidence and kept/dropped, the views with their answers, the vote, the coordinator's
// turns and edit, MedVR's trajectories with zoom boxes and crops, and the consensus mask; images load, the
// hostile text shows as text and nothing runs. Skips with a message without Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runEval } from '../../src/eval.js';
import { scriptedModel } from '../../src/models/index.js';
import { startViewer } from '../../src/server/command.js';
import { imageAgentBench, phantomSample } from '../support/image-agent.js';

const CHROMIUM = process.env.MEDKIT_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-output', 'view');
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;
const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b>bold</b>';
const HOSTILE_ENTITY = '<img src=x onerror=__pwned=3><b>x</b>';

let temp: string;
let browser: Browser;
let page: Page;
let server: { url: string; close: () => Promise<void> };
const pageErrors: string[] = [];

const go = async (hash: string) => {
  await page.goto('about:blank');
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('main[aria-busy="false"]');
};
const loaded = (selector: string) =>
  page.$$eval(selector, (nodes) =>
    nodes.map((node) =>
      node instanceof HTMLImageElement ? node.complete && node.naturalWidth > 0 : node.getAttribute('href') !== null,
    ),
  );

describe('CARE and MedVR evidence in Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    temp = mkdtempSync(join(tmpdir(), 'medkit-view-agents-'));
    const root = join(temp, 'runs');
    const data = join(root, 'data');
    mkdirSync(data, { recursive: true });
    const common = { cache: false, cacheDir: join(root, '.cache'), progress: 'none' as const };
    await runEval({
      benchmark: imageAgentBench([await phantomSample(data, 'coord', 4)]),
      models: {
        agent: 'reference-vision',
        proposer: scriptedModel([`<answer>nodule, ${HOSTILE_ENTITY}</answer>`]),
        coordinator: scriptedModel([
          '<answer>{"view": "global"}</answer>',
          `<answer>${JSON.stringify({ verdict: 'revise', view: 'zoom', reason: `look closer ${HOSTILE}` })}</answer>`,
        ]),
      },
      solver: 'care-coord',
      outDir: join(root, 'care'),
      ...common,
    });
    await runEval({
      benchmark: imageAgentBench([await phantomSample(data, 'zoom', 5)]),
      models: { agent: 'reference-vision' },
      solver: 'medvr',
      args: { samples: 2 },
      outDir: join(root, 'medvr'),
      ...common,
    });
    server = await startViewer({ runsDir: root, port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('CARE-Coord: entities, masks with C and kept/dropped, views with answers, plan/review/edit; hostile text inert', async () => {
    await go('#/sample?run=care&id=coord&epoch=1');
    await page.waitForSelector('.care-entity-list');
    const chips = await page.locator('.care-entity-list .chip').allTextContents();
    assert.equal(chips[0], 'nodule');
    assert.equal(chips[1], HOSTILE_ENTITY, 'the proposer text is shown as text');
    assert.match((await page.locator('.care-entity-list .badge').textContent()) ?? '', /proposer model/);
    const masks = page.locator('.care-mask');
    assert.equal(await masks.count(), 2);
    assert.match((await masks.nth(0).textContent()) ?? '', /kept nodule · C = 0\.\d+ ≥ τ 0\.70 · segmenter classical/);
    assert.equal(await masks.nth(1).getAttribute('data-kept'), 'false', 'the hostile entity finds no mask');
    assert.deepEqual(await loaded('.event.image-region svg image.mask'), [true]);
    const views = await page.$$eval('.care-view-answer', (nodes) =>
      nodes.map((node) => node.getAttribute('data-view')),
    );
    assert.deepEqual(views, ['global', 'zoom']);
    assert.match((await page.locator('.care-view-answer').nth(0).textContent()) ?? '', /global view → no/);
    assert.match((await page.locator('.care-view-answer').nth(1).textContent()) ?? '', /zoom view round 1 → yes/);
    assert.deepEqual(await loaded('.care-view-answer img.base'), [true, true]);
    const steps = await page.$$eval('.care-coord-turn', (nodes) => nodes.map((node) => node.getAttribute('data-step')));
    assert.deepEqual(steps, ['plan', 'review', 'edit']);
    assert.match(
      (await page.locator('.care-coord-turn.step-edit').textContent()) ?? '',
      /round 1: no → yes \(zoom view\)/,
    );
    assert.ok(((await page.locator('.care-coord-turn.step-review .rationale').textContent()) ?? '').includes(HOSTILE));
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('main b').count(), 0, 'no <b> element from model text');
    await page.screenshot({ path: join(SHOTS, 'agents-01-care-coord.png'), fullPage: true });
  });

  it('MedVR: trajectories with zoom boxes and crops, each zoom over the original, the consensus mask', async () => {
    await go('#/sample?run=medvr&id=zoom&epoch=1');
    await page.waitForSelector('.medvr-trajectory-body');
    assert.equal(await page.locator('.medvr-trajectory-body').count(), 2);
    assert.match((await page.locator('.medvr-trajectory-body').nth(0).textContent()) ?? '', /base trajectory 0 → yes/);
    const crops = await loaded('.medvr-zooms img.medvr-crop');
    assert.ok(crops.length >= 2 && crops.every(Boolean), `crops loaded: ${crops}`);
    assert.match(
      (await page.locator('.medvr-zoom').first().textContent()) ?? '',
      /trajectory 0, step 0: requested \[.*\] → received \[.*\] in image 0 → original \[.*\]/,
    );
    assert.ok((await loaded('.medvr-zoom img.medvr-crop')).every(Boolean));
    assert.match(
      (await page.locator('.medvr-consensus').textContent()) ?? '',
      /majority yes · agreeing trajectories 0, 1/,
    );
    const consensus = page.locator('.event.image-region', { has: page.locator('.medvr-consensus') });
    assert.equal(await consensus.locator('svg image.mask').count(), 1, 'the consensus mask over the original');
    await page.screenshot({ path: join(SHOTS, 'agents-02-medvr.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
