// An extra CLI command contributed by a benchmark, agent or the server (registered in src/registry.ts).
import type { Command } from 'commander';

export interface CliCommand {
  name: string;
  /** Adds the command (with its --help text) to the program. */
  register(program: Command): void;
}
