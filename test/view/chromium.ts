// What the Chromium tests of the viewer share: where Chromium is (MEDKIT_CHROMIUM, else Debian's), the skip
// message without it, the screenshot folder, and the launch flags for a headless run in a container.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.MEDKIT_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), 'test-output', 'view');
export const chromiumSkip: false | string = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', ...extraArgs],
  });
}
