// Where an image agent writes the files its evidence names (masks, views, crops): one folder per unit under the
// run's cache folder, `<cacheDir>/<agent>/evidence/<sample>-e<epoch>-s<seed>/`, which `medkit view` serves (it
// serves ./.medkit/cache by default). Shared by CARE and MedVR.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskState } from '../core/index.js';

/** Creates and returns the unit's evidence folder (the sample id made file-safe). */
export function evidenceDir(cacheDir: string, agent: string, state: TaskState, seed: number): string {
  const dir = join(cacheDir, agent, 'evidence', `${state.sample.id.replace(/[^\w.-]/g, '_')}-e${state.epoch}-s${seed}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
