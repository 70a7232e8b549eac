// VGMED solvers. Each leaves what the scorers read in state.metadata:
//   attention: {grid: [rows, cols], resized: [w, h], layers: number[][]}   (attention-grounding metrics)
//   boxes: [[x1, y1, x2, y2], ...] in original-image pixels               (box-IoU proxy only)
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  assistantMessage,
  textPart,
  userMessage,
  imageFromPath,
  mediaTypeForPath,
  stripBom,
  type Solver,
  type TaskState,
} from '../../core/index.js';
import { clampBox, type Box } from '../../imaging/boxes.js';
import { decodeImage } from '../../imaging/image.js';
import { huatuoVisionGrid, qwen25vlGrid, uniformGrid, type TokenGridSpec } from '../../imaging/tokens.js';
import { extractBoxes } from '../../scoring/box-iou.js';
import { brightestWindow, meanPerToken } from '../../imaging/regions.js';
import { layerMaps, normaliseByGeneric } from './attention.js';
import type { VgmedTarget } from './items.js';

export type GridName = 'huatuogpt-vision' | 'qwen2.5-vl' | string;

/** 'huatuogpt-vision' (24×24 at 336²), 'qwen2.5-vl' (smart resize, max_pixels 50176, 28 px tokens) or 'RxC' evenly over the image. */
export function resolveGrid(name: GridName, original: { width: number; height: number }): TokenGridSpec {
  if (name === 'huatuogpt-vision') return huatuoVisionGrid();
  if (name === 'qwen2.5-vl') return qwen25vlGrid(original);
  const match = /^(\d+)x(\d+)$/.exec(name);
  if (match) return uniformGrid(Number(match[1]), Number(match[2]), original);
  throw new ConfigError(`unknown grid "${name}": use huatuogpt-vision, qwen2.5-vl or ROWSxCOLS (e.g. 24x24)`);
}

const targetOf = (state: TaskState) => state.sample.target as VgmedTarget;
const imageOf = (state: TaskState) => String(state.sample.files?.image ?? state.sample.metadata?.image);

function recordRegions(
  state: TaskState,
  context: Parameters<Solver['solve']>[1],
  predicted: Box[],
  source: string,
): void {
  const target = targetOf(state);
  context.record({
    type: 'evidence',
    kind: 'image-region',
    title: `${source} vs ground truth`,
    data: {
      image: imageOf(state),
      width: target.width,
      height: target.height,
      boxes: [
        ...target.boxes.map(([x1, y1, x2, y2]) => ({ x1: x1!, y1: y1!, x2: x2!, y2: y2!, label: 'ground truth' })),
        ...predicted.map((box) => ({ ...box, label: source })),
      ],
    },
  });
}

/** Baseline: brightest window as the box, token-grid mean intensity as the attention map. No model. */
export function brightestRegionSolver(gridName: GridName = 'huatuogpt-vision'): Solver {
  return {
    name: 'brightest-region',
    params: { grid: gridName, window: '1/6 of each side', attention: 'mean grey level per token' },
    async solve(state, context) {
      const raster = await decodeImage(imageOf(state));
      const box = brightestWindow(raster);
      const grid = resolveGrid(gridName, raster);
      state.metadata.attention = {
        grid: [grid.rows, grid.cols],
        resized: [grid.resized.width, grid.resized.height],
        gridName: grid.name,
        layers: [meanPerToken(raster, grid)],
        source: 'baseline: pixel intensity',
      };
      state.metadata.boxes = [[box.x1, box.y1, box.x2, box.y2]];
      state.output = { ...state.output, text: JSON.stringify({ boxes: state.metadata.boxes }), finishReason: 'stop' };
      state.messages.push(assistantMessage(state.output.text));
      recordRegions(state, context, [box], 'brightest region (baseline)');
      return state;
    },
  };
}

export interface AttentionEntry {
  grid: [number, number] | string;
  resized?: [number, number];
  maps: unknown;
  generic?: unknown;
}

export function readAttentionFile(path: string): Map<string, AttentionEntry> {
  let text: string;
  try {
    text = stripBom(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the attention file (${(error as Error).message})`);
  }
  const entries = new Map<string, AttentionEntry>();
  const add = (id: unknown, entry: unknown, where: string) => {
    if (!entry || typeof entry !== 'object' || !('maps' in entry) || !('grid' in entry))
      throw new ConfigError(`${where}: needs "grid" ([rows, cols] or a grid name) and "maps"`);
    entries.set(String(id), entry as AttentionEntry);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    const object = JSON.parse(trimmed) as Record<string, unknown>;
    for (const [id, entry] of Object.entries(object)) add(id, entry, `${path}: "${id}"`);
  } else {
    trimmed.split('\n').forEach((line, index) => {
      if (!line.trim()) return;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new ConfigError(`${path}:${index + 1}: is not JSON`);
      }
      add(value.id, value, `${path}:${index + 1}`);
    });
  }
  return entries;
}

/**
 * Attention maps the user extracted from a white-box model: a JSON object {<sample id>: entry} or
 * JSONL of {id, ...entry}, entry = {grid: [rows, cols] | 'huatuogpt-vision' | 'qwen2.5-vl',
 * resized?: [w, h], maps: [layer][token] | [layer][head][token], generic?: same shape}.
 * With `generic`, the normalised map query / (generic + 1e-8) is used, as VGMED does.
 */
export function attentionMapsSolver(path: string | undefined): Solver {
  let entries: Map<string, AttentionEntry> | undefined;
  return {
    name: 'attention-maps',
    params: { attention: path ?? null },
    async solve(state, context) {
      if (!path)
        throw new ConfigError('the attention-maps solver needs --arg attention=<file with the maps per sample id>');
      entries ??= readAttentionFile(path);
      const entry = entries.get(state.sample.id);
      if (!entry) throw new ConfigError(`${path}: no attention maps for sample "${state.sample.id}"`);
      const target = targetOf(state);
      const grid =
        typeof entry.grid === 'string'
          ? resolveGrid(entry.grid, target)
          : resolveGrid(`${entry.grid[0]}x${entry.grid[1]}`, target);
      const where = `${path}: "${state.sample.id}"`;
      const tokens = grid.rows * grid.cols;
      let layers = layerMaps(entry.maps, tokens, where);
      let normalised = false;
      if (entry.generic !== undefined) {
        const generic = layerMaps(entry.generic, tokens, `${where} generic`);
        if (generic.length !== layers.length)
          throw new ConfigError(`${where}: ${layers.length} query layers but ${generic.length} generic layers`);
        layers = layers.map((layer, index) => normaliseByGeneric(layer, generic[index]!, where));
        normalised = true;
      }
      const resized = entry.resized ?? [grid.resized.width, grid.resized.height];
      state.metadata.attention = {
        grid: [grid.rows, grid.cols],
        resized,
        gridName: typeof entry.grid === 'string' ? entry.grid : grid.name,
        layers,
        normalised,
        source: path,
      };
      context.record({
        type: 'info',
        message: `attention maps: ${layers.length} layers on a ${grid.rows}×${grid.cols} grid${normalised ? ', normalised by the generic map' : ''}`,
      });
      return state;
    },
  };
}

export type BoxUnits = 'pixel' | 'per1000' | 'unit';

/** Box proxy for API models (NOT the VGMED metric): ask the model for the box of what the question names. */
export function boxProxySolver(units: BoxUnits = 'pixel'): Solver {
  return {
    name: 'box-proxy',
    params: { units, note: 'box-IoU proxy for API models; not the VGMED attention metric' },
    async solve(state, context) {
      const target = targetOf(state);
      const image = imageOf(state);
      const frame =
        units === 'pixel'
          ? `The image is ${target.width}×${target.height} pixels; give pixel coordinates (origin top-left, x to the right, y down).`
          : units === 'per1000'
            ? 'Give coordinates normalised to 0–1000 (origin top-left, x to the right, y down).'
            : 'Give coordinates normalised to 0–1 (origin top-left, x to the right, y down).';
      const question = String(state.sample.metadata?.question ?? '');
      state.messages = [
        userMessage([
          imageFromPath(image, mediaTypeForPath(image)),
          textPart(
            `${question}\n\nOutline the region this question is about with bounding boxes. ${frame}\nReply with JSON only: {"boxes": [[x1, y1, x2, y2]]}`,
          ),
        ]),
      ];
      const output = await context.generate({ messages: state.messages, config: { ...context.generateConfig } });
      state.output = output;
      state.messages.push(assistantMessage(output.text));
      const scale = (box: Box): Box =>
        units === 'pixel'
          ? box
          : units === 'per1000'
            ? {
                x1: (box.x1 / 1000) * target.width,
                y1: (box.y1 / 1000) * target.height,
                x2: (box.x2 / 1000) * target.width,
                y2: (box.y2 / 1000) * target.height,
              }
            : {
                x1: box.x1 * target.width,
                y1: box.y1 * target.height,
                x2: box.x2 * target.width,
                y2: box.y2 * target.height,
              };
      const problems: string[] = [];
      const boxes: Box[] = [];
      for (const raw of extractBoxes(output.text)) {
        let box = scale(raw);
        if (box.x2 < box.x1 || box.y2 < box.y1) {
          problems.push(`swapped corners [${raw.x1}, ${raw.y1}, ${raw.x2}, ${raw.y2}] were put in order`);
          box = {
            x1: Math.min(box.x1, box.x2),
            y1: Math.min(box.y1, box.y2),
            x2: Math.max(box.x1, box.x2),
            y2: Math.max(box.y1, box.y2),
          };
        }
        const clamped = clampBox(box, target);
        if (clamped.x1 !== box.x1 || clamped.y1 !== box.y1 || clamped.x2 !== box.x2 || clamped.y2 !== box.y2)
          problems.push(
            `box [${raw.x1}, ${raw.y1}, ${raw.x2}, ${raw.y2}] reached outside the ${target.width}×${target.height} image and was clipped`,
          );
        if (clamped.x2 > clamped.x1 && clamped.y2 > clamped.y1) boxes.push(clamped);
      }
      state.metadata.boxes = boxes.map((box) => [box.x1, box.y1, box.x2, box.y2]);
      if (problems.length) state.metadata.boxProblems = problems;
      if (boxes.length === 0) state.metadata.boxProblems = [...problems, 'no usable box in the reply'];
      recordRegions(state, context, boxes, 'model box (proxy)');
      return state;
    },
  };
}
