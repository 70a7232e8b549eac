// RetMAE's high-frequency token evidence in the viewer, end to end in Chromium: a real `retmae-hf` run (two fundus
// phantoms, no model) is opened; the sample page draws one SVG cell per patch over the fundus image with exactly the
// kept patches outlined, in the right place, shows the kit's overlay PNG and the top patches, and a hostile image
// path stays text. Screenshot in test-output/view/. Skips without Chromium.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runEval } from '../../src/eval.js';
import { startViewer } from '../../src/server/command.js';
import { chromiumSkip, launchChromium, SHOTS } from './chromium.js';

const skip = chromiumSkip;

let temp: string;
let browser: Browser;
let page: Page;
let server: { url: string; close: () => Promise<void> };
let kept: number[];
const pageErrors: string[] = [];

describe('RetMAE token evidence in Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    temp = mkdtempSync(join(tmpdir(), 'medkit-view-retmae-'));
    const runs = join(temp, 'runs');
    // The phantoms and overlays are written under the runs folder, which the viewer may serve images from.
    await runEval({
      benchmark: 'retmae-hf',
      args: { n: 2 },
      outDir: join(runs, 'hf'),
      cacheDir: join(runs, 'hf', 'cache'),
      cache: false,
    });
    const record = JSON.parse(readFileSync(join(runs, 'hf', 'samples.jsonl'), 'utf8').split('\n')[0]!);
    kept = record.transcript.events.find((event: { kind?: string }) => event.kind === 'retmae-tokens').data.kept;
    server = await startViewer({ runsDir: runs, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
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

  it('draws every patch, outlines exactly the kept ones over the image and shows the overlay PNG', async () => {
    const record = JSON.parse(readFileSync(join(temp, 'runs', 'hf', 'samples.jsonl'), 'utf8').split('\n')[0]!);
    await page.goto(`${server.url}#/sample?run=hf&id=${encodeURIComponent(record.id)}&epoch=1`);
    await page.waitForSelector('main[aria-busy="false"]');
    const evidence = page.locator('.event.retmae-tokens');
    await evidence.locator('svg.retmae rect').first().waitFor();
    assert.equal(await evidence.locator('svg.retmae rect.patch').count(), 14 * 14);
    const outlined = await evidence
      .locator('svg.retmae rect.kept')
      .evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('data-id'))));
    assert.deepEqual(
      outlined.sort((a, b) => a - b),
      [...kept].sort((a, b) => a - b),
    );
    assert.equal(kept.length, 49); // 25% of 196
    assert.match(
      await evidence.innerText(),
      /49 of 196 patches kept \(25%; keep ratio 0\.25\), patch 16 px on 224×224/,
    );
    // Both images load from the server (the fundus and the kit's overlay PNG).
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.event.retmae-tokens img.base')).filter(
          (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
        ).length === 2,
    );
    const sizes = await evidence
      .locator('img.base')
      .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    assert.deepEqual(sizes, [512, 224]);
    // The best kept patch's cell lies over the image where its row and column say (16 px of 224 per patch).
    const best = kept[0]!;
    const [imageBox, cellBox] = await Promise.all([
      evidence.locator('img.base').first().boundingBox(),
      evidence.locator(`svg.retmae rect[data-id="${best}"]`).boundingBox(),
    ]);
    assert.ok(imageBox && cellBox);
    const expectedX = ((best % 14) * 16 * imageBox.width) / 224;
    const expectedY = (Math.floor(best / 14) * 16 * imageBox.height) / 224;
    assert.ok(Math.abs(cellBox.x - imageBox.x - expectedX) < 3, `cell x ${cellBox.x - imageBox.x} vs ${expectedX}`);
    assert.ok(Math.abs(cellBox.y - imageBox.y - expectedY) < 3, `cell y ${cellBox.y - imageBox.y} vs ${expectedY}`);
    assert.equal(await evidence.locator('table.retmae-top tbody tr').count(), 10);
    assert.match(
      await evidence.locator('table.retmae-top tbody tr').first().innerText(),
      new RegExp(`^1\\s+${best}\\s`),
    );
    await page.screenshot({ path: join(SHOTS, 'retmae-tokens.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
