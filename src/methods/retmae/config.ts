// The training configuration handed to an external MAE trainer alongside the HF-token manifests. Values the
// paper states are marked exact; the rest are unconfirmed and left as documented parameters.
export function retmaeTrainingConfig(overrides: { manifests?: string; aux?: boolean } = {}) {
  return {
    method: 'RetMAE (HighFreqMI)',
    source: 'OpenReview K5tcKEQaUr; code unconfirmed',
    loss: {
      formula: 'L_total = λ_rec·L_rec + λ_hmi·L_MINE(Z, Z_c^HF) + λ_aux·L_MINE(Z, Z_c^aux)',
      lambda_rec: 1,
      lambda_hmi: 0.1,
      lambda_aux: overrides.aux === false ? 0 : 0.01,
      mine: 'Donsker–Varadhan bound, negatives shuffled within the batch',
      hmi_warmup: 'L_hmi is warmed up until the EMA teacher stabilises (length unconfirmed)',
    },
    student: { masking: 'standard random MAE masking (mask ratio unconfirmed)' },
    teacher: {
      kind: 'EMA of the student encoder',
      input: 'only the high-frequency tokens (top 25%) listed in each image manifest',
      momentum: 'unconfirmed (parameter)',
    },
    aux: { encoder: 'a frozen retinal encoder, e.g. RET-CLIP (optional)', enabled: overrides.aux !== false },
    manifests: overrides.manifests ?? null,
    manifest_format: 'medkit-retmae-hf/1: {image, size, patch, grid, kept (patch ids, best first), scores, params}',
    unconfirmed: [
      'ViT size',
      'image size',
      'mask ratio',
      'MINE critic',
      'EMA momentum',
      'warm-up length',
      'FOV/Gaussian σ',
    ],
  };
}
