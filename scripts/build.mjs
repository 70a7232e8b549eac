#!/usr/bin/env node
// Builds dist/: src/ compiled by tsc to JavaScript + .d.ts, plus the data files src/ holds (embedded
// questions, the mini-KG), at the same relative paths so `new URL('./x', import.meta.url)` still finds
// them. Run by `npm ci` / `npm install` (the `prepare` script) and `npm run build`.
// Usage: node scripts/build.mjs [--out-dir DIR]   (default dist; tests build a packaged copy elsewhere)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--out-dir');
const outDir = resolve(flag >= 0 ? process.argv[flag + 1] : join(root, 'dist'));

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies: the bin then runs the sources through tsx, and says so.
  console.warn('medkit build: typescript is not installed; skipping the build (medkit will run its sources with tsx)');
  process.exit(0);
}

const started = Date.now();
rmSync(outDir, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  // No half build: without dist/ the bin falls back to the sources instead of running stale code.
  rmSync(outDir, { recursive: true, force: true });
  console.error('medkit build: tsc failed; dist/ removed');
  process.exit(result.status ?? 1);
}

let assets = 0;
function copyAssets(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (!entry.name.endsWith('.ts') && entry.name !== 'README.md') {
      const target = join(outDir, relative(join(root, 'src'), path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      assets++;
    }
  }
}
copyAssets(join(root, 'src'));
// bin/medkit.js runs dist/ only while no source file is newer than this stamp.
writeFileSync(join(outDir, '.build-stamp'), `${new Date().toISOString()}\n`);
console.error(
  `medkit build: ${relative(root, outDir) || outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s (${assets} data files copied)`,
);
