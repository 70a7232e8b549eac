import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SampleFormatError } from '../../src/core/errors.js';
import { loadHetionet, loadPrimeKg } from '../../src/kg/loaders.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-kg-'));
const HEADER = 'relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source';

test('PrimeKG kg.csv through csv-parse: BOM, CRLF, quoted commas, quotes and newlines, blank lines', async () => {
  const file = join(dir, 'quoted.csv');
  const rows = [
    HEADER,
    'indication,indication,10,DB00945,drug,Aspirin,DrugBank,30,123,disease,"pain, ""acute""",MONDO',
    '',
    'indication,indication,10,DB00945,drug,Aspirin,DrugBank,31,124,disease,"two\r\nlines",MONDO',
    'drug_protein,target,10,DB00945,drug,Aspirin,DrugBank,20,5743,gene/protein,PTGS2',
  ];
  writeFileSync(file, `\uFEFF${rows.join('\r\n')}\r\n`);
  const seen: SampleFormatError[] = [];
  const { graph, stats } = await loadPrimeKg(file, { lenient: true, onError: (error) => seen.push(error) });
  assert.equal(stats.rows, 2);
  assert.equal(graph.nodeName(graph.indexOf('30')), 'pain, "acute"');
  assert.equal(graph.nodeName(graph.indexOf('31')), 'two\r\nlines');
  // The short row starts on line 6: the quoted CRLF on line 4 is one row over two lines.
  assert.deepEqual(
    seen.map((error) => error.message),
    [`${file}:6: row: expected 12 fields, found 11`],
  );
});

test('PrimeKG: an unterminated quote is a data error naming file:line, also in lenient mode', async () => {
  const file = join(dir, 'open-quote.csv');
  writeFileSync(
    file,
    [
      HEADER,
      'drug_protein,target,10,DB00945,drug,Aspirin,DrugBank,20,5743,gene/protein,PTGS2,NCBI',
      'indication,indication,10,DB00945,drug,Aspirin,DrugBank,30,123,disease,"pain, acute,MONDO',
      'drug_protein,target,20,5743,gene/protein,PTGS2,NCBI,10,DB00945,drug,Aspirin,DrugBank',
    ].join('\n'),
  );
  for (const lenient of [false, true]) {
    await assert.rejects(loadPrimeKg(file, { lenient }), (error: unknown) => {
      assert.ok(error instanceof SampleFormatError, String(error));
      assert.equal(error.line, 3);
      assert.match(error.message, /open-quote\.csv:3: \(row\): a quoted field opened on this line is never closed/);
      return true;
    });
  }
});

test('PrimeKG kg.csv: nodes, relations with display, reverse rows, xrefs', async () => {
  const file = join(dir, 'kg.csv');
  writeFileSync(
    file,
    [
      HEADER,
      'drug_protein,target,10,DB00945,drug,Aspirin,DrugBank,20,5743,gene/protein,PTGS2,NCBI',
      'drug_protein,target,20,5743,gene/protein,PTGS2,NCBI,10,DB00945,drug,Aspirin,DrugBank',
      'indication,indication,10,DB00945,drug,Aspirin,DrugBank,30,123,disease,"pain, acute",MONDO',
    ].join('\n'),
  );
  const { graph, stats } = await loadPrimeKg(file);
  assert.equal(stats.rows, 3);
  assert.equal(graph.nodeCount, 3);
  const aspirin = graph.indexOf('10');
  const ptgs2 = graph.indexOf('20');
  assert.equal(graph.nodeName(aspirin), 'Aspirin');
  assert.deepEqual(graph.xrefsOf(aspirin), ['DrugBank:DB00945']);
  assert.equal(graph.relations[graph.relationsFrom(aspirin, ptgs2)[0]!]!.display, 'target');
  assert.deepEqual(graph.findByName('PAIN, ACUTE'), [graph.indexOf('30')]);
});

test('PrimeKG: a malformed row names file and line; lenient mode skips it and goes on', async () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(
    file,
    [
      HEADER,
      'drug_protein,target,10,DB00945,drug,Aspirin,DrugBank,20,5743,gene/protein,PTGS2,NCBI',
      'drug_protein,target,10,DB00945,drug,Aspirin',
      'made_up_relation,foo,10,DB00945,drug,Aspirin,DrugBank,20,5743,gene/protein,PTGS2,NCBI',
      'indication,indication,x,DB00945,drug,Aspirin,DrugBank,30,123,disease,pain,MONDO',
      'indication,indication,10,DB00945,drug,Aspirin,DrugBank,30,123,disease,pain,MONDO',
    ].join('\n'),
  );
  await assert.rejects(loadPrimeKg(file), (error: unknown) => {
    assert.ok(error instanceof SampleFormatError);
    assert.equal(error.file, file);
    assert.equal(error.line, 3);
    assert.match(error.message, /bad\.csv:3: row: expected 12 fields, found 6/);
    return true;
  });
  const seen: SampleFormatError[] = [];
  const { graph, stats } = await loadPrimeKg(file, { lenient: true, onError: (e) => seen.push(e) });
  assert.equal(stats.rows, 2);
  assert.equal(stats.skipped, 3);
  assert.deepEqual(
    seen.map((e) => [e.line, e.field]),
    [
      [3, 'row'],
      [4, 'relation'],
      [5, 'x_index'],
    ],
  );
  assert.match(seen[1]!.message, /unknown relation 'made_up_relation'/);
  assert.equal(graph.edgeCount, 2);
});

test('PrimeKG: missing header columns are reported', async () => {
  const file = join(dir, 'header.csv');
  writeFileSync(file, 'relation,x_index\nfoo,1\n');
  await assert.rejects(loadPrimeKg(file), /header\.csv:1: header: missing column\(s\) display_relation/);
});

test('Hetionet: nodes TSV + gzipped SIF edges, unknown metaedge and unknown node', async () => {
  const nodes = join(dir, 'nodes.tsv');
  writeFileSync(
    nodes,
    'id\tname\tkind\nGene::9021\tSOCS3\tGene\nBiological Process::GO:0071357\tcellular response to type I interferon\tBiological Process\nCompound::DB00945\tAspirin\tCompound\n',
  );
  const edges = join(dir, 'edges.sif.gz');
  writeFileSync(
    edges,
    gzipSync(
      'source\tmetaedge\ttarget\nGene::9021\tGpBP\tBiological Process::GO:0071357\nCompound::DB00945\tXxY\tGene::9021\nCompound::DB00945\tCbG\tGene::0000\n',
    ),
  );
  await assert.rejects(loadHetionet({ nodes, edges }), /edges\.sif\.gz:3: metaedge: unknown metaedge 'XxY'/);
  const { graph, stats } = await loadHetionet({ nodes, edges }, { lenient: true });
  assert.equal(graph.nodeCount, 3);
  assert.equal(graph.edgeCount, 1);
  assert.equal(stats.skipped, 2);
  assert.match(stats.problems[1]!, /edges\.sif\.gz:4: target: node 'Gene::0000' is not in/);
  const gene = graph.indexOf('Gene::9021');
  assert.equal(
    graph.relations[graph.relationsFrom(gene, graph.indexOf('Biological Process::GO:0071357'))[0]!]!.display,
    'participates',
  );
});

const REAL_NODES = join(import.meta.dirname, '../../../shared/data/hetionet/hetionet-v1.0-nodes.tsv');
test('Hetionet: the real v1.0 nodes file has 47,031 nodes of 11 kinds', {
  skip: existsSync(REAL_NODES) ? false : `absent: ${REAL_NODES}`,
}, async () => {
  const { graph } = await loadHetionet({ nodes: REAL_NODES });
  assert.equal(graph.nodeCount, 47031);
  assert.equal(graph.nodeTypes().length, 11);
  assert.equal(graph.nodesOfType('Gene').length, 20945);
  assert.equal(graph.nodesOfType('Disease').length, 137);
  assert.equal(graph.nodeName(graph.indexOf('Anatomy::UBERON:0000002')), 'uterine cervix');
});

test('writeHetionet -> loadHetionet round-trips a generated graph', async () => {
  const { generateScaleFreeKg } = await import('../../src/kg/generator.js');
  const { writeHetionet } = await import('../../src/kg/loaders.js');
  const graph = generateScaleFreeKg({ seed: 5, scale: 0.003 });
  const paths = { nodes: join(dir, 'gen-nodes.tsv'), edges: join(dir, 'gen-edges.sif') };
  await writeHetionet(graph, paths);
  const { graph: back, stats } = await loadHetionet(paths);
  assert.equal(stats.skipped, 0);
  assert.equal(back.nodeCount, graph.nodeCount);
  assert.equal(back.edgeCount, graph.edgeCount);
  assert.deepEqual(back.triples().tails, graph.triples().tails);
  assert.deepEqual(back.nodeTypes().sort(), graph.nodeTypes().sort());
});

test('PrimeKG: gzipped file, limit and dedupe', async () => {
  const file = join(dir, 'kg.csv.gz');
  const row = 'drug_protein,target,10,DB00945,drug,Aspirin,DrugBank,20,5743,gene/protein,PTGS2,NCBI';
  writeFileSync(
    file,
    gzipSync(
      [HEADER, row, row, 'drug_protein,enzyme,10,DB00945,drug,Aspirin,DrugBank,21,1559,gene/protein,CYP2C9,NCBI'].join(
        '\r\n',
      ) + '\r\n',
    ),
  );
  const deduped = await loadPrimeKg(file, { dedupe: true });
  assert.equal(deduped.stats.rows, 3);
  assert.equal(deduped.graph.edgeCount, 2);
  assert.deepEqual(
    deduped.graph.relations.map((r) => `${r.name}/${r.display}`),
    ['drug_protein/target', 'drug_protein/enzyme'],
  );
  assert.equal(deduped.graph.nodeName(deduped.graph.indexOf('21')), 'CYP2C9');
  const limited = await loadPrimeKg(file, { limit: 1 });
  assert.equal(limited.graph.edgeCount, 1);
});
