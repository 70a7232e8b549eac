// The embedded default: mental-health questions written for medkit (never copied from
// CounselChat or CounselBench), in CounselChat's shape: a title, a body and a topic. Topics use
// CounselChat's topic names so per-topic breakdowns line up with the real data.
import type { Sample } from '../../core/index.js';

export interface CounselQuestion {
  questionID: string;
  topic: string;
  title: string;
  text: string;
}

export const EMBEDDED_QUESTIONS: readonly CounselQuestion[] = [
  {
    questionID: 'mk-01',
    topic: 'depression',
    title: 'Why can I not enjoy anything any more?',
    text: 'For about two months I have stopped caring about the things I used to love, like painting and seeing my friends. I sleep a lot but still feel tired, and I keep cancelling plans. How do I get myself out of this?',
  },
  {
    questionID: 'mk-02',
    topic: 'anxiety',
    title: 'My heart races before every meeting at work',
    text: 'Whenever I have to speak in a meeting my heart pounds, my hands shake and I forget what I wanted to say. I have started avoiding meetings, and my manager has noticed. What can I do?',
  },
  {
    questionID: 'mk-03',
    topic: 'relationships',
    title: 'We argue about the same thing every week',
    text: 'My partner and I have been together for four years. Every weekend we end up fighting about chores and who does more. We both apologise and then it happens again. Is this normal, and how do we stop the cycle?',
  },
  {
    questionID: 'mk-04',
    topic: 'family-conflict',
    title: 'My parents criticise every choice I make',
    text: 'I am 26 and still live near my parents. They comment on my job, my clothes and the person I date. I love them but I dread every visit. How can I set limits without losing them?',
  },
  {
    questionID: 'mk-05',
    topic: 'parenting',
    title: 'My teenage son will not talk to me',
    text: 'My son is 15 and spends all his time in his room. When I ask how he is, he says "fine" and closes the door. His grades are slipping. How do I reach him without pushing him further away?',
  },
  {
    questionID: 'mk-06',
    topic: 'self-esteem',
    title: 'I compare myself to everyone',
    text: 'I scroll through social media and feel that everyone is more successful and better looking than me. I know it is not the whole picture but I cannot stop feeling like a failure. How do I stop comparing?',
  },
  {
    questionID: 'mk-07',
    topic: 'grief-and-loss',
    title: 'It has been a year and I still cry every day',
    text: 'My mother died last spring after a long illness. People say it should be getting easier, but I still cry most days and cannot bring myself to sort her things. Is something wrong with me?',
  },
  {
    questionID: 'mk-08',
    topic: 'workplace-relationships',
    title: 'A coworker takes credit for my work',
    text: 'A colleague keeps presenting my ideas as his own in front of our boss. I am not good at confrontation and I feel invisible at work. How should I handle this?',
  },
  {
    questionID: 'mk-09',
    topic: 'trauma',
    title: 'Loud noises send me back to the accident',
    text: 'Two years ago I was in a serious car accident. Now when I hear brakes screech or a horn, my body freezes and I feel like it is happening again. I avoid driving entirely. Will this ever go away?',
  },
  {
    questionID: 'mk-10',
    topic: 'stress',
    title: 'I feel like I am drowning in responsibilities',
    text: 'I work full time, study at night and care for my father, who has dementia. I have no time for myself and I snap at people I love. How can I cope when I cannot drop any of it?',
  },
  {
    questionID: 'mk-11',
    topic: 'sleep-improvement',
    title: 'My mind will not switch off at night',
    text: 'I lie awake for hours going over everything I said during the day and everything I have to do tomorrow. I am exhausted at work. What can I do to fall asleep?',
  },
  {
    questionID: 'mk-12',
    topic: 'anger-management',
    title: 'I lose my temper over small things',
    text: 'Little things, like someone driving slowly or my kids leaving toys out, make me furious, and I shout before I can stop myself. Afterwards I feel terrible. How do I control this?',
  },
];

/** Model input as upstream builds it: title + " " + text (a missing body leaves the title alone). */
export function questionInput(title: string, text: string | undefined): string {
  const body = (text ?? '').trim();
  return body === '' ? title.trim() : `${title.trim()} ${body}`;
}

export function questionSample(question: CounselQuestion, extra: Record<string, string | number> = {}): Sample {
  return {
    id: String(question.questionID),
    input: questionInput(question.title, question.text),
    target: null,
    metadata: { questionID: question.questionID, topic: question.topic, title: question.title, ...extra },
  };
}
