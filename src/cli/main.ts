// The medkit CLI. Every command has --help; errors a user can fix print one clear line, not a stack.
// Start-up matters (`medkit --help` and `medkit list` should answer in a blink): this file and the commands
// registered here import only commander and small core files; the registry's extra commands are stubs
// (name, usage, description) unless the command line names them, and every command imports the code it
// runs inside its action (bench/startup.ts measures it).
import { Command, CommanderError, Help } from 'commander';
import { MedkitError } from '../core/errors.js';
import { redactSecrets } from '../core/secrets.js';
import { commandEntries, commandEntry } from '../registry.js';
import { registerEval } from './eval-command.js';
import { registerInspectCommands } from './inspect-commands.js';
import { registerQueueCommands } from './queue-commands.js';

/** The extra command the arguments run (`medkit view ...`, `medkit help view`), if it is one of the registry's. */
function invokedCommand(argv: readonly string[]): string | undefined {
  const name = argv[0] === 'help' ? argv[1] : argv[0];
  return name !== undefined && commandEntry(name) ? name : undefined;
}

/**
 * The program for these arguments: the registry command they invoke is loaded and registered in full, the
 * others as stubs that print the same line in `medkit --help` (their usage comes from the registry entry).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command()
    .name('medkit')
    .description('Trustworthy medical AI, measurable: benchmarks, agents and honest statistics.')
    .showHelpAfterError()
    .exitOverride();
  const stubUsage = new Map<Command, string>();
  const help = new Help();
  program.configureHelp({
    subcommandTerm: (command) => stubUsage.get(command) ?? help.subcommandTerm(command),
  });
  await registerEval(program, argv);
  registerInspectCommands(program);
  registerQueueCommands(program);
  const invoked = invokedCommand(argv);
  for (const entry of commandEntries) {
    if (entry.name === invoked) {
      (await entry.load()).register(program);
      continue;
    }
    const stub = program.command(entry.name).description(entry.summary);
    stubUsage.set(stub, entry.usage ? `${entry.name} ${entry.usage}` : entry.name);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
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
