// Synthetic lines → samples: the case (ranked omics lists, KG context, full omics values), the
// question, the planted truth, and two cached files: the PPI network (TSV) and the labelled
// reference profiles (JSONL, omics profile format) that train GALAX's reward classifier.
import { mkdir, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue, Sample } from '../../core/index.js';
import { hashSeed } from '../../stats/random.js';
import {
  generateLines,
  generateWorld,
  topOf,
  type SyntheticLine,
  type SyntheticOptions,
  type SyntheticWorld,
} from './generator.js';
import { targetQuestion, type TargetCaseJson } from './prompt.js';

export interface SyntheticDatasetOptions {
  dataSeed: number;
  lines: number;
  referenceLines: number;
  generator?: Partial<SyntheticOptions>;
  cacheDir: string;
}

export function caseOfLine(world: SyntheticWorld, line: SyntheticLine): TargetCaseJson {
  const k = world.options.topK;
  const topGenes = topOf(line.omics.cnv, k);
  const topTranscripts = topOf(line.omics.expression, k);
  const topProteins = topOf(line.omics.protein, k);
  const disease = world.diseases.find((entry) => entry.name === line.disease)!;
  const context = new Set([...disease.proteins, ...topGenes, ...topTranscripts, ...topProteins]);
  const relations = world.ppi.filter(([a, b]) => context.has(a) && context.has(b)).map(([a, b]) => `${a} -> ${b}`);
  return {
    cellLine: line.cellLine,
    disease: line.disease,
    topGenes,
    topTranscripts,
    topProteins,
    diseaseProteins: disease.proteins,
    ppiNeighbors: [],
    relations,
    answerSize: world.options.answerSize,
    omics: line.omics,
  };
}

async function writeOnce(path: string, content: () => string): Promise<void> {
  if (existsSync(path)) return;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content());
  await rename(temporary, path);
}

export async function syntheticSamples(options: SyntheticDatasetOptions): Promise<Sample[]> {
  const world = generateWorld(options.dataSeed, options.generator);
  const key = hashSeed(JSON.stringify(world.options), options.dataSeed, options.referenceLines).toString(16);
  const folder = join(options.cacheDir, 'target-qa-synthetic', key);
  await mkdir(folder, { recursive: true });
  const ppiPath = join(folder, 'ppi.tsv');
  const referencePath = join(folder, `reference-${options.referenceLines}.jsonl`);
  await writeOnce(ppiPath, () => ['source\ttarget', ...world.ppi.map(([a, b]) => `${a}\t${b}`)].join('\n') + '\n');
  await writeOnce(
    referencePath,
    () =>
      generateLines(world, 'reference', options.referenceLines)
        .map((line) =>
          JSON.stringify({
            id: line.id,
            cellLine: line.cellLine,
            disease: line.disease,
            label: line.label,
            omics: line.omics,
            diseaseProteins: world.diseases.find((entry) => entry.name === line.disease)!.proteins,
          }),
        )
        .join('\n') + '\n',
  );
  return generateLines(world, 'test', options.lines).map((line) => {
    const targetCase = caseOfLine(world, line);
    return {
      id: line.id,
      input: targetQuestion(targetCase),
      target: line.truth,
      metadata: {
        case: targetCase as unknown as JsonValue,
        disease: line.disease,
        cellLine: line.cellLine,
        activeModules: line.activeModules,
        synthetic: true,
      },
      files: { ppi: ppiPath, reference: referencePath },
    } satisfies Sample;
  });
}
