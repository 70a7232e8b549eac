// The viewer's everyday pages end to end in Chromium, at 1400 and 700 px: the runs list (runs nested
// as medkit eval writes them, sorted and filtered, errors shown, failed runs and runs with errors not
// green), a benchmark's leaderboard with the paired test against the top run, the sample table's
// column picker and clipped cells with expand at a narrow width, and the static bundle opened from
// file:// with the same pages read-only. Screenshots go to test-output/view/. Skips without Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeBundle } from '../../src/server/bundle.js';
import { startViewer } from '../../src/server/command.js';
import { chromiumSkip, launchChromium, SHOTS } from './chromium.js';
import { writeBoardRuns, writeFixtureRuns } from './fixtures.js';

const skip = chromiumSkip;

let temp: string;
let browser: Browser;
let page: Page;
let server: { url: string; close: () => Promise<void> };
let runs: ReturnType<typeof writeBoardRuns>['runs'];
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const open = async (url: string) => {
  await page.goto('about:blank'); // a fresh render, also when the hash is the current one
  await page.goto(url);
  await page.waitForSelector('main[aria-busy="false"]');
};
const go = (hash: string) => open(`${server.url}${hash}`);
const runOrder = () =>
  page.locator('#runs tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run')));
/** True for a background whose green channel clearly leads (the "ok" chip). */
const isGreen = (selector: string) =>
  page.locator(selector).evaluate((element) => {
    const [r, g, b] = (getComputedStyle(element).backgroundColor.match(/\d+/g) ?? []).map(Number) as number[];
    return g! > r! + 8 && g! > b! + 4;
  });

describe('runs list, leaderboard, sample table and bundle in Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    temp = mkdtempSync(join(tmpdir(), 'medkit-view-board-e2e-'));
    await writeFixtureRuns(join(temp, 'runs'), join(temp, 'outside'));
    runs = writeBoardRuns(join(temp, 'runs')).runs;
    server = await startViewer({ runsDir: join(temp, 'runs'), port: 0 });
    browser = await launchChromium(['--allow-file-access-from-files']);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
        pageErrors.push(`console: ${message.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('lists nested runs with errors and headline, sorts and filters them, and paints only clean runs green', async () => {
    await go('');
    await page.waitForSelector('#runs tbody tr');
    assert.equal(await page.locator('#runs tbody tr').count(), 9);
    const row = (run: string) => `#runs tr[data-run="${run}"]`;
    assert.match(await page.locator(`${row(runs.weak)} td.errors`).innerText(), /^2\s+2× model timed out/);
    assert.match(await page.locator(`${row(runs.weak)} td.headline`).innerText(), /accuracy 0\.500 \[0\.200, 0\.800\]/);
    assert.equal(await isGreen(`${row(runs.strong)} .status`), true, 'a complete run without errors is green');
    for (const run of [runs.weak, runs.failed, 'alpha'])
      assert.equal(await isGreen(`${row(run)} .status`), false, `${run} is not green`);
    assert.match(await page.locator(`${row(runs.failed)} .status`).innerText(), /failed · 3 errors/);
    await shot('10-runs-list-1400');

    // headline values are comparable within a benchmark: sort medmcq-mini's runs
    await page.selectOption('#runs select[name=benchmark]', 'medmcq-mini');
    await page.click('#runs th[data-key=headline] button');
    const descending = await runOrder();
    assert.deepEqual(descending.slice(0, 2).sort(), ['alpha', runs.strong].sort(), 'the two 0.917 runs first');
    assert.equal(descending.at(-1), runs.old);
    assert.match(await page.evaluate(() => location.hash), /sort=headline&desc=1/);
    await page.click('#runs th[data-key=headline] button');
    assert.equal((await runOrder())[0], runs.old);
    assert.equal(await page.locator('#runs tbody tr').count(), 6);
    await page.selectOption('#runs select[name=benchmark]', '');
    await page.click('#runs th[data-key=headline] button');
    assert.equal((await runOrder()).at(-1), runs.failed, 'a run without a headline sorts last');
    await page.click('#runs th[data-key=errors] button');
    assert.deepEqual((await runOrder()).slice(0, 2), [runs.failed, runs.weak]);
    await page.selectOption('#runs select[name=benchmark]', 'medmcq-mini');
    await page.selectOption('#runs select[name=status]', 'errors');
    assert.deepEqual((await runOrder()).sort(), ['alpha', runs.weak].sort());
    await page.selectOption('#runs select[name=benchmark]', '');
    await page.fill('#runs input[type=search]', 'openai:down');
    assert.deepEqual(await runOrder(), [runs.failed]);
    assert.match(await page.locator('#runs-shown').innerText(), /1 of 9 shown/);
    await page.setViewportSize({ width: 700, height: 900 });
    await page.fill('#runs input[type=search]', '');
    await page.selectOption('#runs select[name=status]', '');
    await shot('11-runs-list-700');
    await page.setViewportSize({ width: 1400, height: 900 });
    assert.deepEqual(pageErrors, []);
  });

  it("ranks a benchmark's runs by the headline with a paired test against the top run", async () => {
    await go('#/leaderboard');
    await page.click('#leaderboards a:text-is("medmcq-mini")');
    await page.waitForSelector('#leaderboard-table tbody tr');
    const order = await page
      .locator('#leaderboard-table tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run')));
    assert.equal(order[0], runs.strong);
    assert.match(await page.locator(`#leaderboard-table tr[data-run="${runs.strong}"]`).innerText(), /top run/);
    const weak = page.locator(`#leaderboard-table tr[data-run="${runs.weak}"]`);
    assert.match(await weak.locator('td.paired').innerText(), /^-0\.400 \[-0\.\d{3}, -?0\.\d{3}\]$/);
    assert.match(await weak.innerText(), /-0\.400 \[[^\]]+\]\t[\d.]+\t[\d.]+\t10\t/, '10 shared (sample, epoch) units');
    assert.match(
      await page.locator(`#leaderboard-table tr[data-run="${runs.other}"] td.unpaired`).innerText(),
      /unpaired: different task args \(path="my-questions\.jsonl"\)/,
    );
    assert.equal(await page.locator('svg.plot.leaderboard circle').count(), 6);
    await shot('12-leaderboard-1400');
    await page.setViewportSize({ width: 700, height: 900 });
    await shot('13-leaderboard-700');
    await page.setViewportSize({ width: 1400, height: 900 });
    assert.deepEqual(pageErrors, []);
  });

  it('keeps the sample table readable at 700 px: picked score columns, clipped text with expand', async () => {
    await page.setViewportSize({ width: 700, height: 900 });
    await go(`#/run?run=${encodeURIComponent(runs.wide)}`);
    await page.waitForSelector('#run table.samples tbody tr');
    assert.equal(await page.locator('#run table.samples th.score').count(), 4, 'four score columns by default');
    assert.match(await page.locator('#column-picker summary').innerText(), /4 of 8 shown/);
    await page.click('#column-picker summary');
    await page.check('#column-picker input[value="judge.safety"]');
    assert.equal(await page.locator('#run table.samples th.score').count(), 5);
    assert.match(await page.evaluate(() => decodeURIComponent(location.hash)), /cols=.*judge\.safety/);
    await page.reload();
    await page.waitForSelector('#run table.samples tbody tr');
    assert.equal(await page.locator('#run table.samples th.score').count(), 5, 'the picked columns survive a reload');

    const output = page.locator('#run table.samples tbody tr').first().locator('td.output');
    const width = await output.evaluate((cell) => cell.getBoundingClientRect().width);
    assert.ok(width >= 200, `the output column keeps ${width} px at 700 px`);
    const clipped = await output.locator('.text').evaluate((text) => text.scrollHeight > text.clientHeight + 2);
    assert.ok(clipped, 'a long output is clipped');
    const before = await output.evaluate((cell) => cell.getBoundingClientRect().height);
    await output.locator('button.expand').click();
    await output.locator('button.expand:text-is("collapse")').waitFor();
    // the row holds a 240-character preview; expand fetches the whole output
    await page.waitForFunction(() =>
      /END-w1$/.test(document.querySelector('#run table.samples td.output .text')?.textContent ?? ''),
    );
    const after = await output.evaluate((cell) => cell.getBoundingClientRect().height);
    assert.ok(after > before * 2, `expanded row ${after} px, clipped ${before} px`);
    await shot('14-run-wide-700');
    await page.setViewportSize({ width: 1400, height: 900 });
    await go(`#/run?run=${encodeURIComponent(runs.weak)}`);
    assert.match(await page.locator('#headline').innerText(), /accuracy\s+0\.500\s+95% CI \[0\.200, 0\.800\] · n=10/);
    assert.match(await page.locator('#run-errors').innerText(), /2 units failed\s+2× model timed out after 3 retries/);
    await shot('15-run-errors-1400');
    assert.deepEqual(pageErrors, []);
  });

  it('opens a static bundle from file:// with the same pages, read-only', async () => {
    const site = join(temp, 'site');
    await writeBundle({ outDir: site, sources: [join(temp, 'runs')] });
    const index = pathToFileURL(join(site, 'index.html')).href;
    await open(index);
    await page.waitForSelector('#runs tbody tr');
    assert.equal(await page.locator('#runs tbody tr').count(), 9);
    assert.equal(await page.locator('header a[href="#/ratings"]').isVisible(), false, 'no ratings in a bundle');
    assert.match(await page.locator('header').innerText(), /static bundle · read-only/);

    await open(`${index}#/run?run=${encodeURIComponent(runs.weak)}`);
    await page.waitForSelector('#run table.samples tbody tr');
    assert.equal(await page.locator('#run table.samples tbody tr').count(), 12);
    await page.selectOption('#sample-filters select[name=error]', 'only');
    await page.click('#sample-filters button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#run table.samples tbody tr').length === 2);
    assert.match(await page.locator('.page-info').innerText(), /2 matching of 12/);

    await open(`${index}#/sample?run=alpha&id=q1&epoch=1`);
    await page.waitForFunction(() => {
      const img = document.querySelector('.event.image-region img.base') as HTMLImageElement | null;
      return img?.complete === true && img.naturalWidth === 64;
    });
    await page.waitForSelector('.event.image-region svg.boxes rect');
    assert.match((await page.locator('.event.image-region img.base').getAttribute('src')) ?? '', /^data\/img\//);
    await open(`${index}#/sample?run=alpha&id=q1&epoch=2`);
    assert.match(await page.locator('.event.image-region').innerText(), /not shown: outside the runs folder/);

    await open(`${index}#/leaderboard?benchmark=medmcq-mini`);
    assert.match(
      await page.locator(`#leaderboard-table tr[data-run="${runs.weak}"] td.paired`).innerText(),
      /^-0\.400/,
    );
    await open(`${index}#/compare?a=alpha&b=beta`);
    await page.waitForSelector('#paired tbody tr');
    assert.ok((await page.locator('svg.plot').count()) >= 3);
    await shot('16-bundle-compare');
    await open(`${index}#/ratings`);
    assert.match(await page.locator('main').innerText(), /not part of a static bundle/);
    assert.deepEqual(pageErrors, []);
  });
});
