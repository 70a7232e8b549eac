// BIOMEDICA WebDataset shards, read as MedVLSynther reads them (synthesis/curate_data_json_mp_wholeset.py,
// process_tar): every `<key>.json` member with its `<key>.jpg` (the .jpg is the only image member read).
// Streamed with tar-stream member by member: a shard is never unpacked whole; each image is written to
// `imageDir` as it passes. Members of one WebDataset sample are adjacent, so one sample is buffered at most.
// Bad members (JSON that does not parse, no image_cluster_id or caption, a missing or non-JPEG image) and
// a corrupt archive are reported through onError with shard and member, and the run goes on.
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { extract } from 'tar-stream';
import type { Figure } from './figures.js';

export class ShardError extends Error {}

interface Pending {
  key: string;
  json?: { member: string; bytes: Buffer };
  jpg?: Buffer;
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];

/** One BIOMEDICA record → a figure, or a reason it is skipped. */
export function biomedicaFigure(record: Record<string, unknown>): Omit<Figure, 'images' | 'key'> & { id: string } {
  const id = record.image_cluster_id;
  if (typeof id !== 'string' || !id) throw new ShardError('image_cluster_id: missing (upstream skips such records)');
  const set = Array.isArray(record.image_set) ? (record.image_set as Array<Record<string, unknown>>) : [];
  const caption = set.find((entry) => entry?.image_id === id)?.caption;
  if (typeof caption !== 'string' || !caption.trim() || caption === 'No caption found')
    throw new ShardError(`image_set: no caption for image_id ${id}`);
  const contexts = Array.isArray(record.image_context) ? record.image_context : [record.image_context];
  const mentions: string[] = [];
  for (const context of contexts)
    if (context && typeof context === 'object') mentions.push(...asList((context as Record<string, unknown>)[id]));
  const secondary = asList(record.image_secondary_label).map((label) => label.toLowerCase());
  const primary = asList(record.image_primary_label).map((label) => label.toLowerCase());
  return { id, caption, mentions, modality: secondary[0] ?? primary[0] };
}

export async function* webDatasetFigures(
  shards: string[],
  imageDir: string,
  onError: (error: Error) => void,
): AsyncGenerator<Figure> {
  mkdirSync(imageDir, { recursive: true });
  for (const shard of shards) {
    const name = basename(shard, '.tar');
    const finish = (pending: Pending | undefined): Figure | undefined => {
      if (!pending?.json) return undefined;
      const where = `${shard}: ${pending.json.member}`;
      try {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(pending.json.bytes.toString('utf8')) as Record<string, unknown>;
        } catch (error) {
          throw new ShardError(`is not JSON (${(error as Error).message})`);
        }
        const figure = biomedicaFigure(record);
        if (!pending.jpg) throw new ShardError(`no ${pending.key}.jpg member beside it`);
        if (!(pending.jpg[0] === 0xff && pending.jpg[1] === 0xd8 && pending.jpg[2] === 0xff))
          throw new ShardError(`${pending.key}.jpg is not a JPEG (bad magic bytes)`);
        const image = join(imageDir, `${name}-${pending.key.replace(/[^\w.-]+/g, '_')}.jpg`);
        writeFileSync(image, pending.jpg);
        return { key: `${name}/${pending.key}`, images: [image], ...figure };
      } catch (error) {
        onError(new ShardError(`${where}: ${(error as Error).message}`));
        return undefined;
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
          const figure = finish(pending);
          if (figure) yield figure;
          pending = undefined;
        }
        pending ??= { key };
        if (extension === 'json') pending.json = { member, bytes: Buffer.concat(chunks) };
        else if (extension === 'jpg') pending.jpg = Buffer.concat(chunks);
      }
      const figure = finish(pending);
      if (figure) yield figure;
    } catch (error) {
      onError(
        new ShardError(`${shard}: not a readable tar archive (${(error as Error).message}); rest of shard skipped`),
      );
    }
  }
}
