// A loopback server that speaks the OpenAI chat-completions + embeddings API and the Anthropic
// messages API (plain and streamed), with scripted replies and per-request fault injection, so
// every provider is tested offline against real HTTP. Also fast enough for the throughput bench.
//
//   const server = await startLoopbackServer({ script: ['first reply', { toolCalls: [...] }] });
//   openaiModel({ model: 'm', baseURL: server.baseURL });     // http://127.0.0.1:PORT/v1
//   anthropicModel({ model: 'm', baseURL: server.url });
//   server.setFaults([{ type: 'rate-limit', retryAfter: '2' }]); // the next request gets a 429
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRng } from '../../src/stats/random.js';
import {
  anthropicMessage,
  anthropicStreamEvents,
  errorBody,
  fakeEmbedding,
  normalizeTurn,
  openaiCompletion,
  openaiStreamEvents,
  resolveReply,
  type LoopbackApi,
  type LoopbackReply,
  type LoopbackTurn,
} from './loopback-formats.js';

export type * from './loopback-formats.js';

/** A reply, a list answered in order (then ScriptExhausted → 500), or a function of the request. */
export type LoopbackScript =
  | LoopbackReply
  | readonly LoopbackReply[]
  | ((turn: LoopbackTurn) => LoopbackReply | Promise<LoopbackReply>);

export type Fault =
  /** Answer normally after a delay. */
  | { type: 'latency'; ms: number }
  /** 429; `retryAfter` goes in Retry-After as given (seconds or an HTTP date), `retryAfterMs` in retry-after-ms. */
  | { type: 'rate-limit'; retryAfter?: string; retryAfterMs?: number }
  /** 500, or another status; `echoKey` puts the API key the request sent into the error text, as some proxies do. */
  | { type: 'server-error'; status?: number; retryAfter?: string; echoKey?: boolean }
  /** 200 whose body has no answer: `choices: []` (OpenAI) or `content: []` with no stop reason (Anthropic); `no-message`: a choice without a message. */
  | { type: 'empty-reply'; shape?: 'no-choices' | 'no-message' }
  /** Read the request and never answer (until close()). */
  | { type: 'hang' }
  /** 200 with a body (or stream event) that is not JSON. */
  | { type: 'malformed-json' }
  /** Send about half the body or stream, then drop the connection. */
  | { type: 'truncated' }
  /** Drop the connection without answering. */
  | { type: 'disconnect' };

export type FaultType = Fault['type'];

/**
 * Which requests fail: a list (the nth request after start / setFaults / reset gets entry n; null =
 * answer normally), a function, or a
 * seeded random mix where each request fails with probability `rate`, picking among `types`.
 */
export type FaultPlan =
  | readonly (Fault | null | undefined)[]
  | ((request: RecordedRequest) => Fault | null | undefined)
  | { rate: number; seed?: number; types?: FaultType[]; latencyMs?: number; retryAfter?: string };

export interface RecordedRequest {
  /** 0-based over every request since start or reset(). */
  index: number;
  method: string;
  path: string;
  api: LoopbackApi | 'unknown';
  endpoint: 'chat' | 'embeddings' | 'other';
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON
  stream: boolean;
  /** The normalized chat request (messages, images received, tool names); chat endpoints only. */
  turn?: LoopbackTurn;
  fault?: FaultType;
}

export interface LoopbackServerOptions {
  script?: LoopbackScript;
  faults?: FaultPlan;
  /** Added to every answer (the bench uses 0). */
  latencyMs?: number;
  /** When set, requests without this key (Bearer or x-api-key) get a 401. */
  apiKey?: string;
  /** Keep request records (default true). The bench turns this off to measure the server, not its log. */
  record?: boolean;
  embeddingDimensions?: number;
}

export interface LoopbackServer {
  url: string;
  /** `url + '/v1'`, what the OpenAI SDK wants. */
  baseURL: string;
  requests: RecordedRequest[];
  setScript(script: LoopbackScript | undefined): void;
  setFaults(faults: FaultPlan | undefined): void;
  /** Forget recorded requests and restart the script and fault lists. */
  reset(): void;
  close(): Promise<void>;
}

/** No script: echo the last user message, which keeps throughput runs meaningful. */
const echo = (turn: LoopbackTurn): LoopbackReply => `echo: ${turn.lastUserText}`;

function pickFault(
  plan: FaultPlan | undefined,
  request: RecordedRequest,
  position: number,
  random: () => number,
): Fault | undefined {
  if (!plan) return undefined;
  if (typeof plan === 'function') return plan(request) ?? undefined;
  if (Array.isArray(plan)) return (plan as readonly (Fault | null | undefined)[])[position] ?? undefined;
  const mix = plan as Exclude<FaultPlan, readonly unknown[] | ((request: RecordedRequest) => unknown)>;
  if (random() >= mix.rate) return undefined;
  const types = mix.types ?? ['rate-limit', 'server-error', 'malformed-json', 'truncated'];
  const type = types[Math.floor(random() * types.length)]!;
  switch (type) {
    case 'latency':
      return { type, ms: mix.latencyMs ?? 50 };
    case 'rate-limit':
      return { type, retryAfter: mix.retryAfter ?? '0' };
    case 'server-error':
      return { type };
    default:
      return { type };
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  let script = options.script;
  let faults = options.faults;
  let requestCount = 0;
  let chatCount = 0;
  let faultBase = 0; // a fault list counts from the request after setFaults()
  let rng = createRng(seedOf(faults));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const dimensions = options.embeddingDimensions ?? 8;

  function seedOf(plan: FaultPlan | undefined): number {
    return plan && typeof plan === 'object' && !Array.isArray(plan) && 'rate' in plan ? (plan.seed ?? 1) : 1;
  }

  async function nextReply(turn: LoopbackTurn): Promise<LoopbackReply | undefined> {
    if (script === undefined) return echo(turn);
    if (typeof script === 'function') return script(turn);
    if (Array.isArray(script)) return (script as readonly LoopbackReply[])[turn.index];
    return script as LoopbackReply;
  }

  function sendJson(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  }

  function sendEvents(
    response: ServerResponse,
    api: LoopbackApi,
    events: [string | undefined, string][],
    fault: Fault | undefined,
  ): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const lines = events.map(([name, data]) => (name ? `event: ${name}\ndata: ${data}\n\n` : `data: ${data}\n\n`));
    if (fault?.type === 'truncated') {
      response.write(lines.slice(0, Math.max(1, Math.floor(lines.length / 2))).join(''));
      setImmediate(() => response.socket?.destroy());
      return;
    }
    if (fault?.type === 'malformed-json') {
      const name = api === 'anthropic' ? 'content_block_delta' : undefined;
      lines.splice(
        1,
        0,
        name ? `event: ${name}\ndata: {"type": "content_bl\n\n` : 'data: {"id": "chunk", "choices": [\n\n',
      );
    }
    response.end(lines.join(''));
  }

  function sendBody(response: ServerResponse, body: unknown, fault: Fault | undefined): void {
    if (fault?.type === 'malformed-json') {
      const text = '{"id": "broken", "choices": [{"message": {"content": "unterminated';
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return;
    }
    if (fault?.type === 'truncated') {
      const text = JSON.stringify(body);
      // Promise the whole length, send half, hang up: the client sees a body cut mid-way.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.write(text.slice(0, Math.floor(text.length / 2)));
      setImmediate(() => response.socket?.destroy());
      return;
    }
    sendJson(response, 200, body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!;
    const text = await readBody(request);
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      sendJson(response, 400, errorBody('openai', 400, 'request body is not JSON'));
      return;
    }
    const api: RecordedRequest['api'] =
      path.endsWith('/chat/completions') || path.endsWith('/embeddings')
        ? 'openai'
        : path.endsWith('/messages')
          ? 'anthropic'
          : 'unknown';
    const endpoint: RecordedRequest['endpoint'] = path.endsWith('/embeddings')
      ? 'embeddings'
      : api === 'unknown'
        ? 'other'
        : 'chat';
    const record: RecordedRequest = {
      index: requestCount++,
      method: request.method ?? 'GET',
      path,
      api,
      endpoint,
      headers: request.headers,
      body,
      stream: body?.stream === true,
    };
    if (endpoint === 'chat') record.turn = normalizeTurn(api as LoopbackApi, body, chatCount++);
    if (options.record !== false) requests.push(record);

    const fault = pickFault(faults, record, record.index - faultBase, rng.next);
    if (fault) record.fault = fault.type;
    const latency = (options.latencyMs ?? 0) + (fault?.type === 'latency' ? fault.ms : 0);
    if (latency > 0) await sleep(latency);

    if (options.apiKey !== undefined) {
      const sent = request.headers['x-api-key'] ?? String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (sent !== options.apiKey) {
        sendJson(response, 401, errorBody(api === 'anthropic' ? 'anthropic' : 'openai', 401, 'invalid api key'));
        return;
      }
    }
    const errorApi: LoopbackApi = api === 'anthropic' ? 'anthropic' : 'openai';
    switch (fault?.type) {
      case 'hang':
        return; // the socket stays open until the client gives up or close() destroys it
      case 'disconnect':
        request.socket.destroy();
        return;
      case 'rate-limit': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
        sendJson(response, 429, errorBody(errorApi, 429, 'rate limited by the loopback server'), headers);
        return;
      }
      case 'server-error': {
        const status = fault.status ?? 500;
        const sentKey =
          request.headers['x-api-key'] ?? String(request.headers.authorization ?? '').replace(/^Bearer /, '');
        sendJson(
          response,
          status,
          errorBody(errorApi, status, `loopback server error ${status}${fault.echoKey ? ` for key ${sentKey}` : ''}`),
          fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
        );
        return;
      }
    }

    if (fault?.type === 'empty-reply' && endpoint === 'chat') {
      const base = { id: 'empty', model: body.model ?? 'loopback' };
      if (api === 'anthropic')
        sendJson(response, 200, { ...base, type: 'message', role: 'assistant', content: [], stop_reason: null });
      else
        sendJson(response, 200, {
          ...base,
          object: 'chat.completion',
          created: 1_700_000_000,
          choices: fault.shape === 'no-message' ? [{ index: 0, finish_reason: 'stop' }] : [],
        });
      return;
    }
    if (endpoint === 'embeddings') {
      const inputs: string[] = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
      const data = inputs.map((input, index) => {
        const vector = fakeEmbedding(input, dimensions);
        const embedding =
          body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      const tokens = inputs.reduce((sum, input) => sum + (input.match(/\S+/g) ?? []).length, 0);
      sendBody(
        response,
        { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
        fault,
      );
      return;
    }
    if (endpoint === 'other' || !record.turn) {
      sendJson(response, 404, errorBody('openai', 404, `the loopback server has no ${request.method} ${path}`));
      return;
    }
    const turn = record.turn;
    let scripted: LoopbackReply | undefined;
    try {
      scripted = await nextReply(turn);
    } catch (error) {
      sendJson(response, 500, errorBody(errorApi, 500, `script failed: ${(error as Error).message}`));
      return;
    }
    if (scripted === undefined) {
      sendJson(
        response,
        500,
        errorBody(errorApi, 500, `the loopback script has no reply for chat request ${turn.index}`),
      );
      return;
    }
    const reply = resolveReply(scripted, turn, turn.index);
    const id = `${api === 'anthropic' ? 'msg' : 'chatcmpl'}-loopback-${turn.index}`;
    if (record.stream) {
      const events: [string | undefined, string][] =
        api === 'anthropic'
          ? anthropicStreamEvents(reply, id)
          : openaiStreamEvents(reply, id, body.stream_options?.include_usage === true).map((data) => [undefined, data]);
      sendEvents(response, api as LoopbackApi, events, fault);
      return;
    }
    sendBody(response, api === 'anthropic' ? anthropicMessage(reply, id) : openaiCompletion(reply, id), fault);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, errorBody('openai', 500, `loopback server bug: ${String(error)}`));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    setScript(next) {
      script = next;
      chatCount = 0;
    },
    setFaults(next) {
      faults = next;
      faultBase = requestCount;
      rng = createRng(seedOf(next));
    },
    reset() {
      requests.length = 0;
      requestCount = 0;
      chatCount = 0;
      faultBase = 0;
      rng = createRng(seedOf(faults));
    },
    async close() {
      for (const socket of sockets) socket.destroy(); // hung requests included
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
