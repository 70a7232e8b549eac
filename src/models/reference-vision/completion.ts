// The reference vision model's whole turn as an OpenAI chat.completion body: the decision of
// answer.ts rendered as text (or a zoom call) with per-token logprobs, sampled with a seeded draw
// at temperature > 0, so the same body always gets the same reply.
import { createRng, hashSeed } from '../../stats/random.js';
import { DEFAULT_SETTINGS, decide, REFERENCE_LABEL, type ReferenceVisionSettings } from './answer.js';
import { parseRequest, ZOOM_TOOL_NAME, type WireBody } from './request.js';

export interface ChatCompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    finish_reason: 'stop' | 'tool_calls';
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    };
    logprobs: { content: WireLogprob[]; refusal: null } | null;
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface WireLogprob {
  token: string;
  logprob: number;
  bytes: null;
  top_logprobs: { token: string; logprob: number; bytes: null }[];
}

const certain = (token: string): WireLogprob => ({
  token,
  logprob: 0,
  bytes: null,
  top_logprobs: [{ token, logprob: 0, bytes: null }],
});

function uncertain(chosen: string, options: { token: string; p: number }[], k: number): WireLogprob {
  const own = options.find((option) => option.token === chosen)?.p ?? 1e-6;
  const top = [...options].sort((a, b) => b.p - a.p).slice(0, Math.max(1, k));
  return {
    token: chosen,
    logprob: Math.log(own),
    bytes: null,
    top_logprobs: top.map((option) => ({ token: option.token, logprob: Math.log(option.p), bytes: null })),
  };
}

/** Draws from p^(1/T) (argmax at T = 0). */
function draw<T extends { p: number }>(items: T[], temperature: number, random: () => number): T {
  if (temperature <= 0 || items.length === 1) return items.reduce((a, b) => (b.p > a.p ? b : a));
  const weights = items.map((item) => item.p ** (1 / temperature));
  let ticket = random() * weights.reduce((a, b) => a + b, 0);
  for (const [index, weight] of weights.entries()) {
    ticket -= weight;
    if (ticket <= 0) return items[index];
  }
  return items[items.length - 1];
}

/** The whole turn: a chat.completion body, with logprobs when asked. */
export async function answerChatCompletion(
  body: WireBody,
  settings: ReferenceVisionSettings = DEFAULT_SETTINGS,
  modelName = 'reference-vision',
): Promise<ChatCompletionBody> {
  const request = await parseRequest(body);
  const decision = await decide(request, settings);
  // Sampling is seeded: by the request's seed, else by the conversation itself (same body, same reply).
  const conversation = JSON.stringify(body.messages ?? []);
  const random = createRng(
    hashSeed('reference-vision', request.seed ?? -1, conversation.length, conversation.slice(-4000)),
  ).next;
  const k = request.topLogprobs;
  const impression = draw(
    [
      { answer: 'abnormal', p: decision.presence },
      { answer: 'normal', p: 1 - decision.presence },
    ],
    0,
    random,
  );
  const think = `[${REFERENCE_LABEL}] ${decision.reasoning}.`;
  const tokens: WireLogprob[] = [
    certain('<think>'),
    uncertain(
      impression.answer,
      [
        { token: 'abnormal', p: Math.max(1e-6, decision.presence) },
        { token: 'normal', p: Math.max(1e-6, 1 - decision.presence) },
      ],
      k,
    ),
    certain(` ${think}</think>\n`),
  ];
  let content: string;
  let toolCalls: ChatCompletionBody['choices'][number]['message']['tool_calls'];
  if (decision.zoom) {
    const choice = draw(decision.zoom.alternatives, request.temperature, random);
    const args = { bbox_2d: choice.box, image_index: 0, label: 'most suspicious region' };
    if (request.zoomTool === 'native') {
      content = `<think>${impression.answer} ${think}</think>`;
      toolCalls = [
        {
          id: `call_${request.zoomsSoFar + 1}`,
          type: 'function',
          function: { name: ZOOM_TOOL_NAME, arguments: JSON.stringify(args) },
        },
      ];
    } else {
      content = `<think>${impression.answer} ${think}</think>\n<tool_call>${JSON.stringify({ name: ZOOM_TOOL_NAME, arguments: args })}</tool_call>`;
    }
    tokens.push(certain(`<tool_call>{"name": "${ZOOM_TOOL_NAME}", "arguments": {"bbox_2d": [`));
    for (let corner = 0; corner < 4; corner++) {
      const options = new Map<string, number>();
      for (const alternative of decision.zoom.alternatives) {
        const token = String(alternative.box[corner]);
        options.set(token, (options.get(token) ?? 0) + alternative.p);
      }
      tokens.push(
        uncertain(
          String(choice.box[corner]),
          [...options].map(([token, p]) => ({ token, p })),
          k,
        ),
      );
      if (corner < 3) tokens.push(certain(', '));
    }
    tokens.push(certain(']}}</tool_call>'));
  } else {
    const chosen = draw(decision.distribution, request.temperature, random);
    content = `<think>${impression.answer} ${think}</think>\n<answer>${chosen.answer}</answer>`;
    tokens.push(
      certain('<answer>'),
      uncertain(
        chosen.answer,
        decision.distribution.map((entry) => ({ token: entry.answer, p: entry.p })),
        k,
      ),
      certain('</answer>'),
    );
  }
  // A rough count: 4 characters of text per token, one token per 14×14 analysis patch of each image.
  const promptTokens =
    Math.ceil(
      (body.messages ?? []).map((message) => JSON.stringify(message.content ?? '').length).reduce((a, b) => a + b, 0) /
        4 /
        100,
    ) +
    request.views.length * Math.ceil((settings.resolution / 14) ** 2);
  const completionTokens = tokens.length;
  return {
    id: `refvis-${hashSeed(content, promptTokens).toString(16)}`,
    object: 'chat.completion',
    created: 0,
    model: modelName,
    choices: [
      {
        index: 0,
        finish_reason: toolCalls ? 'tool_calls' : 'stop',
        message: { role: 'assistant', content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        logprobs: request.logprobs ? { content: tokens, refusal: null } : null,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}
