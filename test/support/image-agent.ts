// The set-up the image-agent tests share (CARE, MedVR, their viewer test): a chest phantom with a nodule of a
// given size written as a PNG with its closed question, and a one-off benchmark tagged for the image agents.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineBenchmark, generate, type Benchmark, type Sample, type TranscriptEvent } from '../../src/core/index.js';
import { encodePng, generateChestXray } from '../../src/imaging/index.js';
import { closedAnswerScorer } from '../../src/scoring/closed-answer.js';

/**
 * `folder/<id>.png`: a 512² chest phantom with one nodule of `sizePx` (none for 0), asked "Is there a lung
 * nodule?"; target yes/no, `metadata.box` the nodule's box. `bytes` replaces the PNG (an undecodable image).
 */
export async function phantomSample(folder: string, id: string, sizePx: number, bytes?: Uint8Array): Promise<Sample> {
  const path = join(folder, `${id}.png`);
  const phantom = generateChestXray({
    seed: id,
    width: 512,
    height: 512,
    findings: sizePx ? [{ label: 'nodule', sizePx }] : [],
  });
  writeFileSync(path, bytes ?? (await encodePng(phantom.raster)));
  const box = phantom.findings[0]?.box;
  return {
    id,
    input: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Is there a lung nodule? Answer yes or no.' },
          { type: 'image', source: { kind: 'path', path }, mediaType: 'image/png' },
        ],
      },
    ],
    target: sizePx ? 'yes' : 'no',
    metadata: { box: box ? [box.x1, box.y1, box.x2, box.y2] : null, width: 512, height: 512 },
  };
}

/** A benchmark over `samples` tagged image-vqa + closed-answer + single-image, scored by closed_answer. */
export const imageAgentBench = (samples: Sample[], name = 'image-agent-test'): Benchmark =>
  defineBenchmark({
    name,
    version: 1,
    description: 'test',
    tags: ['image-vqa', 'closed-answer', 'single-image'],
    dataset: () => samples,
    solvers: { baseline: () => generate(), default: () => generate() },
    scorers: () => [closedAnswerScorer()],
  });

/** The evidence events of one kind, with their data. */
export const evidenceOf = (events: TranscriptEvent[], kind: string) =>
  events.filter((event) => event.type === 'evidence' && event.kind === kind) as unknown as {
    title: string;
    data: Record<string, unknown>;
  }[];
