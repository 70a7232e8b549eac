// The baseline agent (no model): parses the user's words into one of a few question shapes, finds
// how the concept is stored with the value-search tools (and the offline web search for
// abbreviations, brand names and drug classes), fills a SQL template, runs it with sql_execute
// and reports the result. It sees only the conversation and tool results, never the task's gold.
import type { ChatMessage, ToolCall } from '../../core/index.js';
import { messageText } from '../../core/index.js';
import { parsePyLiteral, pyFloatStr, pyRound } from '../../scoring/sql-result.js';
import { CONCEPT_COLUMNS, expansionsFrom, parseIntent, type Intent } from './baseline-intents.js';
import type { AgentPolicy } from './env.js';
import { END } from './prompts.js';
import type { DbId } from './schema.js';
import type { TaskType } from './task-types.js';

type Request = { name: string; arguments: Record<string, unknown> };
type Plan = AsyncGenerator<Request, string, string>;

const NOW = "'2100-12-31 23:59:00'";
const q = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Values from "Values in t.c containing 'v': [...]." or the similarity sentences. */
export function listedValues(result: string): string[] {
  const list = /: (\[.*\])\.$/s.exec(result)?.[1];
  if (list) {
    try {
      return (parsePyLiteral(list) as unknown[]).map(String);
    } catch {
      return [];
    }
  }
  const one = /close match in \S+: '(.*)'\.$/s.exec(result)?.[1];
  return one !== undefined ? [one] : [];
}

function formatCell(cell: unknown): string {
  if (typeof cell === 'bigint') return cell.toString();
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : pyFloatStr(pyRound(cell, 4));
  return String(cell);
}

export function baselineAgent(dbId: DbId, taskType: TaskType): AgentPolicy {
  const columns = CONCEPT_COLUMNS[dbId];
  let plan: Plan | undefined;
  let lastAnswer = '';
  let calls = 0;

  async function* resolve(
    table: string,
    column: string,
    term: string,
    allowSimilar = true,
  ): AsyncGenerator<Request, string[], string> {
    const direct = listedValues(yield { name: 'value_substring_search', arguments: { table, column, value: term } });
    const exact = direct.filter((value) => value === term);
    if (exact.length > 0) return exact;
    if (direct.length > 0 && direct.length <= 4) return direct;
    const web = yield { name: 'web_search', arguments: { query: term } };
    for (const expansion of expansionsFrom(web)) {
      const found = listedValues(
        yield { name: 'value_substring_search', arguments: { table, column, value: expansion } },
      );
      const exactExpansion = found.filter((value) => value === expansion);
      if (exactExpansion.length > 0) return exactExpansion;
      if (found.length > 0) return found.slice(0, 4);
    }
    if (direct.length > 0) return direct.slice(0, 4);
    if (!allowSimilar) return [];
    return listedValues(yield { name: 'value_similarity_search', arguments: { table, column, value: term, k: 1 } });
  }

  /** Drug names: LIKE patterns for the term, or for its fallback (generic name, drug class members). */
  async function* drugPatterns(intent: Intent): AsyncGenerator<Request, string[], string> {
    const [table, column] = columns.drug;
    const found = listedValues(
      yield { name: 'value_substring_search', arguments: { table, column, value: intent.term } },
    );
    if (found.length > 0) return [intent.term];
    const query = intent.fallback && intent.fallback !== 'generic' ? `${intent.term} ${intent.fallback}` : intent.term;
    const expansions = expansionsFrom(yield { name: 'web_search', arguments: { query } }).filter(
      (e) => e !== intent.term,
    );
    return expansions.length > 0 ? expansions : [intent.term];
  }

  function patientUnits(intent: Intent): string {
    return `SELECT unit_id FROM icupatient WHERE patient_id = ${q(intent.patient ?? '')}${intent.current ? ' AND hospital_discharge_time IS NULL' : ''}`;
  }

  async function* buildSql(intent: Intent): AsyncGenerator<Request, string | undefined, string> {
    const mimic = dbId === 'mimic_iv_star';
    const yearOf = (column: string) => (intent.year ? ` AND strftime('%Y', ${column}) = '${intent.year}'` : '');
    switch (intent.kind) {
      case 'lab-value': {
        if (!intent.patient) return undefined;
        let values = yield* resolve(...columns.lab, intent.term);
        if (values.length === 0 && intent.fallback) values = yield* resolve(...columns.lab, intent.fallback);
        if (values.length === 0) return undefined;
        const names = values.map(q).join(', ');
        const agg = intent.agg ?? 'last';
        if (mimic) {
          const where = `labresults.patientid = ${intent.patient} AND labtesttypes.itemname IN (${names})${intent.current ? ` AND labresults.admissionid IN (SELECT admissionid FROM hospitaladmissions WHERE patientid = ${intent.patient} AND dischargedatetime IS NULL)` : ''}`;
          const from = 'labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode';
          return agg === 'max' || agg === 'min'
            ? `SELECT ${agg.toUpperCase()}(labresults.resultvalue) FROM ${from} WHERE ${where}`
            : `SELECT labresults.resultvalue FROM ${from} WHERE ${where} ORDER BY labresults.resultdatetime ${agg === 'first' ? 'ASC' : 'DESC'} LIMIT 1`;
        }
        const where = `unit_id IN (${patientUnits(intent)}) AND lab_name IN (${names})`;
        return agg === 'max' || agg === 'min'
          ? `SELECT ${agg.toUpperCase()}(lab_result) FROM lab WHERE ${where}`
          : `SELECT lab_result FROM lab WHERE ${where} ORDER BY lab_result_time ${agg === 'first' ? 'ASC' : 'DESC'} LIMIT 1`;
      }
      case 'drug-count': {
        if (!intent.patient) return undefined;
        const patterns = yield* drugPatterns(intent);
        const [, column] = columns.drug;
        const like = patterns.map((p) => `${column} LIKE ${q(`%${p}%`)}`).join(' OR ');
        return mimic
          ? `SELECT COUNT(*) FROM medicationorders WHERE patientid = ${intent.patient} AND (${like})${yearOf('startdatetime')}`
          : `SELECT COUNT(*) FROM prescription WHERE unit_id IN (${patientUnits(intent)}) AND (${like})${yearOf('medication_start_time')}`;
      }
      case 'drug-list': {
        if (!intent.patient) return undefined;
        const since = intent.lastDays ? ` AND %TIME% >= datetime(${NOW}, '-${intent.lastDays} days')` : '';
        return mimic
          ? `SELECT DISTINCT medicationname FROM medicationorders WHERE admissionid IN (SELECT admissionid FROM hospitaladmissions WHERE patientid = ${intent.patient} AND dischargedatetime IS NULL)${since.replace('%TIME%', 'startdatetime')}`
          : `SELECT DISTINCT drug_name FROM prescription WHERE unit_id IN (${patientUnits({ ...intent, current: true })})${since.replace('%TIME%', 'medication_start_time')}`;
      }
      case 'dx-patients': {
        if (/\b(prescribed|ordered|got)\b/.test(intent.term)) return undefined;
        const values = yield* resolve(...columns.dx, intent.term);
        if (values.length === 0) return undefined;
        const names = values.map(q).join(', ');
        return mimic
          ? `SELECT COUNT(DISTINCT admissiondiagnoses.patientid) FROM admissiondiagnoses JOIN diagnosiscodes ON admissiondiagnoses.icdcode = diagnosiscodes.icdcode AND admissiondiagnoses.codeversion = diagnosiscodes.codeversion WHERE diagnosiscodes.description IN (${names})${yearOf('admissiondiagnoses.recordeddatetime')}`
          : `SELECT COUNT(DISTINCT icupatient.patient_id) FROM condition JOIN icupatient ON condition.unit_id = icupatient.unit_id WHERE condition.condition_name IN (${names})${yearOf('condition.condition_time')}`;
      }
      case 'last-event': {
        if (!intent.patient) return undefined;
        const values = yield* resolve(...columns.event, intent.term);
        if (values.length === 0) return undefined;
        const names = values.map(q).join(', ');
        return mimic
          ? `SELECT admissionprocedures.recordeddatetime FROM admissionprocedures JOIN procedurecodes ON admissionprocedures.icdcode = procedurecodes.icdcode AND admissionprocedures.codeversion = procedurecodes.codeversion WHERE admissionprocedures.patientid = ${intent.patient} AND procedurecodes.description IN (${names}) ORDER BY 1 DESC LIMIT 1`
          : `SELECT treatment.treatment_time FROM treatment WHERE unit_id IN (${patientUnits(intent)}) AND treatment_name IN (${names}) ORDER BY 1 DESC LIMIT 1`;
      }
      case 'top-n': {
        const kinds: [RegExp, string, string, string][] = mimic
          ? [
              [
                /lab/,
                'labtesttypes.itemname',
                'labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode',
                'labresults.resultdatetime',
              ],
              [/medication|drug/, 'medicationname', 'medicationorders', 'startdatetime'],
              [
                /diagnos/,
                'diagnosiscodes.description',
                'admissiondiagnoses JOIN diagnosiscodes ON admissiondiagnoses.icdcode = diagnosiscodes.icdcode AND admissiondiagnoses.codeversion = diagnosiscodes.codeversion',
                'admissiondiagnoses.recordeddatetime',
              ],
              [/specimen/, 'specimentype', 'microbiologyresults', 'collecteddatetime'],
            ]
          : [
              [/lab/, 'lab_name', 'lab', 'lab_result_time'],
              [/drug|medication/, 'drug_name', 'prescription', 'medication_start_time'],
              [/treatment/, 'treatment_name', 'treatment', 'treatment_time'],
              [/diagnos/, 'condition_name', 'condition', 'condition_time'],
            ];
        const kind = kinds.find(([pattern]) => pattern.test(intent.term));
        if (!kind) return undefined;
        const [, column, from, time] = kind;
        return `SELECT name FROM (SELECT ${column} AS name, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS rnk FROM ${from}${intent.year ? ` WHERE strftime('%Y', ${time}) = '${intent.year}'` : ''} GROUP BY ${column}) WHERE rnk <= ${intent.n ?? 3}`;
      }
      case 'stay-cost': {
        if (!intent.patient) return undefined;
        return mimic
          ? `SELECT SUM(costamount) FROM costrecords WHERE admissionid IN (SELECT admissionid FROM hospitaladmissions WHERE patientid = ${intent.patient} AND dischargedatetime IS NULL)`
          : `SELECT SUM(cost_amount) FROM cost WHERE hosp_id IN (SELECT hosp_id FROM icupatient WHERE patient_id = ${q(intent.patient)} AND hospital_discharge_time IS NULL)`;
      }
      case 'intake-total': {
        if (!mimic || !intent.patient) return undefined;
        const values = yield* resolve('clinicalitemtypes', 'itemname', intent.term);
        if (values.length === 0) return undefined;
        return `SELECT SUM(intakerecords.totalvolume) FROM intakerecords JOIN clinicalitemtypes ON intakerecords.itemcode = clinicalitemtypes.itemcode WHERE intakerecords.patientid = ${intent.patient} AND clinicalitemtypes.itemname IN (${values.map(q).join(', ')})`;
      }
      case 'icu-count': {
        if (!mimic) return undefined;
        const values = yield* resolve('icuepisodes', 'initialcareunit', intent.term, false);
        if (values.length === 0) return undefined;
        return `SELECT COUNT(*) FROM icuepisodes WHERE initialcareunit IN (${values.map(q).join(', ')})${yearOf('admitdatetime')}`;
      }
    }
  }

  async function* answer(userTexts: string[]): Plan {
    const intent = parseIntent(dbId, userTexts);
    if (!intent) return 'Sorry, I could not work out how to answer that from the database. Could you rephrase it?';
    const sql = yield* buildSql(intent);
    if (!sql) return `Sorry, I could not find how "${intent.term}" is stored in the database. Could you rephrase it?`;
    const result = yield { name: 'sql_execute', arguments: { query: sql } };
    if (result.startsWith('Error')) return `The query failed (${result}). Could you rephrase the question?`;
    let rows: unknown[][] = [];
    try {
      rows = parsePyLiteral(result.split('\n\nNote:')[0]!) as unknown[][];
    } catch {
      rows = [];
    }
    if (rows.length === 0) return 'I found no matching records in the database.';
    const cells = rows.map((row) => formatCell(row[0]));
    const text = cells.length === 1 ? cells[0]! : cells.join(', ');
    return taskType === 'adapt'
      ? `Based on the database, <answer>${text}</answer>. I looked up "${intent.term}" and used the stored values I found.`
      : `Based on the database, the result is ${text}. I looked up "${intent.term}" and used the stored values I found.`;
  }

  return {
    name: 'baseline',
    async step(messages: ChatMessage[]) {
      const last = messages[messages.length - 1]!;
      let feed = '';
      if (last.role === 'user') {
        const text = messageText(last);
        if (/double-check/i.test(text) && lastAnswer) return { text: `I double-checked: ${lastAnswer}`, latencyMs: 0 };
        if (text.includes(END)) return { text: 'Goodbye.', latencyMs: 0 };
        const userTexts = messages
          .filter((m) => m.role === 'user')
          .map(messageText)
          .filter((t) => !/double-check/i.test(t));
        plan = answer(userTexts);
      } else if (last.role === 'tool') {
        feed = last.content;
      }
      if (!plan) return { text: 'How can I help?', latencyMs: 0 };
      const next = await plan.next(feed);
      if (next.done) {
        plan = undefined;
        lastAnswer = next.value;
        return { text: next.value, latencyMs: 0 };
      }
      calls++;
      const toolCall: ToolCall = { id: `baseline_${calls}`, name: next.value.name, arguments: next.value.arguments };
      return { text: '', toolCall, latencyMs: 0 };
    },
  };
}
