// CounselChat (nbertagnolli/counsel-chat, 20200325_counsel_chat.csv) and CounselBench's question
// selection (upstream preprocess/counsel_chat.py): top 20 topics by number of questions (after
// excluding intimacy, human-sexuality, lgbtq, spirituality), 5 questions per topic by the upvotes
// of their best answer of ≤ 250 words, hand-removed IDs dropped. Where upstream samples ties at
// random (pandas, random_state=42), medkit takes file order — documented in README.md.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { ConfigError, SampleFormatError, csvRecords, type Sample } from '../../core/index.js';
import { MAX_WORDS, wordCount } from './prompts.js';
import { questionInput } from './questions.js';

export const COUNSELCHAT_COLUMNS = [
  'questionID',
  'questionTitle',
  'questionText',
  'questionLink',
  'topic',
  'therapistInfo',
  'therapistURL',
  'answerText',
  'upvotes',
  'views',
  'split',
] as const;
export const EXCLUDED_TOPICS = ['intimacy', 'human-sexuality', 'lgbtq', 'spirituality'];
export const REMOVED_QUESTION_IDS = [766, 737, 351, 347, 934, 446, 441];
/** Upstream replaces the top answer of these two questions by the second most upvoted one (religious or sexual content). */
export const SECOND_ANSWER_QUESTION_IDS = [250, 355];

export interface CounselChatAnswer {
  line: number;
  questionID: number;
  questionTitle: string;
  questionText: string;
  topic: string;
  therapistInfo: string;
  answerText: string;
  upvotes: number;
  views: number;
}

export async function readCounselChat(file: string): Promise<CounselChatAnswer[]> {
  if (!existsSync(file))
    throw new ConfigError(`${file}: no such file (CounselChat CSV expected, e.g. 20200325_counsel_chat.csv)`);
  const { records, missing } = csvRecords(await readFile(file, 'utf8'), file, [
    'questionID',
    'questionTitle',
    'questionText',
    'topic',
    'answerText',
    'upvotes',
  ]);
  if (missing.length > 0) throw new SampleFormatError(file, 1, missing.join(', '), 'column(s) missing from the header');
  return records.map(({ line, values }) => {
    const int = (field: string) => {
      const value = Number(values[field]);
      if (values[field] === '' || !Number.isInteger(value))
        throw new SampleFormatError(file, line, field, `expected an integer, got "${values[field]}"`);
      return value;
    };
    return {
      line,
      questionID: int('questionID'),
      questionTitle: values.questionTitle ?? '',
      questionText: values.questionText ?? '',
      topic: values.topic ?? '',
      therapistInfo: values.therapistInfo ?? '',
      answerText: values.answerText ?? '',
      upvotes: int('upvotes'),
      views: values.views ? Number(values.views) : 0,
    };
  });
}

/** The answer with the most upvotes (first in file order on ties), or undefined. */
function topAnswer(answers: readonly CounselChatAnswer[]): CounselChatAnswer | undefined {
  let best: CounselChatAnswer | undefined;
  for (const answer of answers) if (!best || answer.upvotes > best.upvotes) best = answer;
  return best;
}

const validLength = (answer: CounselChatAnswer) =>
  answer.answerText.trim() !== '' && wordCount(answer.answerText) <= MAX_WORDS;

export interface SelectedQuestion {
  questionID: number;
  topic: string;
  title: string;
  text: string;
  /** Upvotes of the best ≤ 250-word answer (the selection key). */
  upvotes: number;
  /** The human-therapist response upstream rates (best ≤ 250-word answer; second best for 250 and 355). */
  therapistAnswer: string;
}

export interface SelectionReport {
  topics: { topic: string; questions: number }[];
  /** Topics in the top ranks that had fewer than `perTopic` usable questions (skipped unless strict). */
  skippedTopics: { topic: string; usable: number }[];
  questions: SelectedQuestion[];
  distinctQuestions: number;
  rows: number;
}

/**
 * Upstream raises when a top-20 topic has fewer than 5 usable questions. The 2020-03-25 CSV is
 * older than the HF copy upstream used, and one top topic falls short there; with `strict: false`
 * (the default) such a topic is skipped, reported, and the next-ranked topic takes its place.
 */
export function selectCounselBenchQuestions(
  rows: readonly CounselChatAnswer[],
  { topicCount = 20, perTopic = 5, strict = false } = {},
): SelectionReport {
  const byQuestion = new Map<number, CounselChatAnswer[]>();
  for (const row of rows) {
    const list = byQuestion.get(row.questionID);
    if (list) list.push(row);
    else byQuestion.set(row.questionID, [row]);
  }
  // Topic ranking: number of questions, each question's topic taken from its top-voted answer.
  const counts = new Map<string, number>();
  for (const answers of byQuestion.values()) {
    const topic = topAnswer(answers)!.topic;
    counts.set(topic, (counts.get(topic) ?? 0) + 1);
  }
  // Ties in the count keep first-appearance order (a stable sort).
  const ranked = [...counts]
    .map(([topic, questions]) => ({ topic, questions }))
    .sort((left, right) => right.questions - left.questions);
  const eligible = ranked.filter((entry) => !EXCLUDED_TOPICS.includes(entry.topic));

  // One row per question: its best answer of ≤ 250 words; questions with none are left out.
  const filtered: { row: CounselChatAnswer; valid: CounselChatAnswer[] }[] = [];
  for (const answers of byQuestion.values()) {
    const valid = answers.filter(validLength);
    const row = topAnswer(valid);
    if (row) filtered.push({ row, valid });
  }
  const questions: SelectedQuestion[] = [];
  const topics: SelectionReport['topics'] = [];
  const skippedTopics: SelectionReport['skippedTopics'] = [];
  for (const entry of eligible) {
    if (topics.length === topicCount) break;
    const { topic } = entry;
    const candidates = filtered
      .filter(({ row }) => row.topic === topic && !REMOVED_QUESTION_IDS.includes(row.questionID))
      .sort((left, right) => right.row.upvotes - left.row.upvotes); // stable: ties keep file order
    if (candidates.length < perTopic) {
      if (strict)
        throw new Error(
          `topic ${topic}: only ${candidates.length} questions with an answer of ≤ ${MAX_WORDS} words; ${perTopic} needed`,
        );
      skippedTopics.push({ topic, usable: candidates.length });
      continue;
    }
    topics.push(entry);
    for (const { row, valid } of candidates.slice(0, perTopic)) {
      let answer = row;
      if (SECOND_ANSWER_QUESTION_IDS.includes(row.questionID)) {
        const second = [...new Set(valid.map((item) => item.upvotes))].sort((a, b) => b - a)[1];
        answer = valid.find((item) => item.upvotes === second) ?? row;
      }
      questions.push({
        questionID: row.questionID,
        topic,
        title: row.questionTitle,
        text: row.questionText,
        upvotes: row.upvotes,
        therapistAnswer: answer.answerText.replace(/\u00a0/g, ' '),
      });
    }
  }
  return { topics, skippedTopics, questions, distinctQuestions: byQuestion.size, rows: rows.length };
}

export function selectedQuestionSample(question: SelectedQuestion): Sample {
  return {
    id: String(question.questionID),
    input: questionInput(question.title, question.text),
    target: null,
    metadata: {
      questionID: question.questionID,
      topic: question.topic,
      title: question.title,
      upvotes: question.upvotes,
      // The human-therapist answer upstream rates (--solver given); the responder group stays the solver's.
      response: question.therapistAnswer,
      responseBy: 'human therapist (CounselChat)',
      responder: 'solver under test',
    },
  };
}
