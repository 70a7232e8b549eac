// RetMAE bench: a folder of N 512² fundus images (default 10,000) scored into HF-token manifests, streamed
// one image at a time; reported as images/s next to a reference pass over the same files in the same process
// that only decodes and resizes them (so the ratio isolates the scoring: FOV, blur, FFT, Butterworth, pooling).
//   node --import tsx bench/retmae.ts [--n 10000] [--distinct 16]
import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, encodePng, readImageFile, resizeRaster } from '../src/imaging/image.js';
import { generateFundus } from '../src/imaging/phantom-fundus.js';
import { writeManifest } from '../src/methods/retmae/manifest.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const n = argument('n', 10_000);
const distinct = argument('distinct', 16);
const root = await mkdtemp(join(tmpdir(), 'medkit-bench-retmae-'));
const images = join(root, 'images');
await mkdir(images);
// Distinct phantoms, hard-linked to N names: every file is still read, decoded and scored on its own.
for (let i = 0; i < distinct; i++) {
  await writeFile(
    join(images, `src-${i}.png`),
    await encodePng(generateFundus({ seed: i, size: 512, findings: i % 4 }).raster),
  );
}
const files: string[] = [];
for (let i = 0; i < n; i++) {
  const file = join(images, `img-${String(i).padStart(5, '0')}.png`);
  await link(join(images, `src-${i % distinct}.png`), file);
  files.push(file);
}
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 200);

let start = performance.now();
for (const file of files) await resizeRaster(await decodeImage(await readImageFile(file)), 224, 224);
const referenceSeconds = (performance.now() - start) / 1000;
start = performance.now();
for (const file of files) await writeManifest(file, join(root, 'manifests'), { overlay: false });
const scoreSeconds = (performance.now() - start) / 1000;
clearInterval(timer);
sample();
const line = (text: string) => process.stdout.write(`${text}\n`);
line(`retmae score: ${n} images of 512² (${distinct} distinct), resized to 224², patch 16, keep 25%`);
line(`  reference (decode + resize only): ${(n / referenceSeconds).toFixed(1)} images/s`);
line(`  medkit retmae score (manifest):   ${(n / scoreSeconds).toFixed(1)} images/s`);
line(
  `  ratio score/reference: ${(referenceSeconds / scoreSeconds).toFixed(2)}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`,
);
await rm(root, { recursive: true, force: true });
