// The reference vision model (src/models/reference-vision: deterministic pixel rules, NOT a language model)
// as the image-reading part of the rules verifier (`--image-verifier reference-vision`). The rules verifier
// cannot judge Image–Text Consistency and counts it as passed under `rules-only`; where the reference model
// can see what the caption claims, it judges that gate instead: the figure is a chest radiograph and the
// caption names a nodule or mass (its detector finds bright blobs in the lung fields; its README). It is
// asked the presence question on the first image; "yes" earns the gate, "no" scores it 0. Elsewhere the gate
// stays assumed (listed per item). Each item records the gates the reference model judged and its answer.
import { imageFromPath, mediaTypeForPath, textPart, userMessage } from '../core/index.js';
import { addUsage, type ModelBinding, type RoleUsage } from '../runner/context.js';
import type { SynthVerifier } from './pipeline.js';

export const IMAGE_TEXT_GATE = 'Image\u2013Text Consistency';
export const VISION_QUESTION = 'Is there a nodule or mass in this chest radiograph?';
const SEEN_FINDING = /\b(nodules?|mass(es)?)\b/i;

/** Why the reference model cannot judge this figure, or undefined when it can. */
export function visionNotApplicable(figure: {
  caption: string;
  modality?: string;
  anatomy?: string;
}): string | undefined {
  const chest = figure.anatomy === 'chest' || /\bchest\b/i.test(figure.caption);
  const radiograph = /x-ray|radiograph/i.test(`${figure.modality ?? ''} ${figure.caption}`);
  if (!chest || !radiograph) return 'not a chest radiograph';
  if (!SEEN_FINDING.test(figure.caption)) return 'the caption names no nodule or mass';
  return undefined;
}

export function withImageVerifier(base: SynthVerifier, vision: ModelBinding, signal?: AbortSignal): SynthVerifier {
  const usage: Partial<Record<'role', RoleUsage>> = {};
  return {
    name: `${base.name} + ${vision.name} (reference vision model: pixel rules, not an LLM)`,
    promptHash: base.promptHash,
    usage: () => usage.role,
    async verify(figure, mcq) {
      const verdict = await base.verify(figure, mcq);
      const gate = verdict.rubric?.find((item) => String(item.title).toLowerCase() === IMAGE_TEXT_GATE.toLowerCase());
      if (!gate || !verdict.assumedPassed?.includes(IMAGE_TEXT_GATE)) return verdict;
      const skip = visionNotApplicable(figure);
      if (skip) return { ...verdict, vision: { judged: [], note: `reference vision model: ${skip}; gate not judged` } };
      const image = figure.images[0]!;
      const output = await vision.generate(
        {
          messages: [
            userMessage([imageFromPath(image, mediaTypeForPath(image), 'Image 1'), textPart(VISION_QUESTION)]),
          ],
          config: { temperature: 0 },
        },
        signal ?? new AbortController().signal,
      );
      addUsage(usage, 'role', output);
      const answer = /<answer>\s*(yes|no)\s*<\/answer>/i.exec(output.text)?.[1]?.toLowerCase();
      const seen = answer === 'yes';
      gate.score = seen ? gate.weight : 0;
      const note = `reference vision model (pixel rules, not an LLM) asked "${VISION_QUESTION}": ${answer ?? 'no yes/no answer'}`;
      gate.notes = note;
      gate.description = 'judged by the reference vision model (pixel rules, not an LLM)';
      return {
        ...verdict,
        assumedPassed: verdict.assumedPassed.filter((title) => title !== IMAGE_TEXT_GATE),
        vision: { judged: [IMAGE_TEXT_GATE], answer: answer ?? null, note },
      };
    },
  };
}
