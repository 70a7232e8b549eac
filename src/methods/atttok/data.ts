// Classification data for AttTok: one JSONL row per image, read and validated here for both the evaluation
// and the trainer export. Relative image paths are resolved against the file's folder.
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseWithSchema, readJsonLines, SampleFormatError } from '../../core/index.js';
import { type AttributeEntry, type AttributeRegistry, findAttribute } from './attributes.js';

export const classificationRowSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  image: z.string().min(1),
  /** A token (`<|fundus_milddr|>`), a `modality_concept` name, a keyword or a synonym. */
  label: z.string().min(1),
  question: z.string().min(1).optional(),
  /** Closed questions list the options (keywords); open questions have none. */
  choices: z.array(z.string().min(1)).min(2).optional(),
  answer_type: z.enum(['open', 'closed']).optional(),
});

export interface ClassificationItem {
  id: string;
  image: string;
  attribute: AttributeEntry;
  question: string;
  choices?: string[];
  answerType: 'open' | 'closed';
  line: number;
}

export const DEFAULT_OPEN_QUESTION = 'What is the diagnosis shown in this image?';

export async function* readClassificationItems(
  file: string,
  registry: AttributeRegistry,
  options: { lenient?: boolean; onError?: (error: SampleFormatError) => void } = {},
): AsyncGenerator<ClassificationItem> {
  const folder = dirname(file);
  for await (const { value, at } of readJsonLines(file, options)) {
    try {
      const row = parseWithSchema(classificationRowSchema, value, at);
      const attribute = findAttribute(registry, row.label);
      if (!attribute) {
        throw new SampleFormatError(file, at.line, 'label', `"${row.label}" is not a registered attribute`);
      }
      if (row.answer_type === 'closed' && !row.choices) {
        throw new SampleFormatError(file, at.line, 'choices', 'a closed question needs choices');
      }
      if (row.choices && !row.choices.some((choice) => findAttribute(registry, choice) === attribute)) {
        throw new SampleFormatError(file, at.line, 'choices', `no choice names the label ${attribute.keyword}`);
      }
      const answerType = row.answer_type ?? (row.choices ? 'closed' : 'open');
      yield {
        id: row.id,
        image: isAbsolute(row.image) ? row.image : resolve(folder, row.image),
        attribute,
        question: row.question ?? DEFAULT_OPEN_QUESTION,
        choices: answerType === 'closed' ? row.choices : undefined,
        answerType,
        line: at.line,
      };
    } catch (error) {
      if (!(error instanceof SampleFormatError) || !options.lenient) throw error;
      options.onError?.(error);
    }
  }
}
