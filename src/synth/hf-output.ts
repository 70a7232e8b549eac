// The Hugging Face-style output of `medkit synth`: a self-contained folder `hf/` with `data.jsonl` (one row
// per written item, the released fields, `options` as an object as in the HF release) and `images/` holding
// each row's image files, named `<dataset_index>-<i><ext>`, referred to by paths relative to `hf/`. Images are
// hard-linked where the file system allows (no copy), else copied. The verl parquet is not written here: it
// comes from `medkit export <synth dir> --format verl` (the training bridge), which reads medsynvqa.jsonl.
import { appendFileSync, copyFileSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export const HF_DIR = 'hf';
export const HF_DATA_FILE = 'data.jsonl';

export class HfWriter {
  private readonly dir: string;
  private readonly lines: string[] = [];
  constructor(outDir: string) {
    this.dir = join(outDir, HF_DIR);
    rmSync(this.dir, { recursive: true, force: true }); // rebuilt whole on every finalise (also after --resume)
    mkdirSync(join(this.dir, 'images'), { recursive: true });
    writeFileSync(join(this.dir, HF_DATA_FILE), '');
  }

  /** `row` is the released item without images; `images` are the absolute source paths. */
  add(row: Record<string, unknown> & { dataset_index: number }, images: string[]): void {
    const names = images.map((source, i) => {
      const name = `images/${String(row.dataset_index).padStart(6, '0')}-${i + 1}${extname(source).toLowerCase()}`;
      const target = join(this.dir, name);
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
      return name;
    });
    this.lines.push(`${JSON.stringify({ images: names, ...row })}\n`);
    if (this.lines.length >= 1000) this.flush();
  }

  flush(): void {
    if (this.lines.length) appendFileSync(join(this.dir, HF_DATA_FILE), this.lines.join(''));
    this.lines.length = 0;
  }
}
