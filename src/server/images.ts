// Images in a run log are file paths (never base64). The viewer serves one only when all hold:
//  1. the path is one the sample's own record refers to (a message image part, a model call's
//     input image, an evidence event's `image`, mask image, zoom `crop` or
//     `overlay`): a client cannot name any other file;
//  2. its real path (symlinks followed) lies inside the runs folder or an image root given to
//     `medkit view --image-root` (by default also ./.medkit/cache, where medkit writes generated
//     images); relative paths resolve against the run directory, then the server's working folder;
//  3. it is a regular file under 50 MB whose first bytes are PNG, JPEG, GIF or WebP: the media
//     type comes from those bytes, never from the name.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { SampleRecord } from '../core/index.js';
import { PathRefused, resolveRecorded } from './paths.js';

const MAX_BYTES = 50 * 1024 * 1024;

function collect(value: unknown, into: Set<string>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, depth + 1);
    return;
  }
  const object = value as Record<string, unknown>;
  if (object.type === 'image' && object.source && typeof object.source === 'object') {
    const source = object.source as { kind?: unknown; path?: unknown };
    if (source.kind === 'path' && typeof source.path === 'string') into.add(source.path);
    return;
  }
  for (const inner of Object.values(object)) collect(inner, into, depth + 1);
}

/** Every image path the record refers to. */
export function recordedImages(record: SampleRecord): Set<string> {
  const paths = new Set<string>();
  collect(record.transcript?.messages, paths);
  for (const event of record.transcript?.events ?? []) {
    if (event.type === 'model') collect(event.input, paths);
    if (event.type === 'evidence' && event.data && typeof event.data === 'object' && !Array.isArray(event.data)) {
      const data = event.data as Record<string, unknown>;
      if (typeof data.image === 'string') paths.add(data.image);
      if (typeof data.overlay === 'string') paths.add(data.overlay);
      // Masks given as images: {image | path, label}.
      for (const mask of Array.isArray(data.masks) ? data.masks : []) {
        const path =
          mask && typeof mask === 'object'
            ? ((mask as Record<string, unknown>).image ?? (mask as Record<string, unknown>).path)
            : undefined;
        if (typeof path === 'string') paths.add(path);
      }
      // Zoom crops (MedVR): `crop` of a region's `medvr` record or of a trajectory's `zooms`.
      const zooms = [data.medvr, ...(Array.isArray(data.zooms) ? data.zooms : [])];
      for (const zoom of zooms)
        if (zoom && typeof zoom === 'object' && typeof (zoom as Record<string, unknown>).crop === 'string')
          paths.add((zoom as Record<string, unknown>).crop as string);
    }
  }
  return paths;
}

export function sniffImageType(head: Buffer): string | null {
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a)
    return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 6 && (head.toString('latin1', 0, 6) === 'GIF87a' || head.toString('latin1', 0, 6) === 'GIF89a'))
    return 'image/gif';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  return null;
}

/** The bytes and media type of a recorded image, or PathRefused saying why not. */
export function readRecordedImage(
  record: SampleRecord,
  recorded: string,
  bases: readonly string[],
  roots: readonly string[],
): { bytes: Buffer; mediaType: string } {
  if (!recordedImages(record).has(recorded)) throw new PathRefused(recorded, 'not an image this sample refers to');
  const real = resolveRecorded(recorded, bases, roots);
  const size = statSync(real).size;
  if (size > MAX_BYTES) throw new PathRefused(recorded, `larger than ${MAX_BYTES} bytes`);
  const head = Buffer.alloc(12);
  const descriptor = openSync(real, 'r');
  try {
    readSync(descriptor, head, 0, 12, 0);
  } finally {
    closeSync(descriptor);
  }
  const mediaType = sniffImageType(head);
  if (!mediaType) throw new PathRefused(recorded, 'not a PNG, JPEG, GIF or WebP file');
  return { bytes: readFileSync(real), mediaType };
}
