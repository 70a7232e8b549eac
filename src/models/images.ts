// Image parts on the wire. Paths are read only here, at request time, and turned into base64 for
// the request body alone: messages, logs and cache keys keep the path (or a hash of the bytes).
import { readFile } from 'node:fs/promises';
import { MedkitError } from '../core/errors.js';
import type { ImagePart } from '../core/messages.js';

export interface EncodedImage {
  mediaType: ImagePart['mediaType'];
  base64: string;
}

export async function encodeImage(part: ImagePart): Promise<EncodedImage> {
  const source = part.source;
  if (source.kind === 'bytes')
    return { mediaType: part.mediaType, base64: Buffer.from(source.data).toString('base64') };
  if (source.kind === 'path') {
    let data: Buffer;
    try {
      data = await readFile(source.path);
    } catch (cause) {
      throw new MedkitError(
        `image ${source.path} could not be read (${(cause as NodeJS.ErrnoException).code ?? cause})`,
        { cause },
      );
    }
    return { mediaType: part.mediaType, base64: data.toString('base64') };
  }
  // A message read back from a log holds only the hash: the bytes must come from the dataset again.
  throw new MedkitError(
    `image sha256:${source.sha256.slice(0, 12)}… has no bytes (it came from a log); load the sample again`,
  );
}

export function dataUrl(image: EncodedImage): string {
  return `data:${image.mediaType};base64,${image.base64}`;
}
