// The lean path for OpenAI-compatible chat completions: one POST on undici's `request` through a keep-alive
// pool, instead of the SDK's fetch (WHATWG streams, header building, debug formatting and an AbortController per
// request). Only the transport is here: the body and the reply mapping are openai-wire.ts's, shared with the SDK
// path, and every failure is turned into the very error the SDK throws for it (its own classes, `APIError.generate`
// with the same arguments, fetch's `TypeError`s), so `toProviderError` maps both paths to the same medkit errors:
// status, retry decision, Retry-After, redaction, messages.
import OpenAI from 'openai';
import { Agent, type Dispatcher, interceptors } from 'undici';

/** The SDK's own timeout for a call nobody limited (the runner's AbortSignal is the real one). */
const CALL_LIMIT_MS = 30 * 60 * 1000;

let sharedDispatcher: Dispatcher | undefined;

/**
 * One keep-alive pool per process, shared by every model: connections per origin are not capped (the runner's
 * gate caps requests in flight), idle sockets are kept 30 s and do not hold the process open. Redirects are
 * followed as fetch follows them.
 */
function dispatcher(): Dispatcher {
  sharedDispatcher ??= new Agent({
    keepAliveTimeout: 30_000,
    headersTimeout: CALL_LIMIT_MS,
    bodyTimeout: CALL_LIMIT_MS,
  }).compose(interceptors.redirect({ maxRedirections: 20 }));
  return sharedDispatcher;
}

/** The same test the SDK applies to a failed fetch to tell a timeout from other connection errors. */
const isTimeout = (error: Error) => /timed? ?out/i.test(String(error) + ('cause' in error ? String(error.cause) : ''));

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface JsonPoster {
  /** POSTs `body` as JSON to `baseURL + path`; resolves with a 2xx status and the raw body text. */
  post(path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; text: string }>;
}

/** A poster for one server and key: the headers are built once, the pool is the process's. */
export function undiciPoster(options: { baseURL: string; apiKey: string; organization?: string }): JsonPoster {
  const url = new URL(options.baseURL.endsWith('/') ? options.baseURL : `${options.baseURL}/`);
  const origin = url.origin;
  const prefix = url.pathname + url.search === '/' ? '' : url.pathname.replace(/\/$/, '');
  const query = url.search;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': 'medkit',
    authorization: `Bearer ${options.apiKey}`,
    ...(options.organization ? { 'openai-organization': options.organization } : {}),
  };
  return {
    async post(path, body, signal) {
      if (signal?.aborted) throw new OpenAI.APIUserAbortError();
      let response: Dispatcher.ResponseData;
      try {
        response = await dispatcher().request({
          origin,
          path: `${prefix}${path}${query}`,
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          ...(signal ? { signal } : {}),
        });
      } catch (cause) {
        // What the SDK throws when fetch rejects (fetch wraps the undici error as TypeError('fetch failed')).
        if (signal?.aborted) throw new OpenAI.APIUserAbortError();
        const error = new TypeError('fetch failed', { cause });
        if (isTimeout(error)) throw new OpenAI.APIConnectionTimeoutError();
        throw new OpenAI.APIConnectionError({ message: undefined, cause: error });
      }
      let text: string;
      try {
        text = await response.body.text();
      } catch (cause) {
        if (signal?.aborted) throw new OpenAI.APIUserAbortError();
        // fetch's body reader reports a connection lost mid-body as TypeError('terminated').
        throw new TypeError('terminated', { cause });
      }
      const status = response.statusCode;
      if (status >= 200 && status < 300) return { status, text };
      // As the SDK builds its status errors: the parsed JSON body, else the text as the message.
      const json = safeJson(text);
      throw OpenAI.APIError.generate(
        status,
        json as object | undefined,
        json ? undefined : text,
        headersOf(response.headers),
      );
    },
  };
}
