// Artefacts for AttTok's released training (LoRA SFT of Qwen2.5-VL with attribute tokens added): the token
// list, the special tokens to add, JSON samples, and the PEFT LoRA and trainer settings of the release.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ConfigError } from '../../core/index.js';
import type { AttributeRegistry } from './attributes.js';
import { readTokenizer } from './constrain.js';
import { readClassificationItems } from './data.js';
import { formatTarget } from './format.js';

/** Released LoRA: r 16, α 32, dropout 0.05 on the language model's q/k/v/o/gate/up/down projections. */
export const ATTTOK_LORA_CONFIG = {
  peft_type: 'LORA',
  task_type: 'CAUSAL_LM',
  r: 16,
  lora_alpha: 32,
  lora_dropout: 0.05,
  bias: 'none',
  // A regex, not a list: Qwen2.5-VL's vision tower also has gate/up/down_proj, and the release excludes it.
  target_modules: '^(?!.*visual).*\\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)$',
};

/** Released trainer settings (train_att_singlegpu.py): NTP loss only. */
export const ATTTOK_TRAINING_ARGS = {
  base_model: 'Qwen/Qwen2.5-VL-7B-Instruct',
  optim: 'adamw_torch',
  learning_rate: 1e-4,
  num_train_epochs: 10,
  per_device_train_batch_size: 5,
  warmup_ratio: 0.05,
  bf16: true,
  loss: 'next-token prediction on the assistant turn (attribute block + label text)',
};

/** Qwen2.5-VL's padded embedding matrix: added tokens must fit, since the release never resizes it. */
export const QWEN25_VL_EMBEDDING_ROWS = 151_936;

export interface ExportOptions {
  /** Classification JSONL to turn into training samples (optional: the token files are written anyway). */
  data?: string;
  /** The base model's tokenizer.json, to assign the ids the added tokens will get. */
  tokenizer?: string;
  embeddingRows?: number;
}

export interface ExportResult {
  files: string[];
  samples: number;
  notes: string[];
}

export async function exportAtttok(registry: AttributeRegistry, out: string, options: ExportOptions = {}) {
  await mkdir(out, { recursive: true });
  const files: string[] = [];
  const notes: string[] = [];
  const write = async (name: string, content: string) => {
    await writeFile(join(out, name), content);
    files.push(join(out, name));
  };
  await write('attribute_list.txt', `${registry.entries.map((entry) => entry.token).join('\n')}\n`);
  await write(
    'special_tokens.json',
    `${JSON.stringify({ additional_special_tokens: registry.specialTokens }, null, 2)}\n`,
  );
  await write(
    'attributes.json',
    `${JSON.stringify(
      registry.entries.map(({ modality, concept, token, keyword, synonyms }) => ({
        modality,
        concept,
        token,
        keyword,
        synonyms,
      })),
      null,
      2,
    )}\n`,
  );
  if (options.tokenizer) {
    const tokenizer = readTokenizer(options.tokenizer);
    const vocab = tokenizer.get_vocab(true);
    let next = Math.max(-1, ...vocab.values()) + 1;
    const added: Record<string, number> = {};
    for (const token of registry.specialTokens) added[token] = vocab.get(token) ?? next++;
    const rows = options.embeddingRows ?? QWEN25_VL_EMBEDDING_ROWS;
    if (next > rows) {
      throw new ConfigError(
        `${options.tokenizer}: the added tokens need ids up to ${next - 1}, beyond ${rows} embedding rows`,
      );
    }
    await write('added_tokens.json', `${JSON.stringify(added, null, 2)}\n`);
    notes.push(
      `added token ids ${Math.min(...Object.values(added))}–${Math.max(...Object.values(added))} (< ${rows} rows)`,
    );
  }
  await write('lora_config.json', `${JSON.stringify(ATTTOK_LORA_CONFIG, null, 2)}\n`);
  await write('training_args.json', `${JSON.stringify(ATTTOK_TRAINING_ARGS, null, 2)}\n`);
  let samples = 0;
  if (options.data) {
    const rows: object[] = [];
    for await (const item of readClassificationItems(options.data, registry)) {
      const input = item.choices ? `${item.question}\nOptions: ${item.choices.join(', ')}` : item.question;
      rows.push({
        id: item.id,
        img_path: relative(out, item.image),
        input: `<image>\n${input}`,
        output: formatTarget(item.attribute),
        answer_type: item.answerType === 'closed' ? 'CLOSED' : 'OPEN',
      });
    }
    samples = rows.length;
    await write('samples.json', `${JSON.stringify(rows, null, 1)}\n`);
  }
  return { files, samples, notes } satisfies ExportResult;
}
