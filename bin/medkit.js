#!/usr/bin/env node
// The medkit command. It runs the JavaScript compiled into dist/ (by `npm ci`, `npm install` or
// `npm run build`: scripts/build.mjs), which starts several times faster than compiling the
// TypeScript sources on every start (bench/README.md). In a checkout whose src/ changed after the
// last build, or that was never built, it runs the sources through tsx instead and says so, so a
// developer never runs stale code; MEDKIT_FROM_SOURCE=1 asks for the sources without the note.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const stamp = new URL('dist/.build-stamp', root);
const sources = new URL('src/', root);

/** The first file under `directory` changed after `time`, if any (about 300 stats: a few ms). */
function changedAfter(directory, time) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = new URL(entry.isDirectory() ? `${entry.name}/` : entry.name, directory);
    if (entry.isDirectory()) {
      const found = changedAfter(path, time);
      if (found) return found;
    } else if (statSync(path).mtimeMs > time) return path;
  }
  return undefined;
}

function sourceReason() {
  if (process.env.MEDKIT_FROM_SOURCE === '1') return '';
  if (!existsSync(stamp)) return 'no build in dist/';
  // An installed package ships dist/ without src/: nothing to compare.
  if (!existsSync(sources)) return undefined;
  const changed = changedAfter(sources, statSync(stamp).mtimeMs);
  return changed ? `${changed.pathname.slice(root.pathname.length)} changed after the last build` : undefined;
}

const reason = sourceReason();
if (reason === undefined) {
  await import('../dist/cli/main.js');
} else {
  if (reason) process.stderr.write(`medkit: ${reason}; running the sources with tsx (npm run build to start faster)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
