// The medkit CLI. Every command has --help; errors a user can fix print one clear line, not a stack.
import { Command, CommanderError } from 'commander';
import { MedkitError, redactSecrets } from '../core/index.js';
import { commands } from '../registry.js';
import { registerEval } from './eval-command.js';
import { registerInspectCommands } from './inspect-commands.js';
import { registerQueueCommands } from './queue-commands.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('medkit')
    .description('Trustworthy medical AI, measurable: benchmarks, agents and honest statistics.')
    .showHelpAfterError()
    .exitOverride();
  registerEval(program);
  registerInspectCommands(program);
  registerQueueCommands(program);
  for (const command of commands) command.register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander printed it already
    if (MedkitError.isInstance(error)) {
      process.stderr.write(`medkit: ${redactSecrets(error.message)}\n`);
      return 2;
    }
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    process.stderr.write(`medkit: unexpected error: ${message}\n`);
    if (process.env.MEDKIT_DEBUG) process.stderr.write(`${redactSecrets((error as Error).stack ?? '')}\n`);
    else process.stderr.write('(set MEDKIT_DEBUG=1 for the stack trace)\n');
    return 1;
  }
}

const isEntry = process.argv[1] && /medkit(\.js)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
