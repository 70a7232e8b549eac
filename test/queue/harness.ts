// What the queue tests share: a private redis-server on a free loopback port (no persistence, in a temp
// folder), medkit processes (coordinator, workers) with their output kept, and waits with deadlines.
// Everything started here is killed by killAll(), which the tests call in `after` hooks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repo = new URL('../../', import.meta.url).pathname;
const bin = join(repo, 'bin', 'medkit.js');
const children = new Set<ChildProcess>();

export function redisServerPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface RedisServer {
  url: string;
  port: number;
  /** kill -9 and start again on the same port: without persistence every queue is lost. */
  restart(): Promise<void>;
  stop(): void;
}

export async function startRedis(executable: string): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'medkit-redis-'));
  let child: ChildProcess;
  const start = async () => {
    child = spawn(
      executable,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    children.add(child);
    await waitUntil(() => ping(port), 15_000, `redis-server on port ${port}`);
  };
  await start();
  const kill = () => {
    child.kill('SIGKILL');
    children.delete(child);
  };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    restart: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      kill();
      await exited;
      await start();
    },
    stop: () => {
      kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MedkitProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  exitCode: () => number | null | undefined;
  kill9(): void;
}

export function spawnMedkit(args: string[], env: Record<string, string> = {}): MedkitProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let text = '';
  child.stdout!.on('data', (data) => (text += data));
  child.stderr!.on('data', (data) => (text += data));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (exitCode) => {
      code = exitCode;
      children.delete(child);
      resolve(exitCode);
    }),
  );
  return {
    child,
    output: () => text,
    exited,
    exitCode: () => code,
    kill9: () => child.kill('SIGKILL'),
  };
}

export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

export function readLines(path: string): { id: string; epoch: number; error: string | null; output: string }[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // a line being written while the test reads
      }
    });
}

/** Every (id, epoch) exactly once: the duplicates, if any. */
export function duplicates(lines: { id: string; epoch: number }[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const line of lines) {
    const key = `${line.id}#${line.epoch}`;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  return twice;
}

export const fixture = join(repo, 'test', 'queue', 'fixtures', 'queue-bench.ts');
