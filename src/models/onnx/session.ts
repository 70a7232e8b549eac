// One wrapper around onnxruntime-node for every user-supplied `.onnx` medkit runs (CARE segmenters,
// MiniLM sentence embedders, RetMAE encoders, ...). The runtime loads only when a model is opened, so a
// plain eval never pays for it; CPU only, with explicit thread counts (the machine may be shared).
import { statSync } from 'node:fs';
import { ConfigError, MedkitError } from '../../core/index.js';

export type OnnxElementType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

/** A tensor as plain data: what callers build and what `run` returns. */
export interface OnnxTensor {
  type: OnnxElementType;
  dims: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

export interface OnnxTensorInfo {
  name: string;
  type?: string;
  /** Dimensions as the model declares them: numbers, symbolic names ('batch'), or undefined. */
  shape?: (number | string | undefined)[];
}

export interface OnnxModelOptions {
  /** Intra-op threads (default 1: medkit runs many units at once and must not oversubscribe). */
  threads?: number;
  /** What the model is for, used in error messages ('segmenter', 'encoder'). */
  purpose?: string;
}

export class OnnxModelError extends MedkitError {
  override readonly name = 'OnnxModelError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

type Ort = typeof import('onnxruntime-node');
let ortPromise: Promise<Ort> | undefined;

async function loadRuntime(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').catch((error: unknown) => {
    ortPromise = undefined;
    throw new ConfigError(
      `onnxruntime-node could not be loaded (${(error as Error).message}); install it with ` +
        '`ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0`',
    );
  });
  return ortPromise;
}

const ELEMENT_SIZES: Record<OnnxElementType, number> = {
  float32: 4,
  float64: 8,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
};

export interface OnnxModel {
  readonly file: string;
  readonly inputs: OnnxTensorInfo[];
  readonly outputs: OnnxTensorInfo[];
  /** Runs the model; inputs are checked against the declared names and fixed dimensions first. */
  run(feeds: Record<string, OnnxTensor>): Promise<Record<string, OnnxTensor>>;
  close(): Promise<void>;
}

function describe(metadata: readonly unknown[] | undefined, names: readonly string[]): OnnxTensorInfo[] {
  return names.map((name, index) => {
    const entry = (metadata?.[index] ?? {}) as { isTensor?: boolean; type?: string; shape?: (number | string)[] };
    return { name, type: entry.type, shape: entry.shape };
  });
}

/** Checks a feed against the model's declared input (rank, fixed dimensions, element count). */
export function checkFeed(file: string, info: OnnxTensorInfo, tensor: OnnxTensor): void {
  const count = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (tensor.data.length !== count) {
    throw new OnnxModelError(
      file,
      `input "${info.name}": ${tensor.data.length} values for dims [${tensor.dims}] (${count} expected)`,
    );
  }
  if (info.type && info.type !== tensor.type) {
    throw new OnnxModelError(file, `input "${info.name}" is ${info.type} in the model, got ${tensor.type}`);
  }
  if (!info.shape) return;
  if (info.shape.length !== tensor.dims.length) {
    throw new OnnxModelError(
      file,
      `input "${info.name}" has rank ${info.shape.length} [${info.shape.join(', ')}] in the model, got [${tensor.dims}]`,
    );
  }
  info.shape.forEach((dim, axis) => {
    if (typeof dim === 'number' && dim > 0 && dim !== tensor.dims[axis]) {
      throw new OnnxModelError(
        file,
        `input "${info.name}" needs dimension ${axis} = ${dim} [${info.shape!.join(', ')}], got [${tensor.dims}]`,
      );
    }
  });
}

/** Opens a user-supplied `.onnx` file (or bytes) on the CPU. Errors name the file and what is wrong. */
export async function openOnnxModel(source: string | Uint8Array, options: OnnxModelOptions = {}): Promise<OnnxModel> {
  const file = typeof source === 'string' ? source : '<in-memory onnx>';
  if (typeof source === 'string') {
    let size: number;
    try {
      size = statSync(source).size;
    } catch {
      throw new ConfigError(`${options.purpose ?? 'ONNX model'} file not found: ${source}`);
    }
    if (size === 0) throw new OnnxModelError(file, 'the file is empty');
  }
  const ort = await loadRuntime();
  const sessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: Math.max(1, options.threads ?? 1),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all' as const,
  };
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session =
      typeof source === 'string'
        ? await ort.InferenceSession.create(source, sessionOptions)
        : await ort.InferenceSession.create(source, sessionOptions);
  } catch (error) {
    throw new OnnxModelError(file, `not a loadable ONNX model: ${(error as Error).message.split('\n')[0]}`);
  }
  const inputs = describe(session.inputMetadata as readonly unknown[], session.inputNames);
  const outputs = describe(session.outputMetadata as readonly unknown[], session.outputNames);
  return {
    file,
    inputs,
    outputs,
    async run(feeds) {
      const ortFeeds: Record<string, InstanceType<Ort['Tensor']>> = {};
      for (const info of inputs) {
        const tensor = feeds[info.name];
        if (!tensor) {
          throw new OnnxModelError(
            file,
            `input "${info.name}" missing (model inputs: ${inputs.map((i) => i.name).join(', ')})`,
          );
        }
        checkFeed(file, info, tensor);
        ortFeeds[info.name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
      }
      const extra = Object.keys(feeds).filter((name) => !inputs.some((info) => info.name === name));
      if (extra.length) throw new OnnxModelError(file, `unknown input(s) ${extra.join(', ')}`);
      let result: Record<string, InstanceType<Ort['Tensor']>>;
      try {
        result = (await session.run(ortFeeds)) as Record<string, InstanceType<Ort['Tensor']>>;
      } catch (error) {
        throw new OnnxModelError(file, `inference failed: ${(error as Error).message.split('\n')[0]}`);
      }
      const out: Record<string, OnnxTensor> = {};
      for (const [name, tensor] of Object.entries(result)) {
        out[name] = {
          type: tensor.type as OnnxElementType,
          dims: [...tensor.dims],
          data: tensor.data as OnnxTensor['data'],
        };
      }
      return out;
    },
    async close() {
      await session.release();
    },
  };
}

/** A float32 tensor from plain numbers or a typed array. */
export function float32Tensor(data: Float32Array | number[], dims: number[]): OnnxTensor {
  return { type: 'float32', dims, data: data instanceof Float32Array ? data : Float32Array.from(data) };
}

/** An int64 tensor (token ids, masks) from numbers. */
export function int64Tensor(values: ArrayLike<number>, dims: number[]): OnnxTensor {
  const data = new BigInt64Array(values.length);
  for (let index = 0; index < values.length; index++) data[index] = BigInt(values[index]!);
  return { type: 'int64', dims, data };
}

/** Bytes one tensor of this type and shape takes (to bound what a user model may return). */
export function tensorBytes(type: OnnxElementType, dims: number[]): number {
  return dims.reduce((product, dim) => product * dim, 1) * ELEMENT_SIZES[type];
}
