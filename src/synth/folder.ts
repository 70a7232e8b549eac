// A folder of figures for `medkit synth --input <folder>` (layout in src/synth/README.md):
//   <stem>.png|.jpg|.jpeg|.gif|.webp  with  <stem>.txt (the caption)  or  <stem>.json ({caption, mentions?, ...})
//   <group>/  one multi-image figure: 1–6 images sharing  caption.txt  or  figure.json
// Entries are visited in name order, so a resumed run sees the same figures in the same order. A figure
// that cannot be used (no caption, an image that is not an image, more than 6 images) is reported with
// its path and skipped; the run goes on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { z } from 'zod';
import { type Figure, imageProblem, MAX_IMAGES_PER_FIGURE } from './figures.js';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);
/** A group folder's shared caption: one of these files. */
export const GROUP_CAPTION_FILES = ['figure.json', 'caption.txt'] as const;

export class FolderFigureError extends Error {}

const sidecarSchema = z.strictObject({
  caption: z.string().trim().min(1),
  mentions: z.array(z.string()).default([]),
  modality: z.string().optional(),
  anatomy: z.string().optional(),
});
type Sidecar = z.infer<typeof sidecarSchema>;

/** The caption (and metadata) of a `.json` or `.txt` sidecar; errors name the file and the field. */
function readSidecar(path: string): Sidecar {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  if (path.endsWith('.txt')) {
    if (!text.trim()) throw new FolderFigureError(`${path}: caption: the file is empty`);
    return { caption: text.trim(), mentions: [] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FolderFigureError(`${path}: is not JSON (${(error as Error).message})`);
  }
  const parsed = sidecarSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FolderFigureError(`${path}: ${issue.path.join('.') || '(object)'}: ${issue.message}`);
  }
  return parsed.data;
}

function checkImages(images: string[]): void {
  for (const image of images) {
    const problem = imageProblem(image);
    if (problem) throw new FolderFigureError(`${image}: ${problem}`);
  }
}

const figureOf = (key: string, images: string[], sidecar: Sidecar): Figure => ({
  key,
  images,
  caption: sidecar.caption,
  mentions: sidecar.mentions,
  modality: sidecar.modality?.toLowerCase(),
  anatomy: sidecar.anatomy,
});

export async function* folderFigures(root: string, onError: (error: Error) => void): AsyncGenerator<Figure> {
  const entries = readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set(entries.map((entry) => entry.name));
  const used = new Set<string>();
  for (const entry of entries) {
    const path = join(root, entry.name);
    const key = relative(root, path);
    try {
      if (entry.isDirectory()) {
        const figure = groupFigure(path, key);
        if (figure) yield figure;
        continue;
      }
      const extension = extname(entry.name).toLowerCase();
      if (!entry.isFile() || !IMAGE_EXTENSIONS.has(extension)) continue;
      const stem = entry.name.slice(0, entry.name.length - extension.length);
      const sidecar = [`${stem}.json`, `${stem}.txt`].find((name) => names.has(name));
      if (!sidecar) throw new FolderFigureError(`${path}: no caption (expected ${stem}.txt or ${stem}.json beside it)`);
      used.add(sidecar);
      checkImages([path]);
      yield figureOf(key, [path], readSidecar(join(root, sidecar)));
    } catch (error) {
      if (!(error instanceof FolderFigureError)) throw error;
      onError(error);
    }
  }
  for (const name of names)
    if ((name.endsWith('.txt') || name.endsWith('.json')) && !used.has(name))
      onError(new FolderFigureError(`${join(root, name)}: a caption file with no image of the same name; skipped`));
}

/** One subfolder = one figure of 1–6 images (name order = [Image i] order) sharing one caption. */
function groupFigure(dir: string, key: string): Figure | undefined {
  const files = readdirSync(dir).sort((a, b) => a.localeCompare(b));
  const images = files.filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase())).map((n) => join(dir, n));
  const captionFile = GROUP_CAPTION_FILES.map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!images.length && !captionFile) return undefined; // an unrelated folder
  if (!captionFile)
    throw new FolderFigureError(
      `${dir}: a figure folder with ${images.length} image(s) but no caption.txt or figure.json`,
    );
  if (!images.length) throw new FolderFigureError(`${dir}: a caption but no image (.png, .jpg, .jpeg, .gif, .webp)`);
  if (images.length > MAX_IMAGES_PER_FIGURE)
    throw new FolderFigureError(
      `${dir}: ${images.length} images; a figure has 1–${MAX_IMAGES_PER_FIGURE} (upstream skips larger groups)`,
    );
  checkImages(images);
  return figureOf(key, images, readSidecar(captionFile));
}
