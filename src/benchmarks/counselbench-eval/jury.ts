// A jury of EVAL judges (--arg jury=judge,grader,validator): each role's model rates the six
// dimensions with the same prompt; per dimension the jurors' values are combined by mean (default)
// or majority (src/scoring/jury.ts), and every juror's rating is kept in the score's metadata and
// as `judge` evidence.
import { inputText, MODEL_ROLES, type JsonObject, type ModelRole, type Score, type Scorer } from '../../core/index.js';
import { combineVerdicts, type JuryCombine } from '../../scoring/jury.js';
import { judgeScore, rateResponse, recordJudgeEvidence } from './judge.js';
import type { CounselTemplates } from './prompts.js';
import { DIMENSIONS } from './ratings.js';

export function parseJuryRoles(text: string): ModelRole[] {
  const roles = text
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  for (const role of roles)
    if (!(MODEL_ROLES as readonly string[]).includes(role))
      throw new Error(`--arg jury: "${role}" is not a role (${MODEL_ROLES.join(', ')})`);
  if (roles.length < 2) throw new Error('--arg jury needs at least two roles, e.g. jury=judge,grader,validator');
  return roles as ModelRole[];
}

export function counselJury({
  roles,
  combine = 'mean',
  temperature = 0,
  templates = {},
}: {
  roles: ModelRole[];
  combine?: JuryCombine;
  temperature?: number;
  templates?: CounselTemplates;
}): Scorer {
  return {
    name: 'counsel-jury',
    params: { roles, combine, temperature, ...(templates.single_eval ? { prompt: templates.single_eval.source } : {}) },
    successRates: false,
    async score(state, context): Promise<Score> {
      const present = roles.filter((role) => context.hasRole(role));
      const missing = roles.filter((role) => !context.hasRole(role));
      if (present.length === 0)
        return {
          value: null,
          explanation: `no juror has a model: give --role ${roles.map((role) => `${role}=<provider:model>`).join(' --role ')}`,
        };
      const results = await Promise.all(
        present.map((role) =>
          rateResponse(inputText(state.sample), state.output.text, context, {
            temperature,
            role,
            useLexicon: false,
            templates,
          }),
        ),
      );
      results.forEach((result) => recordJudgeEvidence(context, result));
      const value: Record<string, number | null> = {};
      const jurors = results.map((result, index) => ({ role: present[index]!, ...judgeScore(result) }));
      const notes: string[] = [];
      for (const spec of DIMENSIONS) {
        const combined = combineVerdicts(
          jurors.map((juror) => juror.value[spec.scoreKey] ?? null),
          combine,
        );
        value[spec.scoreKey] = typeof combined.value === 'number' ? combined.value : null;
        if (combined.dropped || combined.tie)
          notes.push(`${spec.label}: ${combined.n} of ${jurors.length} jurors${combined.tie ? ', tied' : ''}`);
      }
      return {
        value,
        answer: state.output.text,
        explanation: [
          `${combine} of ${present.length} jurors (${present.join(', ')})`,
          ...(missing.length ? [`jurors without a model (left out): ${missing.join(', ')}`] : []),
          ...notes,
        ].join('\n'),
        metadata: {
          combine,
          missing,
          jurors: jurors.map((juror) => ({
            role: juror.role,
            value: juror.value,
            ...juror.metadata,
          })) as unknown as JsonObject[],
        },
      };
    },
  };
}
