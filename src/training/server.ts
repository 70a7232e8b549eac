// The reward server: stateless HTTP (Node http), so a cluster can run replicas behind its own balancer.
// POST /score {rollouts: [...]} (batch with group ids), POST / or /get_reward (OpenRLHF --remote_rm_url),
// GET /health. Binds 127.0.0.1 unless told otherwise; any other host needs a bearer token. Bad requests
// get 4xx {error, path}; a rollout whose reward throws gets the reward's fallback and an error entry.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  ConfigError,
  type BenchmarkOptions,
  type JsonValue,
  type Reward,
  type RewardRollout,
  type SolverContext,
} from '../core/index.js';
import { fromWire, issuePath, RewardRequestError, rolloutWireSchema, scoreBatch } from './batch.js';

export const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export interface RewardServerOptions {
  reward: Reward;
  options: BenchmarkOptions;
  port: number;
  host?: string;
  token?: string;
  maxBodyBytes?: number;
  /** Models of the reward's roles (judge rewards). */
  context?: SolverContext;
}

export interface RewardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const batchSchema = z.strictObject({ rollouts: z.array(rolloutWireSchema) });
/** OpenRLHF: older versions post {query}; newer {query, prompts, labels}. query = prompt + response. */
const openrlhfSchema = z.looseObject({
  query: z.array(z.string()),
  prompts: z.array(z.string()).optional(),
  labels: z.array(z.union([z.string(), z.json()])).optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, '(body)', `body of ${declared} bytes is over the ${limit}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Answer 413 now; the rest is read and dropped so the client sees the response, not a reset.
        if (chunks.length) chunks.length = 0;
        reject(new HttpError(413, '(body)', `body over the ${limit}-byte limit`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new HttpError(400, issuePath('', issue.path) || '(body)', issue.message);
}

/** A label as OpenRLHF sends it (a string); JSON text (an export's structured ground truth) is parsed. */
function labelValue(label: unknown): JsonValue {
  if (typeof label !== 'string') return label as JsonValue;
  try {
    return JSON.parse(label) as JsonValue;
  } catch {
    return label;
  }
}

function openrlhfRollouts(body: z.infer<typeof openrlhfSchema>): RewardRollout[] {
  const { query, prompts, labels } = body;
  if (prompts && prompts.length !== query.length)
    throw new HttpError(400, 'prompts', `${prompts.length} prompts for ${query.length} queries`);
  if (!labels)
    throw new HttpError(400, 'labels', 'medkit rewards compare against a label: send labels (the ground truth)');
  if (labels.length !== query.length)
    throw new HttpError(400, 'labels', `${labels.length} labels for ${query.length} queries`);
  return query.map((text, index) => {
    const prompt = prompts?.[index];
    const completion = prompt !== undefined && text.startsWith(prompt) ? text.slice(prompt.length) : text;
    return { completion, groundTruth: labelValue(labels[index]), ...(prompt !== undefined ? { prompt } : {}) };
  });
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  response.end(text);
}

export function startRewardServer(config: RewardServerOptions): Promise<RewardServer> {
  const host = config.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !config.token)
    throw new ConfigError(
      `--host ${host} exposes the server beyond this machine: give --token (or MEDKIT_REWARD_TOKEN)`,
    );
  const limit = config.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const { reward, options } = config;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') {
      send(response, 200, { status: 'ok', reward: reward.name, kind: reward.kind, fallback: reward.fallback });
      return;
    }
    if (config.token && !tokenMatches(request.headers.authorization, config.token))
      throw new HttpError(401, '(header) authorization', 'expected Authorization: Bearer <token>');
    if (request.method !== 'POST' || !['/', '/score', '/get_reward'].includes(path!))
      throw new HttpError(
        404,
        '(url)',
        `${request.method} ${path}: POST /score, POST /get_reward (OpenRLHF), GET /health`,
      );
    const text = await readBody(request, limit);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, '(body)', `not JSON (${(error as Error).message})`);
    }
    if (path === '/score') {
      const rollouts = parse(batchSchema, body).rollouts.map(fromWire);
      const results = await scoreBatch(reward, rollouts, options, config.context);
      send(response, 200, {
        rewards: results.map((result) => result.reward),
        results,
        errors: results.flatMap((result, index) => (result.error ? [{ index, error: result.error }] : [])),
      });
      return;
    }
    if (reward.kind === 'group')
      throw new HttpError(
        400,
        '(url)',
        `'${reward.name}' is a group reward and OpenRLHF's request has no group ids: POST /score with group and group_size`,
      );
    const results = await scoreBatch(reward, openrlhfRollouts(parse(openrlhfSchema, body)), options, config.context);
    const rewards = results.map((result) => result.reward);
    send(response, 200, {
      rewards,
      scores: rewards,
      extra_logs: { medkit_errors: results.map((result) => (result.error ? 1 : 0)) },
      errors: results.flatMap((result, index) => (result.error ? [{ index, error: result.error }] : [])),
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return;
      if (error instanceof HttpError) send(response, error.status, { error: error.message, path: error.path });
      else if (error instanceof RewardRequestError) send(response, 400, { error: error.problem, path: error.path });
      else send(response, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => {
      const port = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
