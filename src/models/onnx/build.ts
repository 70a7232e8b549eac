// Writes small ONNX graphs with onnx-proto (the ONNX protobuf schema as JavaScript), so tests and benches
// can exercise every `.onnx` path without downloadable weights. One generic builder plus the tiny models
// whose contracts medkit documents (segmenter, per-patch encoder, sentence embedder).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// onnx-proto is CommonJS; loaded on first use so that importing this file costs nothing.
let proto: typeof import('onnx-proto').onnx | undefined;
function onnxProto(): typeof import('onnx-proto').onnx {
  proto ??= (require('onnx-proto') as typeof import('onnx-proto')).onnx;
  return proto;
}

export type BuildElementType = 'float32' | 'int64';
type Dim = number | string;

export interface BuildValue {
  name: string;
  type: BuildElementType;
  shape: Dim[];
}

export interface BuildInitializer {
  name: string;
  type: BuildElementType;
  dims: number[];
  values: ArrayLike<number>;
}

export type BuildAttribute = number | number[] | string | { floats: number[] } | { float: number };

export interface BuildNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, BuildAttribute>;
}

export interface BuildGraph {
  name?: string;
  inputs: BuildValue[];
  outputs: BuildValue[];
  nodes: BuildNode[];
  initializers?: BuildInitializer[];
  /** Default opset 17 (supported by onnxruntime 1.30). */
  opset?: number;
}

function elementType(type: BuildElementType): number {
  const types = onnxProto().TensorProto.DataType;
  return type === 'float32' ? types.FLOAT : types.INT64;
}

function valueInfo(value: BuildValue) {
  const { ValueInfoProto, TypeProto, TensorShapeProto } = onnxProto();
  return ValueInfoProto.create({
    name: value.name,
    type: TypeProto.create({
      tensorType: TypeProto.Tensor.create({
        elemType: elementType(value.type),
        shape: TensorShapeProto.create({
          dim: value.shape.map((dim) =>
            typeof dim === 'number'
              ? TensorShapeProto.Dimension.create({ dimValue: dim })
              : TensorShapeProto.Dimension.create({ dimParam: dim }),
          ),
        }),
      }),
    }),
  });
}

function attribute(name: string, value: BuildAttribute) {
  const { AttributeProto } = onnxProto();
  const kinds = AttributeProto.AttributeType;
  if (typeof value === 'string') return AttributeProto.create({ name, type: kinds.STRING, s: Buffer.from(value) });
  if (typeof value === 'number') return AttributeProto.create({ name, type: kinds.INT, i: value });
  if (Array.isArray(value)) return AttributeProto.create({ name, type: kinds.INTS, ints: value });
  if ('floats' in value) return AttributeProto.create({ name, type: kinds.FLOATS, floats: value.floats });
  return AttributeProto.create({ name, type: kinds.FLOAT, f: value.float });
}

/** Serialises a graph to ONNX bytes (a ModelProto with IR version 8). */
export function buildOnnxModel(graph: BuildGraph): Uint8Array {
  const { ModelProto, GraphProto, NodeProto, TensorProto, OperatorSetIdProto } = onnxProto();
  const initializers = (graph.initializers ?? []).map((init) =>
    TensorProto.create({
      name: init.name,
      dims: init.dims,
      dataType: elementType(init.type),
      ...(init.type === 'float32'
        ? { floatData: Array.from(init.values) }
        : { int64Data: Array.from(init.values, (value) => value) }),
    }),
  );
  const model = ModelProto.create({
    irVersion: 8,
    producerName: 'medkit',
    opsetImport: [OperatorSetIdProto.create({ domain: '', version: graph.opset ?? 17 })],
    graph: GraphProto.create({
      name: graph.name ?? 'medkit-tiny',
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      initializer: initializers,
      node: graph.nodes.map((node, index) =>
        NodeProto.create({
          name: `${node.op.toLowerCase()}_${index}`,
          opType: node.op,
          input: node.inputs,
          output: node.outputs,
          attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attribute(name, value)),
        }),
      ),
    }),
  });
  return ModelProto.encode(model).finish();
}

/**
 * A tiny segmenter with the contract CARE's ONNX segmenter documents: `pixel_values` float32 [1, 3, H, W]
 * in 0..1 and `input_ids` int64 [1, T] → `mask` float32 [1, 1, H, W], a per-pixel probability. It computes
 * sigmoid(gain · (mean over channels − threshold)) and adds `textGain · mean(input_ids)` to the logit, so the
 * text really reaches the output (tests check that).
 */
export function tinySegmenterOnnx(options: { threshold?: number; gain?: number; textGain?: number } = {}) {
  const gain = options.gain ?? 20;
  const threshold = options.threshold ?? 0.5;
  return buildOnnxModel({
    name: 'tiny-segmenter',
    inputs: [
      { name: 'pixel_values', type: 'float32', shape: [1, 3, 'height', 'width'] },
      { name: 'input_ids', type: 'int64', shape: [1, 'tokens'] },
    ],
    outputs: [{ name: 'mask', type: 'float32', shape: [1, 1, 'height', 'width'] }],
    initializers: [
      { name: 'gain', type: 'float32', dims: [], values: [gain] },
      { name: 'threshold', type: 'float32', dims: [], values: [threshold] },
      { name: 'text_gain', type: 'float32', dims: [], values: [options.textGain ?? 0] },
    ],
    nodes: [
      { op: 'ReduceMean', inputs: ['pixel_values'], outputs: ['gray'], attributes: { axes: [1], keepdims: 1 } },
      { op: 'Sub', inputs: ['gray', 'threshold'], outputs: ['centred'] },
      { op: 'Mul', inputs: ['centred', 'gain'], outputs: ['image_logit'] },
      { op: 'Cast', inputs: ['input_ids'], outputs: ['ids_float'], attributes: { to: 1 } },
      { op: 'ReduceMean', inputs: ['ids_float'], outputs: ['ids_mean'], attributes: { keepdims: 0 } },
      { op: 'Mul', inputs: ['ids_mean', 'text_gain'], outputs: ['text_logit'] },
      { op: 'Add', inputs: ['image_logit', 'text_logit'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: ['mask'] },
    ],
  });
}

/**
 * A tiny per-patch encoder: `pixel_values` float32 [B, 3, H, W] → `features` float32 [B, N, D] with
 * N = (H/patch)·(W/patch) patches in row-major order, through one strided convolution with fixed
 * deterministic weights (a seeded sine pattern), as a ViT patch embedding does.
 */
export function tinyPatchEncoderOnnx(options: { patch?: number; dim?: number } = {}) {
  const patch = options.patch ?? 16;
  const dim = options.dim ?? 8;
  const weights = Array.from({ length: dim * 3 * patch * patch }, (_, index) => Math.sin(index * 12.9898) * 0.05);
  return buildOnnxModel({
    name: 'tiny-patch-encoder',
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    outputs: [{ name: 'features', type: 'float32', shape: ['batch', 'patches', dim] }],
    initializers: [
      { name: 'kernel', type: 'float32', dims: [dim, 3, patch, patch], values: weights },
      { name: 'flat_shape', type: 'int64', dims: [3], values: [0, dim, -1] },
    ],
    nodes: [
      { op: 'Conv', inputs: ['pixel_values', 'kernel'], outputs: ['grid'], attributes: { strides: [patch, patch] } },
      { op: 'Reshape', inputs: ['grid', 'flat_shape'], outputs: ['flat'] },
      { op: 'Transpose', inputs: ['flat'], outputs: ['features'], attributes: { perm: [0, 2, 1] } },
    ],
  });
}

/**
 * A tiny sentence encoder with MiniLM's interface: `input_ids` and `attention_mask` int64 [B, T] →
 * `last_hidden_state` float32 [B, T, D] (an embedding-table lookup), to be mean-pooled by the caller.
 */
export function tinyTextEncoderOnnx(options: { vocab?: number; dim?: number } = {}) {
  const vocab = options.vocab ?? 64;
  const dim = options.dim ?? 8;
  const table = Array.from({ length: vocab * dim }, (_, index) => Math.cos(index * 0.731) * 0.5);
  return buildOnnxModel({
    name: 'tiny-text-encoder',
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['batch', 'tokens'] },
      { name: 'attention_mask', type: 'int64', shape: ['batch', 'tokens'] },
    ],
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'tokens', dim] }],
    initializers: [
      { name: 'table', type: 'float32', dims: [vocab, dim], values: table },
      { name: 'last_axis', type: 'int64', dims: [1], values: [2] },
    ],
    nodes: [
      { op: 'Gather', inputs: ['table', 'input_ids'], outputs: ['embedded'], attributes: { axis: 0 } },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_float'], attributes: { to: 1 } },
      { op: 'Unsqueeze', inputs: ['mask_float', 'last_axis'], outputs: ['mask3'] },
      { op: 'Mul', inputs: ['embedded', 'mask3'], outputs: ['last_hidden_state'] },
    ],
  });
}
