// Photon bench: (1) the volume pipeline (RAI, 1 mm, 364³, HU clip, [0, 1], [140, 280, 280]) on the real NIfTI in
// ../shared/data/nifti, next to an independent NumPy implementation of the same separable linear maps run on the
// same decoded voxels in the same run (which also checks the output); (2) the shortcut probe's rate: units/s of
// `photon-shortcut` with the baseline on the embedded CT phantoms (clean + six corruptions per volume), next to the
// same run with `probe=off` (clean volumes only), so the ratio prices the corruptions and their renders.
//   node --import tsx bench/photon.ts [--rounds 3] [--n 2] [--skip-probe]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from '../src/eval.js';
import { readNifti } from '../src/imaging/nifti.js';
import { preprocessVolume } from '../src/methods/photon/volume.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const rounds = argument('rounds', 3);
const n = argument('n', 2);
const line = (text: string) => process.stdout.write(`${text}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const root = await mkdtemp(join(tmpdir(), 'medkit-bench-photon-'));

// The reference: NumPy, written from Photon's README and PyTorch's align-corners-false rule, not from volume.ts.
const NUMPY_PIPELINE = `
import json, sys, time
import numpy as np
meta = json.load(open(sys.argv[1]))
i, j, k = meta['dims']
x = np.fromfile(meta['raw'], dtype=np.float32).reshape(k, j, i).transpose(2, 1, 0)  # index [i, j, k]
opposite = {'R': 'L', 'L': 'R', 'A': 'P', 'P': 'A', 'S': 'I', 'I': 'S'}
def gather(a, axis, lower, weight, pad, fill):
    n = a.shape[axis]
    lo = np.clip(lower, 0, n - 1); hi = np.minimum(lo + 1, n - 1)
    shape = [1, 1, 1]; shape[axis] = -1
    w = weight.reshape(shape).astype(np.float32)
    out = np.take(a, lo, axis=axis) * (1 - w) + np.take(a, hi, axis=axis) * w
    if pad.any():
        index = [slice(None)] * 3; index[axis] = pad; out[tuple(index)] = fill
    return out
def linear(positions, n):
    lower = np.floor(positions).astype(np.int64)
    weight = np.where(lower + 1 < n, positions - lower, 0.0)
    return lower, weight
times = []
for _ in range(meta['rounds']):
    t = time.perf_counter()
    axes, flips = [], []
    for letter in 'RAI':
        for a, code in enumerate(meta['orientation']):
            if code in (letter, opposite[letter]): axes.append(a); flips.append(code != letter)
    v = x.transpose(axes)
    for a, f in enumerate(flips):
        if f: v = np.flip(v, axis=a)
    spacing = [meta['spacing'][a] for a in axes]
    for a in range(3):
        m = v.shape[a]
        resampled = max(1, int(np.floor(m * spacing[a] + 0.5)))
        offset = (resampled - 364) // 2 if resampled >= 364 else -((364 - resampled) // 2)
        r = np.arange(364) + offset
        pad = (r < 0) | (r >= resampled)
        lower, weight = linear(np.clip((r + 0.5) / spacing[a] - 0.5, 0, m - 1), m)
        v = gather(v, a, lower, weight, pad, -1000.0)
    v = (np.clip(v, -1000, 1000) + 1000) / 2000
    for a, target in enumerate([280, 280, 140]):
        m = v.shape[a]
        lower, weight = linear(np.clip((np.arange(target) + 0.5) * m / target - 0.5, 0, m - 1), m)
        v = gather(v, a, lower, weight, np.zeros(target, bool), 0)
    times.append(time.perf_counter() - t)
np.ascontiguousarray(v.transpose(2, 1, 0), dtype=np.float32).tofile(meta['out'])
print(json.dumps({'seconds': sorted(times)[len(times) // 2], 'numpy': np.__version__}))
`;

const file = join(import.meta.dirname, '../../shared/data/nifti/avg152T1_LR_nifti.nii.gz');
if (!existsSync(file)) line(`volume pipeline: skipped, ${file} absent`);
else {
  let start = performance.now();
  const volume = await readNifti(file);
  const readSeconds = (performance.now() - start) / 1000;
  preprocessVolume(volume); // warm-up
  const seconds: number[] = [];
  let result = preprocessVolume(volume);
  for (let round = 0; round < rounds; round++) {
    start = performance.now();
    result = preprocessVolume(volume);
    seconds.push((performance.now() - start) / 1000);
  }
  const pipeline = median(seconds);
  line(
    `volume pipeline: ${file.split('/').pop()} ${volume.dims.join('×')} at ${volume.spacing.join('×')} mm ${volume.orientation}`,
  );
  line(`  read + gunzip + decode:       ${(readSeconds * 1000).toFixed(0)} ms`);
  line(
    `  medkit preprocessVolume:      ${(pipeline * 1000).toFixed(0)} ms (median of ${rounds}; ${(1 / pipeline).toFixed(2)} volumes/s)`,
  );
  const python = ['/usr/bin/python3', 'python3'].find(
    (exe) => spawnSync(exe, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0,
  );
  if (!python) line('  NumPy reference: skipped (no python3 with numpy)');
  else {
    const raw = join(root, 'in.f32');
    await writeFile(raw, volume.data);
    const meta = join(root, 'meta.json');
    const out = join(root, 'out.f32');
    await writeFile(
      meta,
      JSON.stringify({ raw, out, rounds, dims: volume.dims, spacing: volume.spacing, orientation: volume.orientation }),
    );
    await writeFile(join(root, 'reference.py'), NUMPY_PIPELINE);
    const run = spawnSync(python, [join(root, 'reference.py'), meta], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) line(`  NumPy reference failed: ${run.stderr.trim().split('\n').pop()}`);
    else {
      const { seconds: reference, numpy } = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
        seconds: number;
        numpy: string;
      };
      const bytes = await readFile(out);
      const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      let worst = 0;
      for (let index = 0; index < expected.length; index++)
        worst = Math.max(worst, Math.abs(expected[index]! - result.data[index]!));
      line(`  NumPy ${numpy} reference:      ${(reference * 1000).toFixed(0)} ms (same maps, vectorised take)`);
      line(
        `  ratio medkit/NumPy time:      ${(pipeline / reference).toFixed(2)}; largest output difference ${worst.toExponential(1)}`,
      );
    }
  }
}

if (!process.argv.includes('--skip-probe')) {
  const cacheDir = join(root, 'cache');
  const probe = async (mode: 'shortcut' | 'off', tag: string) => {
    const begin = performance.now();
    const summary = await runEval({
      benchmark: 'photon-shortcut',
      args: { n, probe: mode },
      outDir: join(root, `run-${mode}-${tag}`),
      cacheDir,
      cache: false,
    });
    return { seconds: (performance.now() - begin) / 1000, units: summary.counts.units, summary };
  };
  await probe('off', 'warm'); // writes the embedded phantoms once (not timed)
  const off = await probe('off', 'timed');
  const on = await probe('shortcut', 'timed');
  const perVolumeOff = off.seconds / n;
  const perVolumeOn = on.seconds / n;
  line(`shortcut probe: ${n} embedded CT phantoms (96×96×48), [140, 280, 280], 8 slices per volume, baseline`);
  line(
    `  probe=off (clean only):        ${off.units} units in ${off.seconds.toFixed(1)} s, ${perVolumeOff.toFixed(2)} s per volume`,
  );
  line(
    `  probe=shortcut (clean + 6):    ${on.units} units in ${on.seconds.toFixed(1)} s: ${(on.units / on.seconds).toFixed(2)} units/s, ${perVolumeOn.toFixed(2)} s per volume`,
  );
  line(
    `  ratio per volume shortcut/off: ${(perVolumeOn / perVolumeOff).toFixed(2)}; baseline confident rate ${on.summary.metrics['shortcut-confident']?.[0]?.value}`,
  );
}
await rm(root, { recursive: true, force: true });
