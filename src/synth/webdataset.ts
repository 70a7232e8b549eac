// BIOMEDICA WebDataset shards, read as MedVLSynther reads them (synthesis/curate_data_json_mp_wholeset.py,
// process_tar): every `<key>.json` member with its `<key>.jpg` (the .jpg is the only image member read).
// Streamed with tar-stream member by member: a shard is never unpacked whole; each image is written to
// `imageDir` as it passes. Members of one WebDataset sample are adjacent, so one sample is buffered at most.
// Bad members (JSON that does not parse, no image_cluster_id or caption, a missing or non-JPEG image) and
// a corrupt archive are reported through onError with shard and member, and the run goes on.
// Multi-image groups (upstream's discover_groups_by_category): images of one article with an identical
// caption are one figure of up to 6 images; a larger group is skipped, as upstream skips it. Streaming
// groups the records of one article that follow each other in the shard (upstream indexes every shard
// first): an article whose records are spread over the shard forms several groups (documented deviation).
import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { extract } from 'tar-stream';
import { type Figure, MAX_IMAGES_PER_FIGURE } from './figures.js';

export class ShardError extends Error {}

interface Pending {
  key: string;
  json?: { member: string; bytes: Buffer };
  jpg?: Buffer;
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];

export interface BiomedicaRecord {
  id: string;
  caption: string;
  mentions: string[];
  modality?: string;
  /** article_accession_id, else pmid, else '' (no grouping). */
  article: string;
  labels: { primary: string[]; secondary: string[] };
}

/** A curation filter on a record's labels, applied before grouping (as upstream); false drops the image. */
export type RecordFilter = (labels: BiomedicaRecord['labels']) => boolean;

/** One BIOMEDICA record → its fields, or a ShardError saying why it is skipped. */
export function biomedicaFigure(record: Record<string, unknown>): BiomedicaRecord {
  const id = record.image_cluster_id;
  if (typeof id !== 'string' || !id) throw new ShardError('image_cluster_id: missing (upstream skips such records)');
  const set = Array.isArray(record.image_set) ? (record.image_set as Array<Record<string, unknown>>) : [];
  const caption = set.find((entry) => entry?.image_id === id)?.caption;
  // upstream's normalize_caption: stripped, and "no caption found" in any case counts as missing
  if (typeof caption !== 'string' || !caption.trim() || caption.trim().toLowerCase() === 'no caption found')
    throw new ShardError(`image_set: no caption for image_id ${id}`);
  const contexts = Array.isArray(record.image_context) ? record.image_context : [record.image_context];
  const mentions: string[] = [];
  for (const context of contexts)
    if (context && typeof context === 'object') mentions.push(...asList((context as Record<string, unknown>)[id]));
  const secondary = asList(record.image_secondary_label).map((label) => label.toLowerCase());
  const primary = asList(record.image_primary_label).map((label) => label.toLowerCase());
  const article = record.article_accession_id || record.pmid || '';
  return {
    id,
    caption: caption.trim(),
    mentions,
    modality: secondary[0] ?? primary[0],
    article: String(article),
    labels: { primary, secondary },
  };
}

interface Group {
  keys: string[];
  images: string[];
  record: BiomedicaRecord;
  mentions: string[];
  primary: Set<string>;
  secondary: Set<string>;
}

/** Collects the consecutive records of one article into caption groups. */
class ArticleGrouper {
  private article: string | undefined;
  private groups = new Map<string, Group>();
  constructor(
    private readonly shard: string,
    private readonly onError: (error: Error) => void,
  ) {}
  /** Adds a record; returns the figures of the previous article when this one starts another. */
  add(key: string, image: string, record: BiomedicaRecord): Figure[] {
    const done = record.article !== this.article || !record.article ? this.flush() : [];
    this.article = record.article;
    const groupKey = record.article ? record.caption : `\u0000${key}`;
    let group = this.groups.get(groupKey);
    if (!group) {
      group = { keys: [], images: [], record, mentions: [], primary: new Set(), secondary: new Set() };
      this.groups.set(groupKey, group);
    }
    group.keys.push(key);
    group.images.push(image);
    for (const mention of record.mentions) if (!group.mentions.includes(mention)) group.mentions.push(mention);
    for (const label of record.labels.primary) group.primary.add(label);
    for (const label of record.labels.secondary) group.secondary.add(label);
    return done;
  }
  flush(): Figure[] {
    const figures: Figure[] = [];
    for (const group of this.groups.values()) {
      if (group.images.length > MAX_IMAGES_PER_FIGURE) {
        this.onError(
          new ShardError(
            `${this.shard}: ${group.keys.join(', ')}: ${group.images.length} images of article ${group.record.article} share one caption; upstream skips groups above ${MAX_IMAGES_PER_FIGURE}`,
          ),
        );
        for (const image of group.images) rmSync(image, { force: true });
        continue;
      }
      figures.push({
        key: group.keys.join('+'),
        images: group.images,
        caption: group.record.caption,
        mentions: group.mentions,
        modality: group.record.modality,
        labels: { primary: [...group.primary], secondary: [...group.secondary] },
      });
    }
    this.groups.clear();
    this.article = undefined;
    return figures;
  }
}

export async function* webDatasetFigures(
  shards: string[],
  imageDir: string,
  onError: (error: Error) => void,
  allow?: RecordFilter,
): AsyncGenerator<Figure> {
  mkdirSync(imageDir, { recursive: true });
  for (const shard of shards) {
    const name = basename(shard, '.tar');
    const grouper = new ArticleGrouper(shard, onError);
    /** A finished sample: its image written and added to its article's groups; returns figures done. */
    const finish = (pending: Pending | undefined): Figure[] => {
      if (!pending?.json) return [];
      const where = `${shard}: ${pending.json.member}`;
      try {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(pending.json.bytes.toString('utf8')) as Record<string, unknown>;
        } catch (error) {
          throw new ShardError(`is not JSON (${(error as Error).message})`);
        }
        const figure = biomedicaFigure(record);
        if (allow && !allow(figure.labels)) return []; // curated out: the filter counts it
        if (!pending.jpg) throw new ShardError(`no ${pending.key}.jpg member beside it`);
        if (!(pending.jpg[0] === 0xff && pending.jpg[1] === 0xd8 && pending.jpg[2] === 0xff))
          throw new ShardError(`${pending.key}.jpg is not a JPEG (bad magic bytes)`);
        const image = join(imageDir, `${name}-${pending.key.replace(/[^\w.-]+/g, '_')}.jpg`);
        writeFileSync(image, pending.jpg);
        return grouper.add(`${name}/${pending.key}`, image, figure);
      } catch (error) {
        onError(new ShardError(`${where}: ${(error as Error).message}`));
        return [];
      }
    };
    let pending: Pending | undefined;
    try {
      const parser = extract();
      createReadStream(shard)
        .on('error', (error) => parser.destroy(error))
        .pipe(parser);
      for await (const entry of parser) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        if (entry.header.type !== 'file') continue;
        const member = entry.header.name;
        const file = member.slice(member.lastIndexOf('/') + 1);
        const dot = file.indexOf('.');
        if (dot <= 0) continue;
        const key = member.slice(0, member.length - file.length) + file.slice(0, dot);
        const extension = file.slice(dot + 1).toLowerCase();
        if (pending && pending.key !== key) {
          yield* finish(pending);
          pending = undefined;
        }
        pending ??= { key };
        if (extension === 'json') pending.json = { member, bytes: Buffer.concat(chunks) };
        else if (extension === 'jpg') pending.jpg = Buffer.concat(chunks);
      }
      yield* finish(pending);
    } catch (error) {
      onError(
        new ShardError(`${shard}: not a readable tar archive (${(error as Error).message}); rest of shard skipped`),
      );
    }
    yield* grouper.flush();
  }
}
