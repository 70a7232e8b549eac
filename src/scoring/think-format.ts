// R_format of R1-style rewards: the reply is <think>…</think> then <answer>…</answer> and nothing else
// (the `^<think>.*?</think>\s*<answer>.*?</answer>$` check of DeepSeek-R1-style GRPO recipes). Tool agents
// (MedVR, DeepEyes) may put <think>…</think> <tool_call>…</tool_call> turns before the final one.
const FINAL = /^\s*<think>[\s\S]*?<\/think>\s*<answer>[\s\S]*?<\/answer>\s*$/;
const TOOL_TURN = /^\s*<think>[\s\S]*?<\/think>\s*<tool_call>[\s\S]*?<\/tool_call>\s*/;

/** 1 when the text is well formed (with `toolTurns`, any number of think + tool_call turns first), else 0. */
export function thinkAnswerFormat(text: string, toolTurns = false): 0 | 1 {
  let rest = text;
  if (toolTurns) {
    for (let match = TOOL_TURN.exec(rest); match; match = TOOL_TURN.exec(rest)) rest = rest.slice(match[0].length);
  }
  if (!FINAL.test(rest)) return 0;
  const answers = rest.match(/<answer>/g)?.length ?? 0;
  const thinks = rest.match(/<think>/g)?.length ?? 0;
  return answers === 1 && thinks === 1 ? 1 : 0;
}
