// PrimeKG kg.csv loading through csv-parse (src/core/csv-file.ts) against a reference in the same
// run: the bare line loop the loader used before (forEachLine + split(',')), which does no quoting.
// Rows are PrimeKG-shaped (12 columns, a quoted name with a comma in every 10th row).
// Usage: node --import tsx bench/kg-csv.ts [--rows 500000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { forEachCsvRow } from '../src/core/csv-file.js';
import { forEachLine, loadPrimeKg } from '../src/kg/loaders.js';

const rowsArg = process.argv.indexOf('--rows');
const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 500_000;
const dir = mkdtempSync(join(tmpdir(), 'medkit-bench-kgcsv-'));
const file = join(dir, 'kg.csv');
const lines = ['relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source'];
for (let row = 0; row < rows; row++) {
  const x = row % 100_000;
  const y = (row * 7919) % 100_000;
  const name = row % 10 === 0 ? `"disease ${y}, type ${row % 3}"` : `disease ${y}`;
  lines.push(`drug_protein,target,${x},DB${x},drug,Drug ${x},DrugBank,${y},${y},disease,${name},MONDO`);
}
writeFileSync(file, `${lines.join('\n')}\n`);

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const results: { reference: number; rowsOnly: number; csvParse: number }[] = [];
for (let round = 0; round < 3; round++) {
  const reference = await time(() =>
    forEachLine(file, (line) => {
      line.split(',');
    }),
  );
  const rowsOnly = await time(() => forEachCsvRow(createReadStream(file, { highWaterMark: 1 << 20 }), file, () => {}));
  const csvParse = await time(() => loadPrimeKg(file, { allowUnknownRelations: true }));
  results.push({ reference, rowsOnly, csvParse });
}
rmSync(dir, { recursive: true, force: true });
const best = (key: 'reference' | 'rowsOnly' | 'csvParse') => Math.min(...results.map((result) => result[key]));
console.log(
  `${rows} rows: line split ${best('reference').toFixed(0)} ms; csv-parse rows alone ${best('rowsOnly').toFixed(0)} ms ` +
    `(ratio ${(best('rowsOnly') / best('reference')).toFixed(2)}); loadPrimeKg (csv-parse + graph build) ${best('csvParse').toFixed(0)} ms`,
);
