// `medkit serve reference-vision --port N`: the reference vision model behind the OpenAI
// chat-completions wire on 127.0.0.1, for `--model openai:reference-vision --base-url ...`.
// It reads request bodies only (images as data: URLs): no files, no dataset, no network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_SETTINGS, REFERENCE_LABEL, type ReferenceVisionSettings } from './answer.js';
import { answerChatCompletion } from './completion.js';
import { ReferenceVisionRequestError, type WireBody } from './request.js';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ReferenceVisionServer {
  url: string;
  baseURL: string;
  server: Server;
  close(): Promise<void>;
}

export async function startReferenceVisionServer(
  options: { port?: number; host?: string; settings?: ReferenceVisionSettings } = {},
): Promise<ReferenceVisionServer> {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const fail = (status: number, message: string) =>
      send(status, { error: { message, type: status === 400 ? 'invalid_request_error' : 'server_error' } });
    const path = (request.url ?? '').split('?')[0].replace(/\/+$/, '');
    if (request.method === 'GET' && path.endsWith('/models')) {
      send(200, { object: 'list', data: [{ id: 'reference-vision', object: 'model', owned_by: REFERENCE_LABEL }] });
      return;
    }
    if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
      fail(404, `no route ${request.method} ${path}: this server answers POST /v1/chat/completions and GET /v1/models`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', async () => {
      let body: WireBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireBody;
      } catch {
        fail(400, 'the request body is not JSON');
        return;
      }
      try {
        const completion = await answerChatCompletion(body, settings, body.model ?? 'reference-vision');
        send(200, completion);
      } catch (error) {
        if (error instanceof ReferenceVisionRequestError) fail(400, error.message);
        else fail(500, `reference-vision failed: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(`port ${options.port} on ${host} is in use; pick another with --port N (0 = any free port)`)
          : error,
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${address.port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
