// One case of the 49-image peak-memory bench (run by bench/imaging.ts in a fresh process):
//   baseline      — modules loaded, nothing decoded
//   phantom-png   — 49 synthetic chest radiographs (512²) generated and held as PNG ImageParts
//   dicom-series  — a 49-file 512×512 CT DICOM series on disk → dicomToImageParts (all 49 slices)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dicomToImageParts, encodePng, generateChestXray, generateCt, rasterToImagePart } from '../src/imaging/index.js';
import { encodeDicom } from '../src/imaging/dicom-write.js';
import type { ImagePart } from '../src/core/messages.js';

const which = process.argv[2] ?? 'baseline';
const bytesOf = (parts: ImagePart[]) => parts.reduce((sum, part) => sum + (part.source.kind === 'bytes' ? part.source.data.byteLength : 0), 0);
const mb = (kb: number) => (kb / 1024).toFixed(0);
const start = performance.now();
let detail = '';
if (which === 'phantom-png') {
  const parts: ImagePart[] = [];
  for (let i = 0; i < 49; i++) parts.push(await rasterToImagePart(generateChestXray({ seed: i, findings: 1 }).raster, `image ${i + 1}/49`));
  detail = `49 PNG parts, ${(bytesOf(parts) / 1e6).toFixed(1)} MB of PNG`;
} else if (which === 'dicom-series') {
  const dir = await mkdtemp(join(tmpdir(), 'medkit-mem-'));
  try {
    // Write the series slice by slice from a 512²×49 phantom, then drop the phantom before measuring.
    {
      const ct = generateCt({ seed: 1, size: 512, slices: 49, findings: 1 });
      const n = 512;
      for (let z = 0; z < 49; z++) {
        const pixels = Int16Array.from(ct.hu.subarray(z * n * n, (z + 1) * n * n), (v) => v + 1024);
        await writeFile(join(dir, `s${String(z).padStart(2, '0')}.dcm`), await encodeDicom({ rows: n, columns: n, pixels, modality: 'CT', rescaleIntercept: -1024, imagePosition: [0, 0, z], imageOrientation: [1, 0, 0, 0, 1, 0] }));
      }
    }
    globalThis.gc?.();
    const before = process.resourceUsage().maxRSS;
    const parts = await dicomToImageParts(dir, { window: 'lung' });
    detail = `49 files → ${parts.length} PNG parts (${(bytesOf(parts) / 1e6).toFixed(1)} MB); max RSS before decoding ${mb(before)} MB (phantom generation)`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
} else {
  void encodePng;
}
const usage = process.resourceUsage();
process.stdout.write(`${which}: max RSS ${mb(usage.maxRSS)} MB, heap now ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, ${((performance.now() - start) / 1000).toFixed(1)} s${detail ? '; ' + detail : ''}\n`);
