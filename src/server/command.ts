// `medkit view [RUNS_DIR]`: serves the viewer on 127.0.0.1 (unless --host says otherwise) and
// prints the URL; RUNS_DIR defaults to $MEDKIT_RUNS_DIR or runs/, where `medkit eval` writes runs.
// `medkit view --bundle DIR [RUNS...]` writes a static site of those runs instead (bundle.ts).
// Ctrl-C closes the server and the ratings database.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { serve } from '@hono/node-server';
import { ConfigError } from '../core/index.js';
import type { CliCommand } from '../cli/command.js';
import { createViewer, type ViewerOptions } from './app.js';
import { writeBundle } from './bundle.js';
import { runsRoot } from '../runner/run-dir.js';

/** The runs folder `medkit view` opens without an argument: where `medkit eval` writes ($MEDKIT_RUNS_DIR, else runs/). */
export function defaultRunsDir(): string {
  return runsRoot();
}

/** Each benchmark's declared headline, from the registry (loaded lazily: the registry imports this file). */
async function registryHeadlines(): Promise<NonNullable<ViewerOptions['headlines']>> {
  const { loadBenchmarks } = await import('../registry.js');
  const benchmarks = await loadBenchmarks();
  return (benchmark) => benchmarks[benchmark]?.headline;
}

export interface StartOptions {
  runsDir: string;
  port?: number;
  host?: string;
  imageRoots?: string[];
  ratingsDb?: string;
  headlines?: ViewerOptions['headlines'];
}

/** Starts the server; resolves with its URL and a close function once it listens. */
export async function startViewer(options: StartOptions): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(options.runsDir))
    throw new ConfigError(
      `${options.runsDir}: no such folder; medkit eval writes runs to ${defaultRunsDir()}/<benchmark>/<time>-<id>/ ` +
        '(MEDKIT_RUNS_DIR moves it), e.g. npx medkit eval medmcq-mini, then medkit view',
    );
  const host = options.host ?? '127.0.0.1';
  const viewer = createViewer({
    runsDir: options.runsDir,
    imageRoots: options.imageRoots ?? [],
    // bound to every interface, the machine is reachable under names we cannot know: no Host check
    allowedHosts: host === '0.0.0.0' || host === '::' ? ['*'] : [host],
    ...(options.ratingsDb ? { ratingsDb: options.ratingsDb } : {}),
    ...(options.headlines ? { headlines: options.headlines } : {}),
  });
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch: viewer.app.fetch, port: options.port ?? 7860, hostname: host }, (info) => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolvePromise({
        url: `http://${shown}:${info.port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              viewer.close();
              done();
            });
          }),
      });
    });
    server.on('error', (error: NodeJS.ErrnoException) => {
      viewer.close();
      if (error.code === 'EADDRINUSE')
        reject(
          new ConfigError(
            `port ${options.port ?? 7860} on ${host} is in use; pick another with --port N (or --port 0 for any free port)`,
          ),
        );
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        reject(new ConfigError(`--host ${host}: not an address of this machine`));
      else reject(error);
    });
  });
}

export const viewCommand: CliCommand = {
  name: 'view',
  register(program: Command) {
    program
      .command('view')
      .description(
        'web app for runs: headline metrics with CIs, errors, leaderboards, every sample with its evidence, run comparison, expert ratings; --bundle writes a static copy',
      )
      .argument(
        '[paths...]',
        'folder holding run directories (default: $MEDKIT_RUNS_DIR or runs/); with --bundle: the runs or folders of runs to put in it',
      )
      .option('--port <n>', 'port (0 = any free port)', '7860')
      .option('--host <host>', 'interface to bind; other than 127.0.0.1 exposes your runs to the network', '127.0.0.1')
      .option(
        '--image-root <dir>',
        'also serve images recorded in logs from this folder (repeatable)',
        (value: string, list: string[]) => [...list, value],
        [] as string[],
      )
      .option('--ratings-db <file>', 'SQLite file for expert ratings (default: <runs-dir>/.medkit-ratings.sqlite)')
      .option(
        '--bundle <dir>',
        'write a static site of the runs to DIR (opens from the file system or any static host)',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  medkit view                                  # the runs medkit eval wrote (runs/ or $MEDKIT_RUNS_DIR)\n' +
          '  medkit view --bundle site runs/medmcq-mini   # a read-only static copy to share; open site/index.html\n',
      )
      .action(
        async (
          paths: string[],
          flags: { port: string; host: string; imageRoot: string[]; ratingsDb?: string; bundle?: string },
        ) => {
          const cache = resolve('.medkit', 'cache');
          const imageRoots = [...flags.imageRoot.map((root) => resolve(root)), ...(existsSync(cache) ? [cache] : [])];
          const headlines = await registryHeadlines();
          if (flags.bundle !== undefined) {
            const result = await writeBundle({
              outDir: flags.bundle,
              sources: paths.length ? paths : [defaultRunsDir()],
              imageRoots,
              headlines,
              log: (line) => process.stderr.write(`${line}\n`),
            });
            for (const note of result.notes) process.stderr.write(`medkit view: note: ${note}\n`);
            process.stdout.write(
              `medkit view: bundle of ${result.runs.length} runs in ${result.outDir}; open ${join(result.outDir, 'index.html')} or serve the folder statically\n`,
            );
            return;
          }
          if (paths.length > 1)
            throw new ConfigError(
              `medkit view takes one runs folder (got ${paths.length}); --bundle DIR takes several runs`,
            );
          let runsDir = paths[0] ?? defaultRunsDir();
          const port = Number(flags.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535)
            throw new ConfigError(`--port ${flags.port}: expected an integer 0..65535`);
          if (existsSync(join(runsDir, 'spec.json'))) {
            // `medkit view runs/m1`: that is one run; serve its folder's runs (m1 among them).
            process.stderr.write(
              `medkit view: ${runsDir} is a run directory; serving the runs in ${dirname(resolve(runsDir))}\n`,
            );
            runsDir = dirname(resolve(runsDir));
          }
          const { url, close } = await startViewer({
            runsDir,
            port,
            host: flags.host,
            imageRoots,
            headlines,
            ...(flags.ratingsDb ? { ratingsDb: flags.ratingsDb } : {}),
          });
          process.stdout.write(
            `medkit view: ${url}  (runs: ${resolve(runsDir)}; images also from: ${imageRoots.join(', ') || 'none'}; Ctrl-C stops)\n`,
          );
          if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
            process.stderr.write(
              `medkit view: warning: bound to ${flags.host}; anyone who can reach it can read these runs and submit ratings\n`,
            );
          }
          await new Promise<void>((done) => {
            const stop = () => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              void close().then(done);
            };
            process.on('SIGINT', stop);
            process.on('SIGTERM', stop);
          });
        },
      );
  },
};
