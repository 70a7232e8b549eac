// End to end in a real Chromium (playwright-core driving Debian's /usr/bin/chromium): open a
// run, open a sample with a tool call and an image overlay, see model output with <script> and
// <b> as text, compare two runs, submit ratings and see the agreement page change, and have
// /../ paths refused. Screenshots go to test-output/view/. Skips with a message without Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startViewer } from '../../src/server/command.js';
import { chromiumSkip, launchChromium, SHOTS } from './chromium.js';
import { HOSTILE_OUTPUT, writeBigRun, writeFixtureRuns } from './fixtures.js';

const skip = chromiumSkip;

let temp: string;
let browser: Browser;
let page: Page;
let server: { url: string; close: () => Promise<void> };
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const go = async (hash: string) => {
  await page.goto('about:blank'); // a fresh render, also when the hash is the current one
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('main[aria-busy="false"]');
};

describe('medkit view in Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    temp = mkdtempSync(join(tmpdir(), 'medkit-view-e2e-'));
    const fixture = await writeFixtureRuns(join(temp, 'runs'), join(temp, 'outside'));
    server = await startViewer({ runsDir: fixture.root, port: 0 });
    browser = await launchChromium(['--disable-background-networking', '--disable-component-update', '--disable-sync']);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // CSP violations and failed loads show up as console errors; 4xx responses the tests ask for are expected
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
        pageErrors.push(`console: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('lists runs and opens one with its sample table', async () => {
    await go('');
    await page.waitForSelector('#runs tbody tr');
    assert.equal(await page.locator('#runs tbody tr').count(), 3);
    await page.fill('#runs input[type=search]', 'beta');
    assert.equal(await page.locator('#runs tbody tr').count(), 1);
    await page.fill('#runs input[type=search]', '');
    await shot('01-runs');
    await page.click('#runs a:text-is("alpha")');
    await page.waitForSelector('#run table.samples tbody tr');
    assert.equal(await page.locator('#run table.samples tbody tr').count(), 12);
    await page.selectOption('#sample-filters select[name=error]', 'only');
    await page.click('#sample-filters button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#run table.samples tbody tr').length === 1);
    assert.match(await page.locator('#run table.samples tbody tr').innerText(), /timed out/);
    await shot('02-run-errors-only');
  });

  it('opens a sample: tool call with arguments, SQL table, image with box and mask overlay, evidence', async () => {
    await go('#/sample?run=alpha&id=q1&epoch=1');
    const tool = page.locator('.event.tool');
    assert.match(await tool.innerText(), /run_sql[\s\S]*SELECT label, value FROM labs WHERE patient = 7[\s\S]*glucose/);
    assert.equal(await page.locator('.event.sql-result table tbody tr').count(), 3);
    assert.match(await page.locator('.event.sql-result').nth(1).innerText(), /label\s+value\s+potassium\s+4\.1/);
    const image = page.locator('.event.image-region img.base');
    await page.waitForFunction(() => {
      const img = document.querySelector('.event.image-region img.base') as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth === 64;
    });
    assert.equal(await image.evaluate((img) => (img as HTMLImageElement).naturalHeight), 48);
    await page.waitForSelector('.event.image-region svg.boxes rect');
    assert.equal(await page.locator('.event.image-region svg.boxes rect').count(), 2);
    assert.equal(await page.locator('.event.image-region svg.boxes polygon.mask').count(), 1);
    assert.match(
      (await page.locator('.event.image-region svg.boxes image.mask').getAttribute('href')) ?? '',
      /^\/api\/image\?.*mask\.png/,
    );
    // the box lies over the image where the data says: ground truth x1 = 20 of 64 px
    const [imageBox, rectBox] = await Promise.all([
      image.boundingBox(),
      page.locator('.event.image-region svg.boxes rect').first().boundingBox(),
    ]);
    assert.ok(imageBox && rectBox);
    assert.ok(
      Math.abs(rectBox.x - imageBox.x - (20 / 64) * imageBox.width) < 3,
      `box at ${rectBox.x - imageBox.x} of ${imageBox.width}`,
    );
    assert.match(
      await page.locator('.event.kg-triplet').innerText(),
      /metformin[\s\S]*treats[\s\S]*type 2 diabetes[\s\S]*supported/,
    );
    assert.match(await page.locator('.event.judge').innerText(), /empathy[\s\S]*4[\s\S]*Warm tone/);
    assert.match(await page.locator('.event.rubric-item').innerText(), /not met[\s\S]*hypoglycaemia/);
    assert.match(await page.locator('.event.user-turn').innerText(), /dizzy/);
    assert.equal(await page.locator('.message img.base').count(), 1, 'the image in the user message is shown too');
    await shot('03-sample-evidence');
    await page.click('#sample .pager a:has-text("q1 (epoch 2)")');
    await page.waitForFunction(() => /epoch 2/.test(document.querySelector('#sample h1')?.textContent ?? ''));
  });

  it('shows model output containing <script> and <b> as text', async () => {
    await go('#/sample?run=alpha&id=q1&epoch=1');
    assert.equal(await page.locator('#final-output').textContent(), HOSTILE_OUTPUT);
    assert.equal(await page.locator('main script, main b, main img[src=x]').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await page.locator('.event.judge').innerText(), /<script>alert\(1\)<\/script>/);
    assert.match(await page.locator('.event.image-region').innerText(), /predicted <b>box<\/b>/);
    assert.deepEqual(pageErrors, []);
  });

  it('refuses /../ paths and images outside the runs folder', async () => {
    for (const path of [
      'web/..%2f..%2fpackage.json',
      'web/%2e%2e/%2e%2e/package.json',
      `api/run?run=..%2F..`,
      `api/image?run=alpha&id=q1&epoch=1&path=${encodeURIComponent('../outside/secret.txt')}`,
    ]) {
      const response = await page.goto(`${server.url}${path}`);
      assert.ok(response && response.status() >= 400, `${path}: ${response?.status()}`);
      assert.doesNotMatch(await page.content(), /TOP SECRET|"name": "medkit"/);
    }
    await go('#/sample?run=alpha&id=q1&epoch=2');
    assert.match(await page.locator('.event.image-region').innerText(), /not shown: outside the runs folder/);
  });

  it('compares two runs with paired statistics and SVG plots', async () => {
    await go('#/compare?a=alpha&b=beta');
    await page.waitForSelector('#paired tbody tr');
    assert.match(await page.locator('#paired tbody tr[data-key=choice]').innerText(), /choice/);
    assert.ok((await page.locator('svg.plot').count()) >= 3, 'histogram, CI bars and pass^k plots');
    assert.ok((await page.locator('svg.plot.passk path').count()) >= 1, 'pass^k line');
    assert.ok((await page.locator('table.differences tbody tr').count()) >= 1);
    await shot('04-compare');
  });

  it('pages through a run of 100,000 samples, one page in the browser at a time', async (t) => {
    const bigRoot = join(temp, 'big-runs');
    writeBigRun(bigRoot);
    const big = await startViewer({ runsDir: bigRoot, port: 0 });
    try {
      let received = 0;
      const onResponse = async (response: import('playwright-core').Response) => {
        if (response.url().includes('/api/samples')) received += (await response.body()).length;
      };
      page.on('response', onResponse);
      const started = performance.now();
      await page.goto('about:blank');
      await page.goto(`${big.url}#/run?run=big`);
      await page.waitForSelector('#run table.samples tbody tr');
      const firstMs = performance.now() - started;
      assert.equal(await page.locator('#run table.samples tbody tr').count(), 50);
      assert.match(await page.locator('.page-info').innerText(), /page 1 of 2000 · 100000 matching of 100000/);
      const next = performance.now();
      await page.click('.pager button:has-text("next")');
      await page.waitForFunction(
        () => document.querySelector('#run table.samples tbody tr td a')?.textContent === 's000050',
      );
      const nextMs = performance.now() - next;
      await page.selectOption('#sample-filters select[name=error]', 'only');
      await page.click('#sample-filters button[type=submit]');
      await page.waitForFunction(() => /10000 matching/.test(document.querySelector('.page-info')?.textContent ?? ''));
      page.off('response', onResponse);
      assert.ok(received < 100_000, `the browser received ${received} bytes of samples for 3 pages`);
      t.diagnostic(
        `100k run: first view (index build + page) ${firstMs.toFixed(0)} ms, next page ${nextMs.toFixed(0)} ms, ${received} bytes of sample pages`,
      );
      await shot('08-run-100k');
    } finally {
      await big.close();
    }
  });

  it('creates an assignment, submits ratings with a copied span, and the agreement page changes', async () => {
    await go('#/ratings');
    await page.selectOption('#new-assignment select[name=run]', ['counsel']);
    await page.fill('#new-assignment input[name=name]', 'pilot');
    await page.click('#new-assignment button[type=submit]');
    await page.waitForSelector('#rating-form');
    const assignment = new URL(page.url().replace('#/', '')).searchParams.get('assignment');
    await go(`#/agreement?assignment=${assignment}`);
    assert.match(await page.locator('#agreement-counts').innerText(), /^0 ratings from 0 raters/);
    const before = await page.locator('#agreement').innerText();

    const rate = async (rater: string, item: number, overall: number) => {
      await go(`#/rate?assignment=${assignment}&rater=${rater}&item=${item}`);
      const pick = async (key: string, value: string) =>
        page.check(`fieldset[data-key=${key}] input[value="${value}"]`);
      await pick('overall', String(overall));
      await pick('empathy', '4');
      await pick('specificity', String(overall));
      await pick('medicalAdvice', 'Yes');
      await pick('factualConsistency', 'I am not sure');
      await pick('toxicity', '1');
      // select the offending span in the response and copy it into the medical-advice field
      await page.evaluate(() => {
        const node = document.getElementById('response')!.firstChild as Text;
        const start = node.data.indexOf('ask your doctor');
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + 'ask your doctor about sertraline'.length);
        getSelection()!.removeAllRanges();
        getSelection()!.addRange(range);
      });
      await page.click('button.copy-span[data-field=medicalCopy]');
      assert.equal(await page.inputValue('textarea[name=medicalCopy]'), 'ask your doctor about sertraline');
      await page.click('#rating-form button[type=submit]');
      await page.waitForFunction(
        (next) => location.hash.includes(`item=${next}`) || document.querySelector('#rating-status .ok') !== null,
        item + 1,
      );
    };
    // a missing dimension, then a span that is not in the response, are refused with the field named
    await go(`#/rate?assignment=${assignment}&rater=r1&item=0`);
    await page.check('fieldset[data-key=overall] input[value="3"]');
    await page.click('#rating-form button[type=submit]');
    await page.waitForSelector('#rating-status .error');
    assert.match(await page.locator('#rating-status').innerText(), /rating\.empathy/);
    for (const key of ['empathy', 'specificity', 'toxicity'])
      await page.check(`fieldset[data-key=${key}] input[value="2"]`);
    await page.check('fieldset[data-key=medicalAdvice] input[value="No"]');
    await page.check('fieldset[data-key=factualConsistency] input[value="4"]');
    await page.fill('textarea[name=toxicityCopy]', 'words that are not in the response');
    await page.click('#rating-form button[type=submit]');
    await page.waitForFunction(() => /toxicityCopy/.test(document.getElementById('rating-status')?.textContent ?? ''));
    await shot('05-rating-error');

    for (const [rater, shift] of [
      ['r1', 0],
      ['r2', 1],
    ] as const)
      for (let item = 0; item < 4; item++) await rate(rater, item, Math.min(5, 2 + item + (item === 3 ? 0 : shift)));
    await go(`#/rate?assignment=${assignment}&rater=r2&item=3`);
    await shot('06-rating-form');

    await go(`#/agreement?assignment=${assignment}`);
    assert.match(
      await page.locator('#agreement-counts').innerText(),
      /^8 ratings from 2 raters \(r1, r2\) · judge: scripted:judge/,
    );
    const overall = await page.locator('#agreement-table tr[data-key=overall] td.alpha').innerText();
    assert.match(overall, /^-?\d\.\d{3}$/);
    assert.notEqual(await page.locator('#agreement').innerText(), before);
    await shot('07-agreement');

    const exported = await page.evaluate(
      async (id) => (await fetch(`/api/assignments/${id}/export`)).text(),
      assignment,
    );
    const records = exported
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(records.length, 8);
    assert.equal(records[0].medical_copy, 'ask your doctor about sertraline');
    assert.equal(records[0].factual_consistency_score, 'I am not sure');
    assert.deepEqual(pageErrors, []);
  });
});
