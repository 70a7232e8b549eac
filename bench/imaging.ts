// Imaging bench: DICOM decode + window throughput, NIfTI volume load time, each next to an
// independent reference run in the same process tree where one exists on this machine, and the
// peak memory of a 49-image item (bench/imaging-memory.ts, one child process per case).
//   node --import tsx bench/imaging.ts [--quick] [--dicom-only]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ctPhantomDicomSeries,
  decodeDicom,
  decodeNifti,
  encodePng,
  generateCt,
  renderDicomFrame,
} from '../src/imaging/index.js';
import { encodeDicom } from '../src/imaging/dicom-write.js';

const quick = process.argv.includes('--quick');
const DATA = join(import.meta.dirname, '../../shared/data');
const line = (text: string) => process.stdout.write(text + '\n');
const has = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8' }).status === 0;
// Debian's python3 (with python3-pydicom / python3-gdcm) may sit behind another python3 on PATH (pyenv).
const PYTHON = ['/usr/bin/python3', 'python3'].find((exe) => has(exe, ['-c', 'import pydicom'])) ?? 'python3';
const pythonHas = (module: string) => has(PYTHON, ['-c', `import ${module}`]);

async function timeLoop(
  seconds: number,
  body: () => Promise<void> | void,
): Promise<{ runs: number; perSecond: number; msEach: number }> {
  await body(); // warm-up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await body();
    runs++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { runs, perSecond: runs / elapsed, msEach: (elapsed * 1000) / runs };
}

/** python3 + numpy: finds (7FE0,0010) by a byte search, reads int16 LE, rescales, windows — the minimal work. */
const NUMPY_DICOM = `
import sys, time, numpy as np
files = sys.argv[2:]; seconds = float(sys.argv[1]); blobs = [open(f, 'rb').read() for f in files]
def one(b):
    at = b.rfind(b'\\xe0\\x7f\\x10\\x00OW'); n = int.from_bytes(b[at+8:at+12], 'little')
    hu = np.frombuffer(b, dtype='<i2', count=n // 2, offset=at + 12).astype(np.float32) - 1024
    return np.clip(np.round(((hu - (-600 - 0.5)) / 1499 + 0.5) * 255), 0, 255).astype(np.uint8)
for b in blobs: one(b)
runs = 0; t = time.perf_counter()
while time.perf_counter() - t < seconds:
    for b in blobs: one(b)
    runs += len(blobs)
print(runs / (time.perf_counter() - t))
`;
const PYDICOM = `
import sys, time, numpy as np, pydicom
files = sys.argv[2:]; seconds = float(sys.argv[1]); runs = 0; t = time.perf_counter()
while time.perf_counter() - t < seconds:
    for f in files:
        ds = pydicom.dcmread(f); hu = ds.pixel_array.astype(np.float32) * float(getattr(ds, 'RescaleSlope', 1)) + float(getattr(ds, 'RescaleIntercept', 0))
        np.clip(np.round(((hu + 600.5) / 1499 + 0.5) * 255), 0, 255).astype(np.uint8)
    runs += len(files)
print(runs / (time.perf_counter() - t))
`;
const NUMPY_NIFTI = `
import sys, time, gzip, struct, numpy as np
path = sys.argv[1]; repeats = int(sys.argv[2]); times = []
for _ in range(repeats):
    t = time.perf_counter(); raw = gzip.open(path).read()
    end = '<' if struct.unpack('<i', raw[:4])[0] == 348 else '>'
    dims = struct.unpack(end + '8h', raw[40:56]); code = struct.unpack(end + 'h', raw[70:72])[0]
    off = int(struct.unpack(end + 'f', raw[108:112])[0]); n = dims[1] * dims[2] * dims[3]
    dt = {2: 'u1', 4: 'i2', 16: 'f4', 64: 'f8', 512: 'u2'}[code]
    np.frombuffer(raw, dtype=end + dt, count=n, offset=off).astype(np.float32)
    times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[len(times) // 2])
`;
const NIBABEL = `
import sys, time, nibabel as nib, numpy as np
path = sys.argv[1]; repeats = int(sys.argv[2]); times = []
for _ in range(repeats):
    t = time.perf_counter(); np.asarray(nib.load(path).get_fdata(dtype=np.float32)); times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[len(times) // 2])
`;

const python = (code: string, args: string[]): number | null => {
  const result = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : null;
};

async function dicomBench(dir: string): Promise<void> {
  const seconds = quick ? 1 : 3;
  line(`\n## DICOM decode + lung window (${seconds} s per measurement; images/s, higher is better)`);
  const cases: { name: string; files: string[] }[] = [];
  if (existsSync(join(DATA, 'dicom/CT_small.dcm')))
    cases.push({ name: 'CT_small.dcm (128×128, shared data)', files: [join(DATA, 'dicom/CT_small.dcm')] });
  else line(`(shared data absent at ${DATA}: CT_small case skipped)`);
  const ct = generateCt({ seed: 1, size: 512, slices: quick ? 8 : 20, findings: 1 });
  const [n, , nz] = ct.dims;
  const files: string[] = [];
  for (let z = 0; z < nz; z++) {
    const path = join(dir, `ct-${z}.dcm`);
    const pixels = Int16Array.from(ct.hu.subarray(z * n * n, (z + 1) * n * n), (v) => v + 1024);
    await writeFile(
      path,
      await encodeDicom({ rows: n, columns: n, pixels, modality: 'CT', rescaleIntercept: -1024, rescaleSlope: 1 }),
    );
    files.push(path);
  }
  cases.push({ name: `phantom CT 512×512, ${nz} files`, files });
  for (const syntax of ['jpeg-ls', 'jpeg2000'] as const) {
    const compressed: string[] = [];
    for (let z = 0; z < Math.min(nz, 8); z++) {
      const path = join(dir, `ct-${syntax}-${z}.dcm`);
      const pixels = Int16Array.from(ct.hu.subarray(z * n * n, (z + 1) * n * n), (v) => v + 1024);
      await writeFile(
        path,
        await encodeDicom({
          rows: n,
          columns: n,
          pixels,
          modality: 'CT',
          rescaleIntercept: -1024,
          rescaleSlope: 1,
          transferSyntax: syntax,
        }),
      );
      compressed.push(path);
    }
    cases.push({
      name: `phantom CT 512×512 ${syntax === 'jpeg-ls' ? 'JPEG-LS' : 'JPEG 2000'} lossless, ${compressed.length} files`,
      files: compressed,
    });
  }
  if (existsSync(join(DATA, 'dicom/MR_small_RLE.dcm')))
    cases.push({ name: 'MR_small_RLE.dcm (64×64, RLE, shared data)', files: [join(DATA, 'dicom/MR_small_RLE.dcm')] });
  const rounds = quick ? 1 : 3;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const item of cases) {
    const blobs = await Promise.all(item.files.map((file) => readFile(file)));
    // medkit and pydicom alternate round by round, so both see the same machine load; medians are reported.
    const ours: number[] = [];
    const theirs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const decode = await timeLoop(seconds, async () => {
        for (const [index, blob] of blobs.entries())
          renderDicomFrame(await decodeDicom(blob, item.files[index]), 0, 'lung');
      });
      ours.push(decode.perSecond * blobs.length);
      const reference = pythonHas('pydicom') ? python(PYDICOM, [String(seconds), ...item.files]) : null;
      if (reference) {
        theirs.push(reference);
        ratios.push(ours[round] / reference);
      }
    }
    const withPng = await timeLoop(seconds, async () => {
      for (const [index, blob] of blobs.entries())
        await encodePng(renderDicomFrame(await decodeDicom(blob, item.files[index]), 0, 'lung').raster);
    });
    const medkit = median(ours);
    line(
      `- ${item.name}: medkit decode+window ${medkit.toFixed(0)} images/s (rounds: ${ours.map((v) => v.toFixed(0)).join(', ')}); + PNG encode ${(withPng.perSecond * blobs.length).toFixed(0)} images/s`,
    );
    line(
      theirs.length
        ? `  reference pydicom${/JPEG/.test(item.name) ? ' (+ GDCM)' : ''}: ${median(theirs).toFixed(0)} images/s (rounds: ${theirs.map((v) => v.toFixed(0)).join(', ')}) → medkit/pydicom = ${median(ratios).toFixed(2)} (median of per-round ratios)`
        : '  reference pydicom: skipped (not installed, or failed)',
    );
    const rle = /RLE|JPEG/.test(item.name);
    if (pythonHas('numpy') && !rle) {
      const reference = python(NUMPY_DICOM, [String(seconds), ...item.files]);
      line(
        `  reference python3+numpy raw reader (byte search for 7FE0,0010, frombuffer, rescale, window; no parsing): ` +
          (reference
            ? `${reference.toFixed(0)} images/s → medkit/reference = ${(medkit / reference).toFixed(2)}`
            : 'failed'),
      );
    } else if (rle) line('  reference: none on this machine (the numpy reader does not decode compressed pixel data)');
    if (has('dcm2pnm', ['--version'])) {
      const start = performance.now();
      for (const file of item.files) spawnSync('dcm2pnm', ['+Wm', '-1000', '1000', file, join(dir, 'out.pgm')]);
      line(
        `  reference dcmtk dcm2pnm (one process per image): ${(item.files.length / ((performance.now() - start) / 1000)).toFixed(0)} images/s`,
      );
    } else line('  reference dcmtk dcm2pnm: skipped (not installed)');
  }
}

async function niftiBench(): Promise<void> {
  line('\n## NIfTI volume load (gunzip + header + voxels → Float32Array; median ms, lower is better)');
  const repeats = quick ? 5 : 30;
  for (const name of ['avg152T1_LR_nifti.nii.gz', 'little.nii.gz']) {
    const path = join(DATA, 'nifti', name);
    if (!existsSync(path)) {
      line(`- ${name}: skipped (shared data absent at ${DATA})`);
      continue;
    }
    const times: number[] = [];
    for (let run = 0; run < repeats + 1; run++) {
      const start = performance.now();
      decodeNifti(await readFile(path), path);
      if (run > 0) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const medkit = times[Math.floor(times.length / 2)];
    line(`- ${name}: medkit ${medkit.toFixed(1)} ms (file read included)`);
    const reference = pythonHas('numpy') ? python(NUMPY_NIFTI, [path, String(repeats)]) : null;
    line(
      `  reference python3 gzip+struct+numpy: ${reference ? `${reference.toFixed(1)} ms → medkit/reference = ${(medkit / reference).toFixed(2)}` : 'skipped (numpy not installed)'}`,
    );
    const nibabel = pythonHas('nibabel') ? python(NIBABEL, [path, String(repeats)]) : null;
    line(
      `  reference nibabel: ${nibabel ? `${nibabel.toFixed(1)} ms → medkit/nibabel = ${(medkit / nibabel).toFixed(2)}` : 'skipped (not installed)'}`,
    );
  }
}

async function memoryBench(dir: string): Promise<void> {
  line('\n## Peak memory of a 49-image item (fresh child process per case; max RSS of that process)');
  const series = join(dir, 'series49');
  await mkdir(series, { recursive: true });
  const files = await ctPhantomDicomSeries(generateCt({ seed: 1, size: 512, slices: 49, findings: 1 }));
  await Promise.all(files.map((bytes, z) => writeFile(join(series, `s${String(z).padStart(2, '0')}.dcm`), bytes)));
  for (const which of ['baseline', 'phantom-png', 'dicom-series']) {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'imaging-memory.ts'), which, series],
      { encoding: 'utf8' },
    );
    line(
      result.status === 0
        ? `- ${result.stdout.trim()}`
        : `- ${which}: failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}

const dir = await mkdtemp(join(tmpdir(), 'medkit-bench-imaging-'));
try {
  line(`# medkit imaging bench (${new Date().toISOString()}, node ${process.version}${quick ? ', --quick' : ''})`);
  await dicomBench(dir);
  if (!process.argv.includes('--dicom-only')) {
    await niftiBench();
    await memoryBench(dir);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
