// Small fixtures for the GALAX tests: temp folders and a tiny synthetic benchmark configuration.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `medkit-galax-${prefix}-`));

/** A small world: 120 genes, 4 modules, 2 diseases; cheap enough for unit tests. */
export const smallArgs = {
  lines: 2,
  referenceLines: 12,
  genes: 120,
  modules: 4,
  diseases: 2,
  answerSize: 12,
  maxSteps: 6,
};
