// `medkit serve reference-vision --port N` (registered in src/registry.ts). The model and sharp
// load only when the command runs, so `medkit list` stays light.
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { CliCommand } from '../../cli/command.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  register(program: Command) {
    program
      .command('serve')
      .description(
        `serve a built-in model over the OpenAI chat-completions wire (the reference vision model: deterministic pixel rules, not a language model)`,
      )
      .argument('<model>', "the model to serve: 'reference-vision' or 'reference-vision:res=96,...'")
      .option('--port <n>', 'port (0 = any free port)', '8765')
      .option('--host <host>', 'interface to bind (default 127.0.0.1: this machine only)', '127.0.0.1')
      .action(async (model: string, flags: { port: string; host: string }) => {
        const [name, ...rest] = model.split(':');
        if (name !== 'reference-vision')
          throw new ConfigError(`medkit serve knows only 'reference-vision', not '${name}'`);
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new ConfigError(`--port expects 0–65535, got '${flags.port}'`);
        const { parseReferenceVisionOptions } = await import('./provider.js');
        const { startReferenceVisionServer } = await import('./server.js');
        const settings = parseReferenceVisionOptions(rest.join(':'));
        const running = await startReferenceVisionServer({ port, host: flags.host, settings });
        // The first stdout line is the base URL, so a parent process (or a test) can read it.
        process.stdout.write(`${running.baseURL}\n`);
        process.stderr.write(
          `medkit: reference vision model (not a language model) at ${running.baseURL} (Ctrl-C stops)\n`,
        );
        const stop = () => void running.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await new Promise(() => {});
      });
  },
};
