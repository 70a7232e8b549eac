// API keys never reach a log, a summary, a cache or the terminal, even when a server echoes the key
// back in its error text (some proxies and compatible servers do). Providers register the keys they
// send; the run writers, the CLI's error line and the viewer pass text through `redactSecrets`.
// Well-known key shapes (sk-…, Bearer …) are masked too, for keys this process never saw.

export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: redacting them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Environment variables whose values are secrets (OPENAI_API_KEY, HF_TOKEN, AWS_SECRET_ACCESS_KEY, …). */
const SECRET_NAME = /API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/** sk-… (OpenAI, Anthropic sk-ant-…, most compatible gateways) and bearer tokens in echoed headers. */
const KEY_SHAPES = /\bsk-[A-Za-z0-9_-]{16,}|\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g;

const registered = new Set<string>();
let ordered: string[] = [];

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  // The JSON-escaped form too, so a key is found inside serialised JSON as well.
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) registered.add(escaped);
  ordered = [...registered].sort((left, right) => right.length - left.length); // longest first
}

/** Registers the values of environment variables named like secrets. */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) registerSecret(value);
}

/** `text` with every registered secret and every well-known key shape replaced by [redacted]. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of ordered) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result.includes('sk-') || result.includes('Bearer') ? result.replace(KEY_SHAPES, REDACTED) : result;
}
