// One case of the 49-image peak-memory bench (run by bench/imaging.ts in a fresh process):
//   baseline      — modules loaded, nothing decoded
//   phantom-png   — 49 synthetic chest radiographs (512²) generated and held as PNG ImageParts
//   dicom-series  — a 49-file 512×512 CT DICOM series on disk (written by the parent) → dicomToImageParts
import { dicomToImageParts, generateChestXray, rasterToImagePart } from '../src/imaging/index.js';
import type { ImagePart } from '../src/core/messages.js';

const which = process.argv[2] ?? 'baseline';
const bytesOf = (parts: ImagePart[]) =>
  parts.reduce((sum, part) => sum + (part.source.kind === 'bytes' ? part.source.data.byteLength : 0), 0);
const mb = (kb: number) => (kb / 1024).toFixed(0);
const start = performance.now();
let detail = '';
if (which === 'phantom-png') {
  const parts: ImagePart[] = [];
  for (let i = 0; i < 49; i++)
    parts.push(await rasterToImagePart(generateChestXray({ seed: i, findings: 1 }).raster, `image ${i + 1}/49`));
  detail = `49 PNG parts, ${(bytesOf(parts) / 1e6).toFixed(1)} MB of PNG`;
} else if (which === 'dicom-series') {
  // The parent (bench/imaging.ts) wrote a 49-file 512×512 CT series into argv[3]: only decoding is measured here.
  const dir = process.argv[3];
  if (!dir) throw new Error('usage: imaging-memory.ts dicom-series <folder of .dcm files>');
  const parts = await dicomToImageParts(dir, { window: 'lung' });
  detail = `49 files → ${parts.length} PNG parts (${(bytesOf(parts) / 1e6).toFixed(1)} MB of PNG held)`;
}
const usage = process.resourceUsage();
process.stdout.write(
  `${which}: max RSS ${mb(usage.maxRSS)} MB, heap now ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, ${((performance.now() - start) / 1000).toFixed(1)} s${detail ? '; ' + detail : ''}\n`,
);
