// VGMED items a user supplies (VGMED_localization.jsonl, VGMED_attribute.jsonl, and the COCO
// control files), one per line: {"image": "<relative path>", "question": "...", "bbox" |
// "original_bboxes": [[...], ...]}. Box format as upstream's measure_attention.py decides it
// (`uses_xyxy_bbox(dataset, image_name)`): xyxy only for the VGMED files and an `image` path that does
// not start with "Slake"; COCO files (xywh, as COCO annotations are) and VGMED rows whose relative
// `image` path starts with "Slake" are xywh. The loader records the format in metadata.box_format. Boxes are validated against the image size (read from the file header):
// swapped corners, boxes outside the image and missing image files are SampleFormatErrors naming
// the file, line and field.
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import {
  SampleFormatError,
  defineLoader,
  imageFromPath,
  mediaTypeForPath,
  parseWithSchema,
  readJsonLines,
  textPart,
  userMessage,
  type JsonObject,
  type ReadOptions,
  type Sample,
} from '../../core/index.js';
import { parseBox, PIXEL_XYWH, PIXEL_XYXY, type Box } from '../../imaging/boxes.js';
import { imageInfo } from '../../imaging/image.js';

/** The paper's query prompt suffix (the attention of the last token is read after it). */
export const ANSWER_INSTRUCTION = 'Answer the question using a single word or phrase.';

const boxList = z.union([
  z.array(z.array(z.number()).length(4)).min(1),
  z
    .array(z.number())
    .length(4)
    .transform((box) => [box]),
]);

export const vgmedRow = z
  .object({
    image: z.string().min(1),
    question: z.string().min(1),
    bbox: boxList.optional(),
    original_bboxes: boxList.optional(),
    id: z.union([z.string(), z.number()]).optional(),
    question_id: z.union([z.string(), z.number()]).optional(),
    answer: z.string().optional(),
    type: z.enum(['localization', 'attribute']).optional(),
  })
  .passthrough()
  .refine((row) => row.bbox !== undefined || row.original_bboxes !== undefined, {
    message: 'needs bbox or original_bboxes',
    path: ['bbox'],
  });

export type VgmedRow = z.infer<typeof vgmedRow>;

export type VgmedDataset = 'VGMED' | 'COCO';

/**
 * Which upstream `--dataset` a file belongs to: upstream reads `COCO_{q_type}.jsonl` for COCO and
 * `VGMED_{q_type}.jsonl` for VGMED, so a file name starting with "COCO" is the COCO control set.
 */
export function datasetOfFile(file: string): VgmedDataset {
  return basename(file).startsWith('COCO') ? 'COCO' : 'VGMED';
}

/**
 * Upstream `uses_xyxy_bbox`: `dataset == "VGMED" and not image_name.startswith("Slake")`, where
 * image_name is the row's `image` as written (a relative path such as "Slake/xmlab1/source.jpg"),
 * not its base name. Everything else (COCO, Slake) is xywh.
 */
export function boxFormatFor(image: string, dataset: VgmedDataset = 'VGMED'): 'xyxy' | 'xywh' {
  return dataset === 'VGMED' && !image.startsWith('Slake') ? 'xyxy' : 'xywh';
}

export interface VgmedTarget extends JsonObject {
  boxes: number[][];
  width: number;
  height: number;
}

export function vgmedSample(
  row: VgmedRow,
  at: { file: string; line: number },
  imagePath: string,
  size: { width: number; height: number },
  questionType: string,
): Sample {
  const dataset = datasetOfFile(at.file);
  const format = boxFormatFor(row.image, dataset);
  const field = row.original_bboxes !== undefined ? 'original_bboxes' : 'bbox';
  const raw = (row.original_bboxes ?? row.bbox)!;
  const boxes: Box[] = raw.map((values, index) => {
    try {
      return parseBox(values, format === 'xywh' ? PIXEL_XYWH : PIXEL_XYXY, size, { where: `${field}[${index}]` });
    } catch (error) {
      throw new SampleFormatError(
        at.file,
        at.line,
        `${field}[${index}]`,
        `${(error as Error).message.replace(/^[^:]*: /, '')} (${format}, image ${imagePath})`,
      );
    }
  });
  const id = String(row.id ?? row.question_id ?? `${basename(at.file).replace(/\.jsonl$/, '')}-${at.line}`);
  const target: VgmedTarget = {
    boxes: boxes.map((box) => [box.x1, box.y1, box.x2, box.y2]),
    width: size.width,
    height: size.height,
  };
  return {
    id,
    input: [
      userMessage([
        imageFromPath(imagePath, mediaTypeForPath(imagePath), basename(imagePath)),
        textPart(`${row.question}\n${ANSWER_INSTRUCTION}`),
      ]),
    ],
    target,
    files: { image: imagePath },
    metadata: {
      question: row.question,
      question_type: questionType,
      image: imagePath,
      width: size.width,
      height: size.height,
      box_format: format,
      dataset,
      ...(row.answer !== undefined ? { answer: row.answer } : {}),
      source: `${at.file}:${at.line}`,
    },
  };
}

const questionTypeOf = (file: string, row: VgmedRow): string =>
  row.type ??
  (/attribute/i.test(basename(file))
    ? 'attribute'
    : /locali[sz]ation/i.test(basename(file))
      ? 'localization'
      : 'unknown');

/** Streams a VGMED JSONL file; images are relative to `imagesDir` (default: the file's folder). */
export async function* loadVgmed(
  file: string,
  options: ReadOptions & { imagesDir?: string } = {},
): AsyncGenerator<Sample> {
  const root = options.imagesDir ?? dirname(file);
  for await (const { value, at } of readJsonLines(file, options)) {
    try {
      const row = parseWithSchema(vgmedRow, value, at);
      const imagePath = isAbsolute(row.image) ? row.image : resolve(root, row.image);
      let size;
      try {
        size = await imageInfo(imagePath);
        mediaTypeForPath(imagePath);
      } catch (error) {
        throw new SampleFormatError(at.file, at.line, 'image', (error as Error).message);
      }
      yield vgmedSample(row, at, imagePath, size, questionTypeOf(file, row));
    } catch (error) {
      if (!(error instanceof SampleFormatError) || !options.lenient) throw error;
      options.onError?.(error);
    }
  }
}

export const vgmedLoader = defineLoader({
  name: 'vgmed',
  description:
    'VGMED JSONL ({image, question, bbox | original_bboxes}); xyxy pixels, except COCO_* files and image paths starting with Slake (xywh, as upstream); images relative to the file',
  load: (path, options) => loadVgmed(path, options),
  splitOf: (sample) => String(sample.metadata?.question_type ?? 'unknown'),
});
