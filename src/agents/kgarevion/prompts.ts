// Prompts, written for medkit (upstream has no licence, so its prompts are not reused). They ask for
// the same JSON shapes as upstream: medical_terminologies, Triplets, Revised_Triplets, Answer.
import { choiceLetter } from '../../core/index.js';
import { KGAREVION_RELATIONS } from '../../kg/schema.js';
import type { Triplet } from './types.js';

const RELATIONS = KGAREVION_RELATIONS.map((relation) => `"${relation}"`).join(', ');

export function optionsBlock(options: readonly string[]): string {
  return options.map((option, index) => `${choiceLetter(index)}. ${option}`).join('\n');
}

export function termsPrompt(question: string): string {
  return [
    'List the biomedical entities (diseases, drugs, genes or proteins, phenotypes, anatomy) named in this question.',
    'Reply with JSON only: {"medical_terminologies": ["...", "..."]}',
    '',
    `Question: ${question}`,
  ].join('\n');
}

export function tripletsPrompt(question: string, terms: readonly string[], option?: string): string {
  return [
    'Write 1 to 3 knowledge-graph triplets [head, relation, tail] that connect the question' +
      (option ? ' and the candidate answer' : '') +
      '.',
    'Use the entities below where they fit. Triplets are undirected.',
    `The relation must be one of: ${RELATIONS}.`,
    'Reply with JSON only: {"Triplets": [["head", "relation", "tail"]]}',
    '',
    `Question: ${question}`,
    `Entities: ${terms.length ? terms.join('; ') : '(none extracted)'}`,
    ...(option ? [`Candidate answer: ${option}`] : []),
  ].join('\n');
}

export function revisePrompt(question: string, history: readonly Triplet[]): string {
  return [
    'These triplets were judged false against a biomedical knowledge graph. Write one corrected triplet that is true and relevant to the question.',
    `The relation must be one of: ${RELATIONS}.`,
    'Reply with JSON only: {"Revised_Triplets": [["head", "relation", "tail"]]}',
    '',
    `Question: ${question}`,
    'Rejected so far:',
    ...history.map(
      (t, index) =>
        `${index + 1}. [${JSON.stringify(t.head)}, ${JSON.stringify(t.relation)}, ${JSON.stringify(t.tail)}]`,
    ),
  ].join('\n');
}

export function answerPrompt(question: string, options: readonly string[], triplets: readonly Triplet[]): string {
  return [
    'Answer the question. Use the verified knowledge-graph triplets together with your own medical knowledge.',
    `Reply with JSON only: {"Answer": "<letter>"} where the letter is one of ${options.map((_, index) => choiceLetter(index)).join(', ')}.`,
    '',
    `Question: ${question}`,
    optionsBlock(options),
    '',
    'Verified triplets:',
    ...(triplets.length ? triplets.map((t) => `- (${t.head}, ${t.relation}, ${t.tail})`) : ['- (none)']),
  ].join('\n');
}

export function judgePrompt(triplet: Triplet, neighbourhood: readonly string[]): string {
  return [
    'Is this biomedical statement true? Facts from a knowledge graph around its entities are listed for reference.',
    'Reply with exactly one word: True or False.',
    '',
    `Statement: (${triplet.head}, ${triplet.relation}, ${triplet.tail})`,
    'Knowledge graph facts:',
    ...(neighbourhood.length ? neighbourhood.map((fact) => `- ${fact}`) : ['- (none found)']),
  ].join('\n');
}
