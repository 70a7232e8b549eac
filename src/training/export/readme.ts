// The README.md an export folder carries: what each key holds, and the commands that train on it with the
// same reward `medkit eval` reports (reward server + generated shim).
import type { JsonObject } from '../../core/index.js';
import type { ExportFormat, ExportPlan, ExportRow } from './export.js';

const argFlags = (args: JsonObject) =>
  Object.entries(args)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => ` --arg ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('');

const KEYS: Record<ExportFormat, string> = {
  verl: `\`train.parquet\` (verl RLHFDataset): \`data_source\`, \`prompt\` (list of {role, content}; an image is the
\`<image>\` placeholder), \`images\` (list of {image: path}, when the prompts have images), \`ability\`,
\`reward_model\` {style: "rule", ground_truth: JSON text}, \`extra_info\` {index, id, split, group, group_size, tools
(OpenAI function tools, JSON text), env (JSON text), provenance (JSON text)}. The shim reads \`group\`/\`group_size\`
from extra_info, so a group reward gets one prompt's \`rollout.n\` responses together (BatchRewardManager).`,
  trl: `\`train.jsonl\` (TRL GRPOTrainer, conversational): \`prompt\` (messages; content with images is a list of
{type: "image"} / {type: "text", text} parts), \`images\` (paths; cast with \`datasets.Sequence(datasets.Image())\`),
\`ground_truth\` (JSON text), \`group\`/\`group_size\` for group rewards, \`medkit_tools\`, \`medkit_env\`,
\`medkit_provenance\`, \`id\`, \`data_source\`. Every column reaches reward functions as a keyword list.`,
  openrlhf: `\`train.jsonl\` (OpenRLHF): \`input\` (messages; use \`--input_key input --label_key label
--apply_chat_template\`), \`label\` (the ground truth as JSON text; the reward server parses it), \`datasource\`,
\`images\`, \`medkit_tools\`, \`medkit_env\`, \`medkit_provenance\`, \`id\`.`,
  'ms-swift': `\`train.jsonl\` (ms-swift): \`messages\` (an image is the \`<image>\` tag), \`images\` (paths), \`tools\`
(JSON text of OpenAI function tools, when the agent has tools), \`ground_truth\` (JSON text; reaches an ORM plugin as a
keyword), \`medkit_env\`, \`medkit_provenance\`, \`id\`, \`data_source\`.`,
  hf: `\`data/train-00000-of-00001.parquet\` (\`datasets.load_dataset("parquet", data_dir=...)\`): \`id\`,
\`data_source\`, \`prompt\` (list of {role, content}, \`<image>\` placeholders), \`images\` (paths), \`ground_truth\`
(JSON text), \`reward\`, \`group\`, \`group_size\`, \`tools\`, \`env\`, \`provenance\` (JSON text).`,
};

const TRAIN: Partial<Record<ExportFormat, (reward: string) => string>> = {
  verl: () => `npx medkit reward shim --for verl --out medkit_reward_verl.py
python3 -m verl.trainer.main_ppo data.train_files=$PWD/train.parquet \\
  reward.custom_reward_function.path=$PWD/medkit_reward_verl.py reward.custom_reward_function.name=compute_score \\
  reward.reward_manager.name=batch ...
# verl < 0.7: custom_reward_function.path=... custom_reward_function.name=compute_score reward_model.reward_manager=batch`,
  trl: () => `npx medkit reward shim --for trl --out medkit_reward_trl.py
# GRPOTrainer(reward_funcs=[medkit_reward_trl.medkit_reward], train_dataset=load_dataset("json", data_files="train.jsonl")["train"], ...)`,
  openrlhf:
    () => `python3 -m openrlhf.cli.train_ppo_ray --prompt_data $PWD/train.jsonl --input_key input --label_key label \\
  --apply_chat_template --remote_rm_url http://127.0.0.1:8790/get_reward ...`,
};

export function exportReadme(format: ExportFormat, plan: ExportPlan, manifest: JsonObject, first: ExportRow): string {
  const reward = plan.reward;
  const serve = reward
    ? `npx medkit reward serve --reward ${reward.name}${argFlags(plan.rewardArgs)} --port 8790`
    : '(no reward declared: the ground truth is the sample target)';
  const train = TRAIN[format]?.(reward?.name ?? '') ?? '';
  return `# medkit export: ${plan.benchmark.name} (${manifest.rows} prompts, ${format})

Written by \`medkit export\` (medkit ${String(first.provenance.medkit)}); \`medkit-export.json\` records the source,
arguments, solver, reward and notes. Each prompt is the first request \`medkit eval\` sends with solver
\`${plan.solverName}\` (same template, system prompt and tools; images as files under \`images/\`, by absolute path:
export again after moving the folder). A task's hidden instruction is never in a prompt.

## Keys

${KEYS[format]}

Reward: ${reward ? `\`${reward.name}\` (${reward.kind}; a rollout whose reward fails gets ${reward.fallback} and an error entry)` : 'none'}.
${reward?.kind === 'group' ? `Group reward: every rollout of a prompt carries \`group\` (the sample id) and \`group_size\` ${String(manifest.group_size)}; the server refuses an incomplete group.\n` : ''}${
  first.env
    ? `\nTool environment (multi-turn trainers): \`env/*.sqlite\` (the task database), \`env/*.sql\` (its schema), \`tools.json\`
(the tools the agent is offered, as medkit offers them). The reward re-runs the rollout's SQL: send the executed
queries as \`extra.queries\` (the shim's \`medkit_extra\`).\n`
    : ''
}
## Train with the same reward

\`\`\`sh
${serve}
${train}
\`\`\`
${plan.notes.length ? `\n## Notes\n\n${plan.notes.map((note) => `- ${note}`).join('\n')}\n` : ''}`;
}
