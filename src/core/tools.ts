// Tools are declared with a zod input schema; providers receive its JSON Schema.
import { z } from 'zod';

export interface ToolDefinition<Input = any> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
}

/** A tool the solver can run itself. `execute` returns the text the model sees. */
export interface Tool<Input = any> extends ToolDefinition<Input> {
  execute(input: Input, context: { signal?: AbortSignal }): Promise<string> | string;
}

/** What providers put on the wire. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export function defineTool<Input>(tool: Tool<Input>): Tool<Input> {
  return tool;
}

export function toolSpec(tool: ToolDefinition): ToolSpec {
  const schema = z.toJSONSchema(tool.inputSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: tool.name, description: tool.description, parameters: schema };
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };
