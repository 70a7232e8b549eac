// medkit messages → node-llama-cpp chat history. Pure, so it is tested without the native library.
// node-llama-cpp keeps a tool call and its result together in the model's turn (a `functionCall`
// item with `result`), where medkit keeps them as an assistant message and later tool messages.
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import { ConfigError } from '../core/errors.js';
import type { ChatMessage } from '../core/messages.js';

export const LLAMA_NO_IMAGES =
  'llama provider takes no images in node-llama-cpp 3.21.1 (it has no multimodal projector support); use a vision model through openai: or anthropic:';

/**
 * The history to generate from. The last item is the model turn being written: a fresh empty one,
 * or, when the conversation ends with tool results, the model turn that made the calls (the model
 * continues it after reading the results, as node-llama-cpp's own function calling does).
 */
export function toLlamaHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const pendingCalls = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user': {
        if (typeof message.content !== 'string' && message.content.some((part) => part.type === 'image')) {
          throw new ConfigError(LLAMA_NO_IMAGES);
        }
        const text =
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
        history.push({ type: 'user', text });
        break;
      }
      case 'assistant': {
        const response: ChatModelResponse['response'] = [];
        if (message.content !== '') response.push(message.content);
        for (const call of message.toolCalls ?? []) {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.name,
            params: call.arguments,
            result: '',
          };
          pendingCalls.set(call.id, item);
          response.push(item);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = pendingCalls.get(message.toolCallId);
        if (call) {
          call.result = message.content;
          pendingCalls.delete(message.toolCallId);
        } else {
          // A result with no matching call (a hand-written transcript): keep it, as plain text.
          history.push({ type: 'user', text: `Result of ${message.name}: ${message.content}` });
        }
        break;
      }
    }
  }
  const last = messages[messages.length - 1];
  if (last?.role !== 'tool' || history[history.length - 1]?.type !== 'model')
    history.push({ type: 'model', response: [] });
  return history;
}
