// MIMIC-Ext-CXR-QBA file schemas (PhysioNet v1.0.0 documentation, as summarised in
// imaging-benchmarks.md §2). Unknown extra fields pass through; the fields scoring needs are typed.
import { z } from 'zod';

const stringList = z.array(z.string()).default([]);
const box = z.array(z.number()).length(4);

export const localizationSchema = z.record(
  z.string(),
  z
    .object({
      bboxes: z.array(box).default([]),
      localization_reference_ids: z.array(z.string()).optional(),
      instance_mask_ids: z.array(z.string()).optional(),
      is_fallback: z.boolean().default(false),
    })
    .passthrough(),
);

export interface QbaAnswer {
  answer_id: string;
  answer_type: 'main_answer' | 'details' | 'related_information';
  answer_level: number;
  text: string;
  name_tag?: string | null;
  laterality?: string | null;
  regions: string[];
  obs_entities: string[];
  obs_categories: string[];
  obs_subcategories: string[];
  certainty?: string | null;
  positiveness?: string | null;
  modifiers?: unknown;
  localization?: z.infer<typeof localizationSchema> | null;
  sub_answers: QbaAnswer[];
  from_report?: boolean;
  [key: string]: unknown;
}

export const answerSchema: z.ZodType<QbaAnswer> = z.lazy(() =>
  z
    .object({
      answer_id: z.string(),
      answer_type: z.enum(['main_answer', 'details', 'related_information']),
      answer_level: z.number().int().default(0),
      text: z.string(),
      name_tag: z.string().nullish(),
      laterality: z.string().nullish(),
      regions: stringList,
      obs_entities: stringList,
      obs_categories: stringList,
      obs_subcategories: stringList,
      certainty: z.string().nullish(),
      positiveness: z.string().nullish(),
      modifiers: z.unknown().optional(),
      localization: localizationSchema.nullish(),
      sub_answers: z.array(answerSchema).default([]),
      from_report: z.boolean().optional(),
    })
    .passthrough(),
) as z.ZodType<QbaAnswer>;

export const questionSchema = z
  .object({
    question_id: z.string(),
    question_type: z.string(),
    question_strategy: z.string().optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    obs_ids: z.array(z.string()).default([]),
    contains_report_answers: z.boolean().optional(),
    contains_template_answers: z.boolean().optional(),
    question: z.string().min(1),
    answers: z.array(answerSchema),
    question_quality: z.unknown().optional(),
  })
  .passthrough();

export type QbaQuestion = z.infer<typeof questionSchema>;

export const qaFileSchema = z
  .object({
    patient_id: z.union([z.string(), z.number()]).transform(String),
    study_id: z.union([z.string(), z.number()]).transform(String),
    questions: z.array(z.unknown()),
  })
  .passthrough();

const observationSchema = z
  .object({
    name: z.string(),
    summary_sentence: z.string().optional(),
    regions: z.array(z.unknown()).default([]),
    entities: stringList,
    categories: stringList,
    probability: z.unknown().optional(),
    certainty: z.string().nullish(),
    positiveness: z.string().nullish(),
    laterality: z.string().nullish(),
    modifiers: z.unknown().optional(),
    localization: localizationSchema.nullish(),
  })
  .passthrough();

export const sceneGraphSchema = z
  .object({
    patient_id: z.union([z.string(), z.number()]).transform(String).optional(),
    study_id: z.union([z.string(), z.number()]).transform(String).optional(),
    sentences: z.record(z.string(), z.unknown()).optional(),
    observations: z.record(z.string(), observationSchema),
    indication: z.unknown().optional(),
    regions: z.unknown().optional(),
    located_at_relations: z.unknown().optional(),
    obs_relations: z.unknown().optional(),
    obs_sent_relations: z.unknown().optional(),
    region_region_relations: z.unknown().optional(),
    study_quality: z.unknown().optional(),
    study_img_localization_quality: z.unknown().optional(),
  })
  .passthrough();

export type SceneGraph = z.infer<typeof sceneGraphSchema>;
