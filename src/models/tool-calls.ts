// Tool-call arguments arrive as text. A model that writes broken JSON has made a mistake worth
// measuring, not a crash: the text is kept and `parseError` says what was wrong.
import type { ToolCall } from '../core/messages.js';

/** Parses tool arguments; text that is not a JSON object is kept in `rawArguments`, never thrown. */
export function parseToolCall(id: string, name: string, rawArguments: string): ToolCall {
  const call: ToolCall = { id, name, arguments: {}, rawArguments };
  if (rawArguments.trim() === '') return call;
  try {
    const value: unknown = JSON.parse(rawArguments);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      call.arguments = value as Record<string, unknown>;
    else call.parseError = `arguments are JSON but not an object (${Array.isArray(value) ? 'array' : typeof value})`;
  } catch (error) {
    call.parseError = `arguments are not JSON: ${(error as Error).message}`;
  }
  return call;
}
