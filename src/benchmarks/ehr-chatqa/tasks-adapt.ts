// AdaptQA templates for both databases: the user's first choice is absent (a brand name, a drug
// that is not stocked, a lab that is not run, a table that does not exist) and the instruction
// states the fallback; `fallback_check_sql` proves the first choice is absent so the branch is fixed.
import type { Rng } from '../../stats/random.js';
import { instruction as ins, lit, type TaskDraft, type Template } from './task-types.js';

const take = <T>(rng: Rng, rows: T[], n: number): T[] => rng.shuffle([...rows]).slice(0, n);
const ANSWER = 'Ask for a short final answer.';

interface Names {
  drugTable: string;
  drugColumn: string;
  /** SQL restricting rows to patient p (drug table). */
  drugPatient: (p: string | number) => string;
  patients: string;
  patientLit: (p: string | number) => string;
}

const MIMIC: Names = {
  drugTable: 'medicationorders',
  drugColumn: 'medicationname',
  drugPatient: (p) => `patientid = ${p}`,
  patients: 'SELECT DISTINCT patientid AS p FROM medicationorders WHERE medicationname LIKE ?',
  patientLit: (p) => String(p),
};
const EICU: Names = {
  drugTable: 'prescription',
  drugColumn: 'drug_name',
  drugPatient: (p) => `unit_id IN (SELECT unit_id FROM icupatient WHERE patient_id = '${p}')`,
  patients:
    'SELECT DISTINCT icupatient.patient_id AS p FROM prescription JOIN icupatient ON prescription.unit_id = icupatient.unit_id WHERE prescription.drug_name LIKE ?',
  patientLit: (p) => `'${p}'`,
};

const BRANDS: [string, string[]][] = [
  ['lipitor', ['atorvastatin']],
  ['lasix', ['furosemide']],
  ['vancocin', ['vancomycin']],
  ['lopressor', ['metoprolol tartrate']],
  ['glucophage', ['metformin']],
  ['tazocin', ['piperacillin-tazobactam', 'zosyn']],
  ['advil', ['ibuprofen']],
  ['loreev xr', ['lorazepam']],
  ['brilinta', ['ticagrelor']],
  ['zocor', ['simvastatin']],
  ['tylenol', ['acetaminophen']],
  ['coumadin', ['warfarin']],
];

function brandGeneric(names: Names): Template {
  return (q, rng) =>
    BRANDS.flatMap(([brand, generics]) => {
      const like = generics.map((g) => `${names.drugColumn} LIKE ${lit(`%${g}%`)}`).join(' OR ');
      return take(rng, q<{ p: string | number }>(names.patients, `%${generics[0]}%`), 1).map(
        ({ p }) =>
          ({
            categories: ['brand-generic'],
            instruction: ins(
              `You want to know how many times ${brand} was ordered for patient ${p}.`,
              `If the agent cannot find ${brand}, tell it to use the generic equivalent instead (${generics.join(' / ')}); do not name it yourself before the agent reports that ${brand} is missing.`,
              ANSWER,
            ),
            user_turns: [
              `how many times was ${brand} ordered for patient ${p}?`,
              `if there's no ${brand} in there, use its generic equivalent.`,
            ],
            gold_sql: `SELECT COUNT(*) FROM ${names.drugTable} WHERE ${names.drugPatient(p)} AND (${like})`,
            fallback_check_sql: `SELECT COUNT(*) FROM ${names.drugTable} WHERE ${names.drugColumn} LIKE ${lit(`%${brand}%`)}`,
          }) satisfies TaskDraft,
      );
    });
}

const CLASSES: [string, string, string[], string[]][] = [
  [
    'lovastatin',
    'statins',
    ['atorvastatin', 'simvastatin', 'pravastatin', 'rosuvastatin'],
    ['atorvastatin', 'simvastatin'],
  ],
  ['benazepril', 'ace inhibitors', ['lisinopril', 'captopril', 'enalapril'], ['lisinopril']],
  ['remimazolam', 'benzodiazepines', ['lorazepam', 'midazolam', 'diazepam'], ['lorazepam', 'midazolam']],
  [
    'methylprednisolone',
    'other systemic corticosteroids',
    ['prednisone', 'hydrocortisone', 'dexamethasone'],
    ['hydrocortisone', 'dexamethasone'],
  ],
  ['fluoxetine', 'other ssris', ['sertraline', 'citalopram', 'escitalopram'], ['sertraline']],
  ['linezolid', 'other anti-mrsa drugs', ['vancomycin', 'daptomycin'], ['vancomycin', 'daptomycin']],
  ['ipratropium', 'a beta-2 agonist bronchodilator', ['albuterol'], ['albuterol']],
];

function drugClass(names: Names, db: 'mimic' | 'eicu'): Template {
  return (q, rng) =>
    CLASSES.flatMap(([drug, klass, mimicMembers, eicuMembers]) => {
      const members = db === 'mimic' ? mimicMembers : eicuMembers;
      const like = members.map((m) => `${names.drugColumn} LIKE ${lit(`%${m}%`)}`).join(' OR ');
      const scopes = drug === 'lovastatin' || drug === 'remimazolam' ? ['all', '2100'] : ['all'];
      return scopes.map((scope) => {
        const time = db === 'mimic' ? 'startdatetime' : 'medication_start_time';
        const patientColumn =
          db === 'mimic'
            ? 'patientid'
            : '(SELECT patient_id FROM icupatient WHERE icupatient.unit_id = prescription.unit_id)';
        return {
          categories: ['drug-class'],
          instruction: ins(
            `You want the number of patients who were ordered ${drug}${scope === 'all' ? '' : ' this year'}.`,
            `If ${drug} is not in the database, ask for patients ordered ${klass} instead (the agent should work out which drugs those are: ${members.join(', ')}).`,
            ANSWER,
          ),
          user_turns: [
            `how many patients got ${drug}${scope === 'all' ? '' : ' this year'}?`,
            `if there's none, count patients on ${klass} instead.`,
          ],
          gold_sql: `SELECT COUNT(DISTINCT ${patientColumn}) FROM ${names.drugTable} WHERE (${like})${scope === 'all' ? '' : ` AND strftime('%Y', ${time}) = '2100'`}`,
          fallback_check_sql: `SELECT COUNT(*) FROM ${names.drugTable} WHERE ${names.drugColumn} LIKE ${lit(`%${drug}%`)}`,
        } satisfies TaskDraft;
      });
    });
}

const MIMIC_LABS: [string, string, string][] = [
  ['troponin i', 'troponin t', '%troponin i%'],
  ['bnp', 'ntprobnp', 'bnp'],
  ['crp', 'white blood cells', '%c-reactive%'],
];
const EICU_LABS: [string, string, string][] = [
  ['crp', 'wbc x 1000', '%crp%'],
  ['troponin t', 'troponin - i', '%troponin%t%'],
  ['ntprobnp', 'bnp', '%ntprobnp%'],
];

function missingLab(db: 'mimic' | 'eicu'): Template {
  return (q, rng) =>
    (db === 'mimic' ? MIMIC_LABS : EICU_LABS).flatMap(([wanted, fallback, absent]) => {
      const rows: { p: string | number }[] =
        db === 'mimic'
          ? q<{ p: number }>(
              `SELECT DISTINCT labresults.patientid AS p FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labtesttypes.itemname = ?`,
              fallback,
            )
          : q<{ p: string }>(
              `SELECT DISTINCT icupatient.patient_id AS p FROM lab JOIN icupatient ON lab.unit_id = icupatient.unit_id WHERE lab.lab_name = ?`,
              fallback,
            );
      return take(rng, rows, 2).map(
        ({ p }) =>
          ({
            categories: ['missing-concept'],
            instruction: ins(
              `You want patient ${p}'s most recent ${wanted} value.`,
              `If the database has no ${wanted}, accept the most recent ${fallback} value instead.`,
              ANSWER,
            ),
            user_turns: [
              `what's the latest ${wanted} for patient ${p}?`,
              `if you can't find ${wanted}, give me the latest ${fallback} instead.`,
            ],
            gold_sql:
              db === 'mimic'
                ? `SELECT labresults.resultvalue FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labresults.patientid = ${p} AND labtesttypes.itemname = ${lit(fallback)} ORDER BY labresults.resultdatetime DESC LIMIT 1`
                : `SELECT lab.lab_result FROM lab JOIN icupatient ON lab.unit_id = icupatient.unit_id WHERE icupatient.patient_id = '${p}' AND lab.lab_name = ${lit(fallback)} ORDER BY lab.lab_result_time DESC LIMIT 1`,
            fallback_check_sql:
              db === 'mimic'
                ? `SELECT COUNT(*) FROM labtesttypes WHERE itemname LIKE ${lit(absent)}`
                : `SELECT COUNT(*) FROM lab WHERE lab_name LIKE ${lit(absent)}`,
          }) satisfies TaskDraft,
      );
    });
}

const MISSING_TABLES = [
  'appointment',
  'department',
  'outpatient',
  'cancer registry',
  'emergency information',
  'ed toxicology',
];

function missingTable(db: 'mimic' | 'eicu'): Template {
  return (q, rng) => {
    const patients: { p: string | number }[] =
      db === 'mimic'
        ? q<{ p: number }>('SELECT DISTINCT patientid AS p FROM hospitaladmissions')
        : q<{ p: string }>('SELECT DISTINCT patient_id AS p FROM icupatient');
    return MISSING_TABLES.map((table) => {
      const p = rng.pick(patients).p;
      return {
        categories: ['missing-concept'],
        instruction: ins(
          `You first ask for patient ${p}'s ${table} records.`,
          `If the agent says there is no ${table} data, change your goal: ask how many hospital stays patient ${p} has had in total.`,
          ANSWER,
        ),
        user_turns: [
          `can you pull up patient ${p}'s ${table} records?`,
          `ok if that's not there, how many hospital stays has patient ${p} had in total?`,
        ],
        gold_sql:
          db === 'mimic'
            ? `SELECT COUNT(*) FROM hospitaladmissions WHERE patientid = ${p}`
            : `SELECT COUNT(DISTINCT hosp_id) FROM icupatient WHERE patient_id = '${p}'`,
        fallback_check_sql: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE ${lit(`%${table.replace(/ /g, '%')}%`)}`,
      } satisfies TaskDraft;
    });
  };
}

const MIMIC_ICD: [string, string][] = [
  [
    'hyperlipidemia',
    "(admissiondiagnoses.codeversion = 9 AND admissiondiagnoses.icdcode BETWEEN '2720' AND '2724') OR (admissiondiagnoses.codeversion = 10 AND admissiondiagnoses.icdcode BETWEEN 'e780' AND 'e785')",
  ],
  [
    'hypertension',
    "(admissiondiagnoses.codeversion = 9 AND substr(admissiondiagnoses.icdcode, 1, 3) BETWEEN '401' AND '405') OR (admissiondiagnoses.codeversion = 10 AND substr(admissiondiagnoses.icdcode, 1, 3) BETWEEN 'i10' AND 'i15')",
  ],
  [
    'heart failure',
    "(admissiondiagnoses.codeversion = 9 AND admissiondiagnoses.icdcode LIKE '428%') OR (admissiondiagnoses.codeversion = 10 AND admissiondiagnoses.icdcode LIKE 'i50%')",
  ],
  [
    'psoriasis',
    "(admissiondiagnoses.codeversion = 9 AND admissiondiagnoses.icdcode LIKE '696%') OR (admissiondiagnoses.codeversion = 10 AND admissiondiagnoses.icdcode LIKE 'l40%')",
  ],
  [
    'cirrhosis-related hepatic encephalopathy',
    "(admissiondiagnoses.codeversion = 9 AND admissiondiagnoses.icdcode LIKE '5722%') OR (admissiondiagnoses.codeversion = 10 AND admissiondiagnoses.icdcode LIKE 'k7682%')",
  ],
];
const EICU_ICD: [string, string][] = [
  ['hypertension', "substr(condition.icd9_code, 1, 3) BETWEEN '401' AND '405'"],
  ['heart failure', "condition.icd9_code LIKE '428%'"],
  ['diabetes', "condition.icd9_code LIKE '250%'"],
  ['septicemia', "condition.icd9_code LIKE '038%'"],
];

function icdRange(db: 'mimic' | 'eicu'): Template {
  return () =>
    (db === 'mimic' ? MIMIC_ICD : EICU_ICD).flatMap(([concept, where]) =>
      (['all', '2100'] as const).map(
        (scope) =>
          ({
            categories: ['icd-range'],
            instruction: ins(
              `You want the number of patients diagnosed with ${concept}${scope === 'all' ? '' : ' this year'}.`,
              `The agent should define ${concept} by its ICD code range (${where}); if it asks, say you mean the whole ICD category.`,
              ANSWER,
            ),
            user_turns: [
              `how many patients have ${concept}${scope === 'all' ? '' : ' diagnosed this year'}?`,
              'use the whole icd code range for it, every code version.',
            ],
            gold_sql:
              db === 'mimic'
                ? `SELECT COUNT(DISTINCT admissiondiagnoses.patientid) FROM admissiondiagnoses WHERE (${where})${scope === 'all' ? '' : " AND strftime('%Y', admissiondiagnoses.recordeddatetime) = '2100'"}`
                : `SELECT COUNT(DISTINCT icupatient.patient_id) FROM condition JOIN icupatient ON condition.unit_id = icupatient.unit_id WHERE (${where})${scope === 'all' ? '' : " AND strftime('%Y', condition.condition_time) = '2100'"}`,
          }) satisfies TaskDraft,
      ),
    );
}

export const MIMIC_ADAPT_TEMPLATES: Template[] = [
  brandGeneric(MIMIC),
  drugClass(MIMIC, 'mimic'),
  missingLab('mimic'),
  missingTable('mimic'),
  icdRange('mimic'),
];
export const EICU_ADAPT_TEMPLATES: Template[] = [
  brandGeneric(EICU),
  drugClass(EICU, 'eicu'),
  missingLab('eicu'),
  missingTable('eicu'),
  icdRange('eicu'),
];
