// A dataset row becomes a Sample: the prompt template filled from the row ({{field}}, logic-less
// Mustache, no HTML escaping: the text goes to a model, not a browser), images as path parts,
// options, target and metadata. Every problem names the data file, line and field.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Mustache from 'mustache';
import {
  choiceLetter,
  imageFromPath,
  mediaTypeForPath,
  SampleFormatError,
  textPart,
  userMessage,
  type ImagePart,
  type JsonObject,
  type JsonValue,
  type Sample,
} from '../core/index.js';
import type { DataRow } from './rows.js';
import { rubricItemsSchema, type TaskFile } from './schema.js';
import type { YamlSource } from './yaml-source.js';

type TemplateSpans = ReturnType<typeof Mustache.parse>;

/** Names a template must find in every row: {{x}} and {{{x}}} outside sections ({{#x}} may be absent). */
export function requiredNames(spans: TemplateSpans): string[] {
  const names = new Set<string>();
  for (const span of spans) if ((span[0] === 'name' || span[0] === '&') && span[1] !== '.') names.add(span[1]);
  return [...names];
}

/** Every name a template uses, sections included (to check that it shows the options). */
export function allNames(spans: TemplateSpans): string[] {
  const names: string[] = [];
  for (const span of spans) {
    if (span[0] === 'name' || span[0] === '&' || span[0] === '#' || span[0] === '^') names.push(span[1]);
    if (Array.isArray(span[4])) names.push(...allNames(span[4] as TemplateSpans));
  }
  return names;
}

/** Parses a template of the task file; a syntax error names the task file line. */
export function parseTemplate(template: string, source: YamlSource, at: (string | number)[]): TemplateSpans {
  try {
    return Mustache.parse(template);
  } catch (error) {
    throw source.error(at, `template: ${(error as Error).message}`);
  }
}

export const renderTemplate = (template: string, view: object): string =>
  Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) });

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export type SampleBuilder = (row: DataRow, args: JsonObject) => Sample;

/** The row → Sample mapping of a task file (checked once; applied to each row). */
export function sampleBuilder(task: TaskFile, source: YamlSource, imageFolder: string): SampleBuilder {
  const prompt = parseTemplate(task.prompt, source, ['prompt']);
  const required = requiredNames(prompt);
  const choiceFields = asList(task.choices);
  const imageFields = asList(task.images);
  const targetField = task.target ?? 'target';
  const needsTarget = task.scorers.some((entry) => scorerKindOf(entry) !== 'rubric');
  const rubricFields = task.scorers
    .filter((entry) => scorerKindOf(entry) === 'rubric')
    .map((entry) => ((entry as Record<string, { field?: string } | null>).rubric?.field ?? 'rubrics') as string);
  const declaredArgs = Object.keys(task.args ?? {});
  for (const name of required) {
    const [head, key] = name.split('.');
    if (head === 'args' && (key === undefined || !declaredArgs.includes(key)))
      throw source.error(
        ['prompt'],
        `{{${name}}} names no declared arg (declared: ${declaredArgs.join(', ') || 'none'})`,
      );
  }
  if (choiceFields.length > 0) {
    const used = allNames(prompt).map((name) => name.split('.')[0]);
    if (!used.includes('choices') && !choiceFields.some((field) => used.includes(field)))
      throw source.error(
        ['prompt'],
        'the task has choices but the prompt does not show them; add {{choices}} (the lettered list)',
      );
  }
  const seenIds = new Map<string, number>();

  return (row, args) => {
    const { fields, at } = row;
    const fail = (field: string, problem: string) => new SampleFormatError(at.file, at.line, field, problem);
    const fieldNames = () => Object.keys(fields).join(', ') || 'none';
    for (const name of required) {
      const head = name.split('.')[0]!;
      if (head === 'args' || (head === 'choices' && choiceFields.length > 0)) continue;
      if (fields[head] === undefined)
        throw fail(head, `the prompt uses {{${name}}} but this row has no '${head}' (it has: ${fieldNames()})`);
    }

    let choices: string[] | undefined;
    if (choiceFields.length === 1) {
      const value = fields[choiceFields[0]!];
      if (
        !Array.isArray(value) ||
        value.length < 2 ||
        !value.every((option) => typeof option === 'string' && option !== '')
      )
        throw fail(choiceFields[0]!, 'must be a list of at least two non-empty option texts');
      choices = value as string[];
    } else if (choiceFields.length > 1) {
      choices = choiceFields.map((field) => {
        const value = fields[field];
        if (typeof value !== 'string' && typeof value !== 'number') throw fail(field, 'must hold an option text');
        return String(value);
      });
    }

    const view: Record<string, unknown> = { ...fields, args };
    if (choices) view.choices = choices.map((option, index) => `${choiceLetter(index)}. ${option}`).join('\n');
    const text = renderTemplate(task.prompt, view);

    const images: ImagePart[] = [];
    for (const field of imageFields) {
      const value = fields[field];
      const paths = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
      if (!paths || paths.length === 0 || !paths.every((path) => typeof path === 'string' && path !== ''))
        throw fail(field, 'must hold an image path or a list of image paths');
      for (const path of paths as string[]) {
        const absolute = resolve(imageFolder, path);
        if (!existsSync(absolute)) throw fail(field, `image '${path}' not found (looked for ${absolute})`);
        try {
          images.push(imageFromPath(absolute, mediaTypeForPath(absolute)));
        } catch (error) {
          throw fail(field, (error as Error).message);
        }
      }
    }

    if (needsTarget && fields[targetField] === undefined)
      throw fail(targetField, `no reference answer in this row (it has: ${fieldNames()}); name the field with target:`);
    for (const field of rubricFields) {
      const parsed = rubricItemsSchema.safeParse(fields[field]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw fail([field, ...issue.path.map(String)].join('.'), issue.message);
      }
    }

    const idValue = task.id ? fields[task.id] : fields.id;
    if (task.id && (idValue === undefined || idValue === '')) throw fail(task.id, 'no sample id in this row');
    const id = idValue === undefined ? `line-${at.line}` : String(idValue);
    const first = seenIds.get(id);
    if (first !== undefined) throw fail(task.id ?? 'id', `id '${id}' is used again (first at line ${first})`);
    seenIds.set(id, at.line);

    // Group keys and rubrics are read from metadata, so they are kept even when `metadata:` leaves them out.
    const keptFields = task.metadata && [...new Set([...task.metadata, ...(task.groupBy ?? []), ...rubricFields])];
    const kept = keptFields ? Object.fromEntries(keptFields.map((field) => [field, fields[field] ?? null])) : fields;
    const metadata = { ...(kept as JsonObject), source: `${at.file}:${at.line}` };
    return {
      id,
      input: images.length ? [userMessage([...images, textPart(text)])] : text,
      target: (fields[targetField] ?? null) as JsonValue,
      ...(choices ? { choices } : {}),
      metadata,
    };
  };
}

/** The catalogue name of a scorer entry ('exact' or {regex: {...}}), or undefined when malformed. */
export function scorerKindOf(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && !Array.isArray(entry) && Object.keys(entry).length === 1)
    return Object.keys(entry)[0];
  return undefined;
}
