// Prompts, paraphrased from the upstream code (reference §2, §4, §5): the agent's system prompt
// (instruction + general rules + grading rules + db rules), the user's rules, the verifier,
// the reflection and the post-hoc validator.
import { DB_RULES, type DbId } from './schema.js';
import type { TaskType } from './task-types.js';

export const END = '###END###';
export const GREETING = 'Hi! How can I help you today?';

const AGENT_INSTRUCTION = `You are a DB agent that answers questions from an EHR (electronic health record) user in natural language.
Ask clarifying questions when the request is ambiguous.
Tools:
- table_search: list the tables.
- column_search: the schema and sample rows of tables.
- value_substring_search / value_similarity_search: find how a concept is stored. Stored concepts may not match the user's words (abbreviations, brand names, several stored names), so search values before filtering on them.
- sql_execute: run a read-only SQLite query.
- web_search: clinical knowledge that is not in the database. Never invent facts.
Make one tool call per turn, and never send a user-facing message in the same turn as a tool call.
Finish with a single sql_execute query that answers the latest request, then report its result with an explanation.`;

const GENERAL_RULES = `Rules:
- The user knows no SQL and cannot run queries.
- Speak natural language only; never show raw SQL.
- INSERT, UPDATE, DELETE, DROP and ALTER are forbidden.
- Queries must finish within 60 seconds.
- At most 30 interactions and 600 seconds in total.
- Always explain the answer and the conditions used.
- Say clearly when something cannot be answered, and ask the user to rephrase.
- Every response must be non-empty: a message or a tool call.`;

const GRADING: Record<TaskType, string> = {
  incre: `Grading: you are scored on the SQL you run through sql_execute (at least one query). When the user revises the question, write a fresh full query. Compute every calculation in SQL, not yourself.`,
  adapt: `Grading: you are scored on your natural-language reply. Put the final answer alone inside <answer></answer>, with units and explanations outside the tags. Give text values exactly as stored, and round numbers to 4 decimals.`,
};

export function agentSystemPrompt(dbId: DbId, taskType: TaskType, dbRules: string = DB_RULES[dbId]): string {
  return [AGENT_INSTRUCTION, GENERAL_RULES, GRADING[taskType], `Database rules:\n${dbRules}`].join('\n\n');
}

export const USER_RULES = `Rules:
- The current time is 2100-12-31 23:59:00.
- Open with a short, broad question, in your own words.
- Reveal your goals gradually, one or two sentences at a time. Speak casually, without assistant-like politeness.
- Never write SQL, code or empty messages.
- If the agent asks for table or column names, tell it to find them itself. Likewise if it asks you to write or review SQL, or to summarise your goal.
- Do not finish an intermediate answer yourself; ask the agent to finalise it.
- When an answer looks satisfactory, ask the agent to double-check that it covers every goal.
- When all goals are covered, output only ${END}, once.
- Never deviate from the instruction: state top-N with ties; ask for administered rather than ordered records when the instruction says so; say 180 days, not 6 months; ask no follow-ups the instruction does not contain; reveal no withheld information early.`;

export function userSystemPrompt(instruction: string, mistakes: string[]): string {
  const parts = [
    'You are a user with no SQL knowledge who needs data from an EHR database. You talk to a DB agent.',
    USER_RULES,
    `Instruction: ${instruction}`,
  ];
  if (mistakes.length > 0)
    parts.push(`Previous user mistakes (do not repeat them):\n${mistakes.map((m) => `- ${m}`).join('\n')}`);
  return parts.join('\n\n');
}

export interface VisibleTurn {
  role: 'user' | 'agent';
  text: string;
}

export function transcript(turns: VisibleTurn[], labels: { user: string; agent: string }): string {
  return turns.map((turn) => `${turn.role === 'user' ? labels.user : labels.agent}: ${turn.text}`).join('\n');
}

export function verifierPrompt(
  instruction: string,
  mistakes: string[],
  turns: VisibleTurn[],
  candidate: string,
): string {
  return [
    'You are a supervisor checking a simulated user. The user follows an instruction and rules while talking to a DB agent.',
    USER_RULES,
    `Instruction: ${instruction}`,
    mistakes.length > 0 ? `Previous user mistakes:\n${mistakes.map((m) => `- ${m}`).join('\n')}` : '',
    `Conversation so far:\n${transcript(turns, { user: '[User]', agent: '[DB Agent]' })}`,
    `Candidate next user message:\n${candidate}`,
    'Does the candidate follow the instruction and every rule? Answer only "yes" or "no".',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function reflectionPrompt(instruction: string, turns: VisibleTurn[], candidate: string): string {
  return [
    'You are a simulated user following an instruction and rules. A supervisor rejected your candidate message.',
    USER_RULES,
    `Instruction: ${instruction}`,
    `Conversation so far:\n${transcript(turns, { user: '[User]', agent: '[DB Agent]' })}`,
    `Rejected candidate:\n${candidate}`,
    'Reflect on what was wrong, then write a new message. Reply with JSON only: {"reflection": "...", "new_response": "..."}',
  ].join('\n\n');
}

export const USER_ERROR_TYPES = [
  'reveals all goals at once',
  'acts like an assistant (writes or runs SQL, sounds machine-like)',
  'asks for something slightly different from the instruction (ordered vs administered; 6 months vs 180 days)',
  'confirms values that differ from the gold SQL',
  'adds information or follow-ups beyond the instruction',
  'ends without stating all conditions in the instruction (ties, top-N, duplicate handling, include/exclude keywords), unless the agent found no data',
  'ends without conveying all predicates of the gold SQL',
  'never asks the agent to double-check',
  'breaks any other rule',
];

export function validatorPrompt(instruction: string, turns: VisibleTurn[], goldSql: string): string {
  return [
    'You audit a conversation between a simulated user and a DB agent. Decide whether the SIMULATED USER made an error that could explain a failure.',
    USER_RULES,
    `Instruction given to the user: ${instruction}`,
    `Gold SQL (the intended query): ${goldSql}`,
    `User error types:\n${USER_ERROR_TYPES.map((t, i) => `${i + 1}. ${t}`).join('\n')}`,
    `Conversation:\n${transcript(turns, { user: '[USER]', agent: '[DB AGENT]' })}`,
    'Reply with JSON only: {"explanation": "...", "evidence": "...", "broken_rule": "...", "result": "user_error" | "no_error"}',
  ].join('\n\n');
}

/** Upstream check_user_error, plus the empty message medkit adds. Returns the reason, or undefined. */
export function userMessageProblem(text: string): string | undefined {
  if (text.trim() === '') return 'the message is empty';
  for (const banned of ['SELECT', 'tool_call', 'tool_code', 'default_api', 'print(', '```', 'Instruction:']) {
    if (text.includes(banned)) return `the message contains '${banned}'`;
  }
  if (text.includes(END) && text.trim() !== END) return `the message contains ${END} but is not exactly ${END}`;
  return undefined;
}
