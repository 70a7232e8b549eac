// MedThinkVQA scorers: accuracy (src/scoring/choice.ts on the final reply), ROUGE-L of steps 1–2
// against the expert intermediates (captions per image; IMAGING_FINDINGS), and the step-3 judge
// (src/scoring/step-judge.ts, role 'judge'). RadCliQ is not computed (see README).
import type { Scorer } from '../../core/index.js';
import { rougeL } from '../../scoring/rouge.js';
import { stepJudgeScorer } from '../../scoring/step-judge.js';
import type { CaseImage } from './items.js';
import type { TwiOutput } from './solver.js';

/** step1_rouge_l: mean over images with a caption of ROUGE-L F1 (finding k vs caption k); step2_rouge_l: summary vs IMAGING_FINDINGS. */
export function twiRougeScorer(): Scorer {
  return {
    name: 'twi_rouge',
    params: {
      metric: 'ROUGE-L F1 (rouge_score tokenisation, no stemming)',
      step1: 'per image vs its caption',
      step2: 'summary vs IMAGING_FINDINGS',
    },
    async score(state) {
      const twi = state.metadata.twi as TwiOutput | undefined;
      if (!twi) return { value: null, explanation: 'no think-with-images output' };
      const images = (state.sample.metadata?.images ?? []) as unknown as CaseImage[];
      const pairs = images
        .map((image, index) => [twi.step1_per_image_findings[index] ?? '', image.caption] as const)
        .filter(([, caption]) => caption.trim() !== '');
      const step1 =
        pairs.length && twi.step1_per_image_findings.length
          ? pairs.reduce((sum, [finding, caption]) => sum + rougeL(finding, caption).f1, 0) / pairs.length
          : null;
      const findings = String(state.sample.metadata?.imaging_findings ?? '');
      const step2 =
        findings.trim() && twi.step2_integrated_summary.trim()
          ? rougeL(twi.step2_integrated_summary, findings).f1
          : null;
      return {
        value: { step1_rouge_l: step1, step2_rouge_l: step2 },
        explanation: `step 1 over ${pairs.length} captioned images; step 2 ${step2 === null ? 'not scored (no summary or no expert findings)' : 'vs IMAGING_FINDINGS'}`,
      };
    },
  };
}

export function medthinkStepJudge(splitter: 'llm' | 'sentences' = 'llm'): Scorer {
  return stepJudgeScorer({
    splitter,
    rationale: (state) => String((state.metadata.twi as TwiOutput | undefined)?.step3_differential_reasoning ?? ''),
    judgeCase: (state) => {
      const metadata = state.sample.metadata ?? {};
      const images = (metadata.images ?? []) as unknown as CaseImage[];
      return {
        title: String(metadata.title ?? ''),
        clinicalHistory: String(metadata.clinical_history ?? ''),
        imagingFindings: String(metadata.imaging_findings ?? ''),
        discussion: String(metadata.discussion ?? ''),
        finalDiagnosis: String(metadata.correct_answer_text ?? state.sample.target),
        captions: images.map((image) => image.caption).filter(Boolean),
      };
    },
  });
}
