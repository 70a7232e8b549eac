// What the HTTP providers share: the API key rule, and turning SDK failures into medkit errors.
// Providers never retry; they only say whether a retry may pass (`isRetryable`) and how long the
// server asked to wait (`retryAfterMs`), and the runner's policy acts on that.
import { ConfigError, ProviderCallError } from '../core/errors.js';
import { redactSecrets, registerSecret } from '../core/secrets.js';

/** The parts of a Stainless SDK (openai, @anthropic-ai/sdk) error we read. */
interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error & { status: number | undefined; headers: Headers | undefined };
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

export interface ProviderContext {
  provider: string;
  baseURL: string;
  /** The environment variable that holds the key, named in messages. */
  keyVariable: string;
  sdk: SdkErrorClasses;
}

// Servers on this machine or a private network (vLLM, Ollama, llama.cpp server, the test loopback)
// usually take no key; the SDKs still insist on one, so a placeholder goes on the wire.
const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|host\.docker\.internal|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1?\])$/i;

export function isLocalBaseURL(baseURL: string): boolean {
  try {
    return PRIVATE_HOST.test(new URL(baseURL).hostname);
  } catch {
    return false;
  }
}

export const LOCAL_PLACEHOLDER_KEY = 'medkit-local-no-key';

/** Credentials inside a base URL (`https://user:secret@host`, `?api-key=…`) are secrets too: spec.json records the URL. */
function registerUrlSecrets(baseURL: string): void {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return;
  }
  const values = [
    url.password,
    ...[...url.searchParams].filter(([name]) => /key|token|secret|sig/i.test(name)).map(([, value]) => value),
  ];
  for (const value of values) {
    registerSecret(value);
    registerSecret(encodeURIComponent(value));
  }
}

/** The key to send: the option, else the environment variable, else a placeholder for local servers. */
export function resolveApiKey(options: { apiKey: string | undefined; keyVariable: string; baseURL: string }): string {
  registerUrlSecrets(options.baseURL);
  const key = options.apiKey ?? process.env[options.keyVariable];
  if (key !== undefined && key !== '') {
    registerSecret(key); // a server that echoes it back in an error never gets it into a log
    return key;
  }
  if (isLocalBaseURL(options.baseURL)) return LOCAL_PLACEHOLDER_KEY;
  throw new ConfigError(`${options.keyVariable} is not set; export it (needed for ${options.baseURL}).`);
}

/** Milliseconds from `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Pick<Headers, 'get'> | undefined, now = Date.now()): number | undefined {
  const milliseconds = headers?.get('retry-after-ms');
  if (milliseconds) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers?.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The system error code (ECONNREFUSED, ENOTFOUND...) somewhere under an SDK or fetch error. */
export function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    // fetch refuses ports on the browsers' blocked list (9, 25, 6000...) before connecting, with no code.
    if ((current as { message?: unknown }).message === 'bad port') return 'EBADPORT';
    const errors = (current as { errors?: unknown }).errors; // AggregateError: one per address tried
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What to check when no connection was made: names the URL and the setting it came from. */
function unreachableAdvice(baseURL: string, keyVariable: string, code: string | undefined): string | undefined {
  const setting = `--base-url or ${keyVariable.replace(/_API_KEY$/, '_BASE_URL')}`;
  if (code === 'ECONNREFUSED')
    return `could not reach ${baseURL}: connection refused (nothing listens there). Is the server running, and is the port in ${setting} right?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `could not reach ${baseURL}: the host name does not resolve (DNS ${code}). Check the host in ${setting}, and your network.`;
  if (code === 'EBADPORT')
    return `could not reach ${baseURL}: fetch refuses this port (on its blocked-port list). Use another port in ${setting}.`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return `could not reach ${baseURL}: no route to the host (${code}). Check ${setting}, your network or VPN.`;
  return undefined;
}

/** The first line of a server's error text, secrets redacted (before cutting: no half key survives), short enough for a terminal. */
function shortDetail(text: string): string {
  const line = redactSecrets(text).split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * The SDK error kept as `cause`, with any echoed key redacted from its message and parsed body, so
 * printing the cause chain (util.inspect, a debugger) shows no key either.
 */
function scrubbed<T>(error: T): T {
  if (!(error instanceof Error)) return error;
  error.message = redactSecrets(error.message);
  if (error.stack) error.stack = redactSecrets(error.stack);
  // The SDKs keep the body and parts of it (`error`, Anthropic's `apiMessage`) as own fields.
  const fields = error as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') fields[name] = redactSecrets(value);
    else if (typeof value === 'object' && value !== null && !(value instanceof Headers) && !(value instanceof Error)) {
      try {
        fields[name] = JSON.parse(redactSecrets(JSON.stringify(value)));
      } catch {
        fields[name] = undefined;
      }
    }
  }
  return error;
}

/**
 * Turns what an SDK call threw into a medkit error. An abort rethrows the signal's reason, so the
 * runner sees its own timeout error; anything unrecognised (a bug, not the network) is rethrown as is.
 */
export function toProviderError(raw: unknown, context: ProviderContext, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? raw;
  const error = scrubbed(raw);
  const { provider, baseURL, keyVariable, sdk } = context;
  if (error instanceof sdk.APIUserAbortError) return error;
  if (error instanceof sdk.APIConnectionError) {
    const code = systemErrorCode(error);
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new ProviderCallError(
      provider,
      undefined,
      unreachableAdvice(baseURL, keyVariable, code) ??
        `could not reach ${baseURL} (${shortDetail(error.message + cause)})`,
      {
        cause: error,
        ...(code ? { connectionCode: code } : {}),
      },
    );
  }
  if (error instanceof sdk.APIError) {
    const status = error.status;
    if (status === 401) {
      return new ConfigError(`${provider} at ${baseURL} rejected the API key (401); check ${keyVariable}.`, {
        cause: error,
      });
    }
    // The SDK message starts with the status, which ProviderCallError already prints.
    const detail = shortDetail(error.message.replace(new RegExp(`^${status} `), ''));
    return new ProviderCallError(provider, status, detail, {
      cause: error,
      retryAfterMs: parseRetryAfter(error.headers),
    });
  }
  if (error instanceof SyntaxError) {
    // A garbled or cut-off body: the same request may well pass on a later try.
    return new ProviderCallError(provider, undefined, `the reply was not valid JSON (${shortDetail(error.message)})`, {
      cause: error,
      isRetryable: true,
    });
  }
  if (
    error instanceof TypeError &&
    /terminated|fetch failed|socket|ECONNRESET/i.test(`${error.message} ${String(error.cause)}`)
  ) {
    // undici reports a connection dropped while the body was read as TypeError('terminated').
    return new ProviderCallError(
      provider,
      undefined,
      `the connection to ${baseURL} dropped mid-reply (${error.message})`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** Reads a JSON reply body ourselves, so a malformed body becomes a retryable error that keeps the status. */
export async function readJsonBody(response: Response, provider: string): Promise<unknown> {
  return parseJsonBody(await response.text(), response.status, provider);
}

/** A reply body's text as JSON; not JSON: a retryable error that keeps the status and a redacted start. */
export function parseJsonBody(text: string, status: number, provider: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ProviderCallError(
      provider,
      status,
      `the reply body is not valid JSON (${text.length} bytes, starts ${JSON.stringify(redactSecrets(text).slice(0, 60))})`,
      { cause, isRetryable: true },
    );
  }
}
