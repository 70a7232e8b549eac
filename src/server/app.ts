// The viewer's HTTP app (Hono): a JSON API over a runs folder and the static web app in web/.
// Tests drive it with app.request() (no port); `medkit view` serves it on 127.0.0.1.
// Security: every response carries a strict CSP (scripts and styles only from this origin, no
// inline script), client paths go through src/server/paths.ts, images through images.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { redactSecrets, registerSecretsFromEnv } from '../core/index.js';
import { PathRefused, resolveFileInside, resolveInside } from './paths.js';
import { RunStore } from './runs.js';
import { registerRunRoutes } from './routes-runs.js';
import { registerRatingRoutes } from './routes-ratings.js';
import { NotFound, RATINGS_DB, RatingInputError, RatingStore } from './ratings.js';
import type { HeadlineMetric } from '../core/index.js';
import { webAppCache } from './web-build.js';

export interface ViewerOptions {
  runsDir: string;
  /** Folders besides the runs folder that recorded images may come from. */
  imageRoots?: string[];
  /** SQLite file of expert ratings (default: <runsDir>/.medkit-ratings.sqlite). */
  ratingsDb?: string;
  webDir?: string;
  /** Host names the Host header may carry (DNS-rebinding guard); 127.0.0.1, localhost and ::1 always; '*' any. */
  allowedHosts?: string[];
  /** A benchmark's declared headline metrics (the registry), for runs whose summary names none. */
  headlines?: (benchmark: string) => readonly HeadlineMetric[] | undefined;
}

export interface Viewer {
  app: Hono;
  store: RunStore;
  ratings: RatingStore;
  close(): void;
}

/** Request bodies (assignments, ratings) are small JSON; anything larger is refused before it is read. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** A JSON error: 400 for bad input (naming the field), 403 for refused paths, 404 for missing ones. */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof PathRefused) {
    const missing = error.reason === 'no such file' || error.reason === 'not a run directory';
    return c.json({ error: error.message }, missing ? 404 : 403);
  }
  if (error instanceof RatingInputError) return c.json({ error: error.message, field: error.field }, 400);
  if (error instanceof NotFound) return c.json({ error: error.message }, 404);
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    const field = issue.path.join('.') || '(body)';
    return c.json({ error: `${field}: ${issue.message}`, field }, 400);
  }
  const message = error instanceof Error ? error.message : String(error);
  return c.json({ error: message }, 500);
}

export function createViewer(options: ViewerOptions): Viewer {
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`${webDir}: no index.html (the web app folder)`);
  const store = new RunStore(options.runsDir, options.headlines ? { headlines: options.headlines } : {});
  // The default ratings file lives in the runs folder: a symlink there must not make us write elsewhere.
  const defaultDb = join(store.root, RATINGS_DB);
  if (!options.ratingsDb && existsSync(defaultDb)) resolveFileInside(store.root, defaultDb);
  const ratings = new RatingStore(options.ratingsDb ?? defaultDb);
  // Keys in this process's environment are never echoed, even when an old run log holds one.
  registerSecretsFromEnv();
  const imageRoots = [store.root, ...(options.imageRoots ?? [])];
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.onError((error, c) => errorResponse(c, error));

  // Every JSON answer (run logs, errors, exports) passes through redactSecrets: no API key is echoed.
  app.use('*', async (c, next) => {
    await next();
    const type = c.res.headers.get('content-type') ?? '';
    if (!/json/i.test(type)) return;
    const { status } = c.res;
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    const text = redactSecrets(await c.res.text());
    c.res = undefined as unknown as Response; // else Hono copies the old headers (a stale length) onto the new one
    c.res = new Response(text, { status, headers });
  });

  // DNS rebinding: a page on another site that resolves its name to 127.0.0.1 sends its own Host.
  // CSRF: a cross-site form can POST text/plain but not application/json without a preflight we
  // never answer, and a browser's Origin must be this server.
  const hosts = new Set([
    '127.0.0.1',
    'localhost',
    '[::1]',
    ...(options.allowedHosts ?? []).map((host) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)),
  ]);
  const hostnameOf = (value: string) =>
    (value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : value.split(':')[0]!).toLowerCase();
  app.use('*', async (c, next) => {
    const host = c.req.header('host');
    if (host !== undefined && !hosts.has('*') && !hosts.has(hostnameOf(host)))
      return c.json({ error: `Host ${host} is not this viewer (start it with --host to serve another name)` }, 421);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
        return c.json({ error: 'send JSON (Content-Type: application/json)', field: '(content-type)' }, 415);
      const origin = c.req.header('origin');
      if (origin !== undefined && (host === undefined || origin.replace(/^https?:\/\//, '') !== host))
        return c.json({ error: `cross-origin request from ${origin} refused` }, 403);
    }
    return next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `request body larger than ${MAX_BODY_BYTES} bytes`, field: '(body)' }, 413),
    }),
  );

  const serveStatic = (c: Context, relative: string) => {
    if (relative.includes('%')) throw new PathRefused(relative, 'encoded characters');
    const extension = relative.slice(relative.lastIndexOf('.'));
    const type = STATIC_TYPES[extension];
    if (!type) throw new PathRefused(relative, 'not a web app file type');
    const path = resolveInside(webDir, relative);
    return c.body(readFileSync(path), 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  };
  app.get('/', (c) => serveStatic(c, 'index.html'));
  const webApp = webAppCache(webDir);
  app.get('/web/app.js', async (c) =>
    c.body(await webApp(), 200, { 'Content-Type': STATIC_TYPES['.js']!, 'Cache-Control': 'no-cache' }),
  );
  app.get('/web/*', (c) => serveStatic(c, c.req.path.slice('/web/'.length)));

  registerRunRoutes(app, store, imageRoots);
  registerRatingRoutes(app, store, ratings);
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return { app, store, ratings, close: () => ratings.close() };
}
