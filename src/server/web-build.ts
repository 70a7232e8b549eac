// The web app's sources (web/src/*.ts: Preact views, Observable Plot charts) compiled into one
// classic script with esbuild, from node_modules: nothing comes from a CDN, and one classic script
// is what a static bundle opened from file:// can load (browsers refuse ES modules from file://).
// Built on first request and again when a source file changes, so editing web/src needs no step.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const WEB_ENTRY = join('src', 'app.ts');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Bundles `<webDir>/src/app.ts` (and what it imports) into one minified IIFE. */
export async function buildWebApp(webDir: string): Promise<string> {
  const result = await build({
    entryPoints: [join(webDir, WEB_ENTRY)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    write: false,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const caches = new Map<string, () => Promise<string>>();

/**
 * A cached build per web folder (shared by every viewer in the process), rebuilt when a file under
 * web/src is newer than the last build.
 */
export function webAppCache(webDir: string): () => Promise<string> {
  const existing = caches.get(webDir);
  if (existing) return existing;
  let built: { stamp: number; text: Promise<string> } | undefined;
  const get = () => {
    const stamp = newestSource(join(webDir, 'src'));
    if (!built || built.stamp !== stamp) {
      const text = buildWebApp(webDir);
      built = { stamp, text };
      text.catch(() => {
        if (built?.text === text) built = undefined; // a failed build is retried on the next request
      });
    }
    return built.text;
  };
  caches.set(webDir, get);
  return get;
}
