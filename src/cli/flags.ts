// Parsers for command-line flag values, shared by every command. Kept apart from config.ts (yaml, zod) so
// registering a command imports nothing heavy.
import { ConfigError } from '../core/errors.js';

/** `key=value` pairs; values that parse as JSON (numbers, booleans, lists) become those. */
export function parseKeyValues(pairs: string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const index = pair.indexOf('=');
    if (index <= 0) throw new ConfigError(`${flag} expects key=value, got '${pair}'`);
    result[pair.slice(0, index)] = pair.slice(index + 1);
  }
  return result;
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];
export const positiveInt = (flag: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new ConfigError(`${flag} expects a whole number, got '${value}'`);
  return number;
};
