import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMiniKg } from '../../src/kg/minikg.js';
import { EntityLinker, graphRelationsFor, levenshteinRatio, linkKey, linkRelation } from '../../src/kg/linking.js';
import { KGAREVION_RELATIONS } from '../../src/kg/schema.js';

const kg = loadMiniKg();
const linker = new EntityLinker(kg.graph);
const name = (text: string, types?: string[]) => linker.best(text, { types })?.name;

test('entity linking: exact names, synonyms, possessives, cross-references', () => {
  assert.equal(linkKey("Alzheimer's Disease"), 'alzheimer disease');
  assert.equal(name('metformin'), 'Metformin');
  assert.equal(name('Glucophage'), 'Metformin');
  assert.equal(name("Parkinson's disease"), 'Parkinson disease');
  assert.equal(name('HER2'), 'ERBB2');
  assert.equal(name('COX-2'), 'PTGS2');
  assert.equal(name('NCBIGene:7157'), 'TP53');
  assert.equal(name('DB00945'), 'Aspirin');
  assert.equal(name('OMIM:219700'), 'cystic fibrosis');
  const synonym = linker.best('acetylsalicylic acid')!;
  assert.deepEqual([synonym.matchedOn, synonym.score], ['synonym', 0.97]);
});

test('entity linking: fuzzy matches (only when asked) carry scores below exact ones; types filter', () => {
  assert.deepEqual(linker.link('atorvastatine'), []);
  const typo = linker.link('atorvastatine', { fuzzy: 0.6 })[0]!;
  assert.equal(typo.name, 'Atorvastatin');
  assert.equal(typo.matchedOn, 'fuzzy');
  assert.ok(typo.score > 0.7 && typo.score < 0.9, `${typo.score}`);
  assert.equal(name('cystic fibrosis', ['gene/protein']), undefined);
  assert.equal(name('Hyperkalemia', ['effect/phenotype']), 'Hyperkalemia');
  assert.equal(name('hyperkalemia', ['disease']), 'hyperkalemia');
  assert.ok(levenshteinRatio('kitten', 'sitting') > 0.5);
});

test('entity linking: unlinkable entities give no candidate', () => {
  assert.deepEqual(linker.link('quantum chromodynamics flux capacitor'), []);
  assert.equal(linker.best(''), undefined);
  assert.equal(linker.best('zz'), undefined);
});

test('relation linking onto the 18 relations, with node types to break ties', () => {
  assert.deepEqual(linkRelation('indication'), { relation: 'indication', score: 1, via: 'exact' });
  assert.equal(linkRelation('is used to treat')?.relation, 'indication');
  assert.equal(linkRelation('treats')?.relation, 'indication');
  assert.equal(linkRelation('inhibits')?.relation, 'target');
  assert.equal(linkRelation('metabolized by')?.relation, 'enzyme');
  assert.equal(linkRelation('protein_protein')?.relation, 'protein_protein');
  assert.equal(linkRelation('presents with')?.relation, 'phenotype present');
  assert.equal(linkRelation('causes', { headType: 'drug', tailType: 'effect/phenotype' })?.relation, 'side effect');
  assert.equal(
    linkRelation('mutation in', { headType: 'disease', tailType: 'gene/protein' })?.relation,
    'associated with',
  );
  assert.equal(linkRelation('frobnicates'), undefined);
  assert.deepEqual(
    graphRelationsFor(kg.graph, 'target').map((r) => kg.graph.relations[r]!.display),
    ['target'],
  );
  assert.equal(graphRelationsFor(kg.graph, 'protein_protein').length, 1);
});

test('each of the 18 relation names links to itself exactly, in any case or with underscores', () => {
  for (const relation of KGAREVION_RELATIONS) {
    assert.deepEqual(linkRelation(relation), { relation, score: 1, via: 'exact' });
    assert.equal(linkRelation(relation.toUpperCase().replace(/ /g, '_'))?.relation, relation);
  }
});
