// IncreQA templates over the synthetic MIMIC-IV★ database. Each template picks its parameters from
// the data (so golds are non-empty) and words the user's turns several ways.
import type { Rng } from '../../stats/random.js';
import { instruction as ins, lit, type Query, type TaskDraft, type Template } from './task-types.js';

const take = <T>(rng: Rng, rows: T[], n: number): T[] => rng.shuffle([...rows]).slice(0, n);
const CURRENT = (p: number) =>
  `SELECT admissionid FROM hospitaladmissions WHERE patientid = ${p} AND dischargedatetime IS NULL`;

const LAB_ABBREVIATIONS: [string, string][] = [
  ['hb', 'hemoglobin'],
  ['hgb', 'hemoglobin'],
  ['hct', 'hematocrit'],
  ['k', 'potassium'],
  ['na', 'sodium'],
  ['bun', 'urea nitrogen'],
  ['plt', 'platelet count'],
  ['mg', 'magnesium'],
  ['alt', 'alanine aminotransferase (alt)'],
  ['ast', 'asparate aminotransferase (ast)'],
  ['bili', 'bilirubin, total'],
  ['inr', 'inr(pt)'],
  ['phos', 'phosphate'],
  ['hco3', 'bicarbonate'],
];

const labLastCurrent: Template = (q, rng) => {
  const patients = q<{ p: number }>(
    `SELECT DISTINCT patientid AS p FROM hospitaladmissions WHERE dischargedatetime IS NULL`,
  ).map((r) => r.p);
  return LAB_ABBREVIATIONS.map(([abbr, name], i) => {
    const p = patients[i % patients.length]!;
    const which = rng.pick(['last', 'first']);
    return {
      categories: ['abbreviation', 'time-scope'],
      instruction: ins(
        `You want the ${which} ${abbr.toUpperCase()} value of patient ${p} measured during the current hospital stay.`,
        `By ${abbr.toUpperCase()} you mean the lab test stored as '${name}'.`,
        'First say you need a lab value for a patient still in the hospital, then give the patient id and the test.',
      ),
      user_turns: [
        rng.pick([
          'I need a lab value for someone who is still in the hospital.',
          'quick lab question about a current inpatient',
        ]),
        `patient ${p}. what was the ${which} ${abbr.toUpperCase()} during this current stay?`,
      ],
      gold_sql: `SELECT labresults.resultvalue FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labresults.admissionid IN (${CURRENT(p)}) AND labtesttypes.itemname = ${lit(name)} ORDER BY labresults.resultdatetime ${which === 'last' ? 'DESC' : 'ASC'} LIMIT 1`,
    } satisfies TaskDraft;
  });
};

const MED_TERMS: [string, string, string][] = [
  ['isdn', 'isosorbide dinitrate', 'abbreviation'],
  ['metoprolol', 'metoprolol', 'stored-variants'],
  ['albuterol', 'albuterol', 'stored-variants'],
  ['insulin', 'insulin', 'stored-variants'],
  ['isosorbide', 'isosorbide', 'stored-variants'],
  ['heparin', 'heparin', 'source-table'],
  ['vancomycin', 'vancomycin', 'source-table'],
  ['furosemide', 'furosemide', 'source-table'],
  ['pip-tazo', 'piperacillin-tazobactam', 'abbreviation'],
  ['kcl', 'potassium chloride', 'abbreviation'],
  ['mag sulfate', 'magnesium sulfate', 'abbreviation'],
  ['apap', 'acetaminophen', 'abbreviation'],
];

const medOrderCount: Template = (q, rng) =>
  MED_TERMS.flatMap(([term, stored, category]) => {
    const rows = q<{ p: number }>(
      `SELECT DISTINCT patientid AS p FROM medicationorders WHERE medicationname LIKE ${lit(`%${stored}%`)}`,
    );
    return take(rng, rows, 1).map(({ p }) => {
      const scope = rng.pick(['all', '2100']);
      const when = scope === 'all' ? 'in total' : 'this year';
      return {
        categories: [
          category as TaskDraft['categories'][number],
          'source-table',
          ...(scope === 'all' ? [] : ['time-scope' as const]),
        ],
        instruction: ins(
          `You want to know how many times ${term} was ordered (prescribed) for patient ${p} ${when}.`,
          `${term} means medications whose name contains '${stored}'.`,
          'You care about orders, not administrations.',
        ),
        user_turns: [`how often did patient ${p} get ${term} prescribed?`, `I mean orders, ${when}.`],
        gold_sql: `SELECT COUNT(*) FROM medicationorders WHERE patientid = ${p} AND medicationname LIKE ${lit(`%${stored}%`)}${scope === 'all' ? '' : " AND strftime('%Y', startdatetime) = '2100'"}`,
      } satisfies TaskDraft;
    });
  });

const PROC_TERMS: [string, string][] = [
  ['pad', "procedurecodes.description = 'percutaneous abdominal drainage'"],
  ['cvc placement', "procedurecodes.description LIKE '%central venous catheter%placement%'"],
  ['egd with biopsy', "procedurecodes.description = 'esophagogastroduodenoscopy [egd] with closed biopsy'"],
  ['prbc transfusion', "procedurecodes.description = 'transfusion of packed cells'"],
  ['intubation', "procedurecodes.description = 'insertion of endotracheal tube'"],
  ['hd', "procedurecodes.description = 'hemodialysis'"],
];

const procLast: Template = (q, rng) =>
  PROC_TERMS.flatMap(([term, where]) => {
    const rows = q<{ p: number }>(
      `SELECT DISTINCT admissionprocedures.patientid AS p FROM admissionprocedures JOIN procedurecodes ON admissionprocedures.icdcode = procedurecodes.icdcode AND admissionprocedures.codeversion = procedurecodes.codeversion WHERE ${where}`,
    );
    return take(rng, rows, 2).map(
      ({ p }) =>
        ({
          categories: ['abbreviation', 'time-scope'],
          instruction: ins(
            `You want the date and time of the most recent ${term.toUpperCase()} procedure of patient ${p}.`,
            `${term.toUpperCase()} is the procedure matching: ${where.replace('procedurecodes.', '')}.`,
          ),
          user_turns: [
            `when did patient ${p} last have a ${term.toUpperCase()}?`,
            'just the most recent time it was recorded.',
          ],
          gold_sql: `SELECT admissionprocedures.recordeddatetime FROM admissionprocedures JOIN procedurecodes ON admissionprocedures.icdcode = procedurecodes.icdcode AND admissionprocedures.codeversion = procedurecodes.codeversion WHERE admissionprocedures.patientid = ${p} AND ${where} ORDER BY admissionprocedures.recordeddatetime DESC LIMIT 1`,
        }) satisfies TaskDraft,
    );
  });

const DX_TERMS: [string, string, 'abbreviation' | 'lay-term'][] = [
  ['copd', 'chronic obstructive pulmonary disease, unspecified', 'abbreviation'],
  ['family history of breast cancer', 'family history of malignant neoplasm of breast', 'lay-term'],
  ['aki', 'acute kidney failure, unspecified', 'abbreviation'],
  ['gerd', 'gastro-esophageal reflux disease without esophagitis', 'abbreviation'],
  ['cad', 'coronary atherosclerosis of native coronary artery', 'abbreviation'],
  ['uti', 'urinary tract infection, site not specified', 'abbreviation'],
  ['type 2 diabetes', 'type 2 diabetes mellitus without complications', 'lay-term'],
  ['htn', 'essential (primary) hypertension', 'abbreviation'],
  ['afib', 'atrial fibrillation', 'abbreviation'],
  ['high cholesterol', 'pure hypercholesterolemia', 'lay-term'],
  ['underactive thyroid', 'unspecified acquired hypothyroidism', 'lay-term'],
  ['liver cirrhosis from alcohol', 'alcoholic cirrhosis of liver', 'lay-term'],
];

const DX_JOIN =
  'admissiondiagnoses JOIN diagnosiscodes ON admissiondiagnoses.icdcode = diagnosiscodes.icdcode AND admissiondiagnoses.codeversion = diagnosiscodes.codeversion';

const dxPatients: Template = (_q, rng) =>
  DX_TERMS.map(([term, stored, category]) => {
    const scope = rng.pick(['all', '2100', '2099']);
    const when = scope === 'all' ? 'ever' : `in ${scope}`;
    return {
      categories: [category, 'cohort-dedup', ...(scope === 'all' ? [] : ['time-scope' as const])],
      instruction: ins(
        `You want the number of distinct patients diagnosed with ${term} ${when}.`,
        `${term} is the diagnosis stored as '${stored}'.`,
        'Each patient counts once.',
      ),
      user_turns: [
        `how many patients have been diagnosed with ${term}?`,
        `count each patient once, diagnoses ${when === 'ever' ? 'at any time' : when}.`,
      ],
      gold_sql: `SELECT COUNT(DISTINCT admissiondiagnoses.patientid) FROM ${DX_JOIN} WHERE diagnosiscodes.description = ${lit(stored)}${scope === 'all' ? '' : ` AND strftime('%Y', admissiondiagnoses.recordeddatetime) = '${scope}'`}`,
    } satisfies TaskDraft;
  });

const bmiPatients: Template = () =>
  (
    [
      [
        'a bmi of 35 or more',
        "diagnosiscodes.description LIKE 'body mass index%' AND (diagnosiscodes.description LIKE '%35.0-35.9%' OR diagnosiscodes.description LIKE '%40.0-44.9%')",
      ],
      ['a bmi of 40 or more', "diagnosiscodes.description LIKE 'body mass index%40.0-44.9%'"],
      ['a bmi between 30 and 31', "diagnosiscodes.description LIKE 'body mass index%30.0-30.9%'"],
    ] as const
  ).map(
    ([term, where]) =>
      ({
        categories: ['lay-term', 'stored-variants'],
        instruction: ins(
          `You want the ids of patients with a diagnosis of ${term}.`,
          `This covers every 'body mass index' diagnosis in that range, ICD-9 and ICD-10 (${where}).`,
        ),
        user_turns: [`which patients were diagnosed with ${term}?`, 'give me their patient ids.'],
        gold_sql: `SELECT DISTINCT admissiondiagnoses.patientid FROM ${DX_JOIN} WHERE ${where}`,
      }) satisfies TaskDraft,
  );

const CAREUNITS: [string, string][] = [
  ['cvicu', 'cardiac vascular intensive care unit (cvicu)'],
  ['micu', 'medical intensive care unit (micu)'],
  ['sicu', 'surgical intensive care unit (sicu)'],
  ['ccu', 'coronary care unit (ccu)'],
  ['tsicu', 'trauma sicu (tsicu)'],
  ['neuro sicu', 'neuro surgical intensive care unit (neuro sicu)'],
];

const icuCount: Template = (_q, rng) =>
  CAREUNITS.flatMap(([abbr, stored]) =>
    (['2100', 'all'] as const).map(
      (scope) =>
        ({
          categories: ['abbreviation', ...(scope === 'all' ? [] : ['time-scope' as const])],
          instruction: ins(
            `You want the number of ICU stays that started in the ${abbr.toUpperCase()}${scope === 'all' ? '' : ' this year'}.`,
            `${abbr.toUpperCase()} is the care unit stored as '${stored}'; count by the initial care unit.`,
          ),
          user_turns: [
            rng.pick([
              `how many icu stays did the ${abbr.toUpperCase()} have?`,
              `number of ${abbr.toUpperCase()} stays?`,
            ]),
            scope === 'all'
              ? 'all of them, counted by the first unit.'
              : 'only stays this year, counted by the first unit.',
          ],
          gold_sql: `SELECT COUNT(*) FROM icuepisodes WHERE initialcareunit = ${lit(stored)}${scope === 'all' ? '' : " AND strftime('%Y', admitdatetime) = '2100'"}`,
        }) satisfies TaskDraft,
    ),
  );

const topN: Template = (_q, rng) => {
  const kinds: [string, string, string, string][] = [
    [
      'lab tests',
      'labtesttypes.itemname',
      'labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode',
      'labresults.resultdatetime',
    ],
    ['ordered medications', 'medicationorders.medicationname', 'medicationorders', 'medicationorders.startdatetime'],
    ['diagnoses', 'diagnosiscodes.description', DX_JOIN, 'admissiondiagnoses.recordeddatetime'],
    [
      'specimen types tested',
      'microbiologyresults.specimentype',
      'microbiologyresults',
      'microbiologyresults.collecteddatetime',
    ],
  ];
  return kinds.flatMap(([label, column, from, time]) =>
    ([3, 4, 5] as const).map((n) => {
      const scope = rng.pick(['all', '2100', '2099']);
      return {
        categories: ['ranking-ties', ...(scope === 'all' ? [] : ['time-scope' as const])],
        instruction: ins(
          `You want the top ${n} most frequent ${label}${scope === 'all' ? '' : ` in ${scope}`}, including all ties.`,
          'Only the names, no counts.',
        ),
        user_turns: [
          `what are the most common ${label}?`,
          `top ${n}${scope === 'all' ? ', all time' : `, in ${scope}`}. keep ties, names only.`,
        ],
        gold_sql: `SELECT name FROM (SELECT ${column} AS name, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS rnk FROM ${from}${scope === 'all' ? '' : ` WHERE strftime('%Y', ${time}) = '${scope}'`} GROUP BY ${column}) WHERE rnk <= ${n}`,
      } satisfies TaskDraft;
    }),
  );
};

const VITALS: [string, string][] = [
  ['hr', 'heart rate'],
  ['spo2', 'o2 saturation pulseoxymetry'],
  ['rr', 'respiratory rate'],
  ['systolic bp', 'non invasive blood pressure systolic'],
  ['temp', 'temperature fahrenheit'],
];

const vitalAggregate: Template = (q, rng) => {
  const stays = q<{ p: number; s: number }>(
    `SELECT patientid AS p, icuadmissionid AS s FROM icuepisodes WHERE dischargedatetime IS NULL`,
  );
  const past = q<{ p: number; s: number }>(
    `SELECT patientid AS p, MAX(icuadmissionid) AS s FROM icuepisodes WHERE dischargedatetime IS NOT NULL GROUP BY patientid`,
  );
  const drafts: TaskDraft[] = [];
  for (const [abbr, stored] of VITALS) {
    for (const { p, s } of take(rng, stays, 1)) {
      drafts.push({
        categories: ['aggregation-format', 'abbreviation', 'time-scope'],
        instruction: ins(
          `You want the difference between the last and the first ${abbr.toUpperCase()} value of patient ${p} during the current ICU stay (last minus first).`,
          `${abbr.toUpperCase()} is the chart item '${stored}'.`,
        ),
        user_turns: [
          `patient ${p} is in the icu now. how has the ${abbr.toUpperCase()} changed?`,
          'give me last value minus first value in this icu stay.',
        ],
        gold_sql: `SELECT (SELECT clinicalevents.value FROM clinicalevents JOIN clinicalitemtypes ON clinicalevents.itemcode = clinicalitemtypes.itemcode WHERE clinicalevents.icuadmissionid = ${s} AND clinicalitemtypes.itemname = ${lit(stored)} ORDER BY clinicalevents.recordeddatetime DESC LIMIT 1) - (SELECT clinicalevents.value FROM clinicalevents JOIN clinicalitemtypes ON clinicalevents.itemcode = clinicalitemtypes.itemcode WHERE clinicalevents.icuadmissionid = ${s} AND clinicalitemtypes.itemname = ${lit(stored)} ORDER BY clinicalevents.recordeddatetime ASC LIMIT 1)`,
      });
    }
    for (const { p, s } of take(rng, past, 1)) {
      const agg = rng.pick(['min', 'max']);
      drafts.push({
        categories: ['aggregation-format', 'abbreviation'],
        instruction: ins(
          `You want the daily ${agg === 'min' ? 'minimum' : 'maximum'} ${abbr.toUpperCase()} of patient ${p} for each day of the last ICU stay.`,
          `${abbr.toUpperCase()} is the chart item '${stored}'. Values only, one per day.`,
        ),
        user_turns: [
          `show me patient ${p}'s ${abbr.toUpperCase()} in the last icu stay`,
          `the daily ${agg === 'min' ? 'minimum' : 'maximum'}, one per day.`,
        ],
        gold_sql: `SELECT ${agg.toUpperCase()}(clinicalevents.value) FROM clinicalevents JOIN clinicalitemtypes ON clinicalevents.itemcode = clinicalitemtypes.itemcode WHERE clinicalevents.icuadmissionid = ${s} AND clinicalitemtypes.itemname = ${lit(stored)} GROUP BY strftime('%Y-%m-%d', clinicalevents.recordeddatetime)`,
      });
    }
  }
  return drafts;
};

const INTAKE_TERMS: [string, string][] = [
  ['norepinephrine', 'norepinephrine'],
  ['propofol', 'propofol'],
  ['normal saline', 'nacl 0.9%'],
  ['d5w', 'dextrose 5%'],
  ['lactated ringers', 'lr'],
  ['fentanyl', 'fentanyl'],
  ['vancomycin', 'vancomycin'],
  ['heparin', 'heparin sodium'],
];

const intakeTotal: Template = (q, rng) =>
  INTAKE_TERMS.flatMap(([term, stored]) => {
    const rows = q<{ p: number }>(
      `SELECT DISTINCT intakerecords.patientid AS p FROM intakerecords JOIN clinicalitemtypes ON intakerecords.itemcode = clinicalitemtypes.itemcode WHERE clinicalitemtypes.itemname = ${lit(stored)}`,
    );
    return take(rng, rows, 1).map(
      ({ p }) =>
        ({
          categories: ['source-table', ...(term === stored ? [] : ['lay-term' as const])],
          instruction: ins(
            `You want the total volume of ${term} actually administered (not ordered) to patient ${p}, over all ICU stays.`,
            `${term} is the input item '${stored}'. Ask for administered amounts.`,
          ),
          user_turns: [
            `how much ${term} did patient ${p} receive?`,
            'the total volume that was actually given, not what was ordered.',
          ],
          gold_sql: `SELECT SUM(intakerecords.totalvolume) FROM intakerecords JOIN clinicalitemtypes ON intakerecords.itemcode = clinicalitemtypes.itemcode WHERE intakerecords.patientid = ${p} AND clinicalitemtypes.itemname = ${lit(stored)}`,
        }) satisfies TaskDraft,
    );
  });

const costs: Template = (q, rng) => {
  const current = q<{ p: number }>(`SELECT patientid AS p FROM hospitaladmissions WHERE dischargedatetime IS NULL`);
  const drafts: TaskDraft[] = take(rng, current, 5).map(({ p }) => ({
    categories: ['aggregation-format', 'time-scope'],
    instruction: ins(`You want the total cost of patient ${p}'s current hospital stay.`),
    user_turns: [`what does patient ${p}'s hospital bill look like so far?`, 'the total cost of the current stay.'],
    gold_sql: `SELECT SUM(costamount) FROM costrecords WHERE admissionid IN (${CURRENT(p)})`,
  }));
  for (const [term, event, where] of [
    [
      'a hemoglobin test',
      'labresults',
      "labresults.itemcode IN (SELECT itemcode FROM labtesttypes WHERE itemname = 'hemoglobin')",
    ],
    ['an order of furosemide', 'medicationorders', "medicationorders.medicationname LIKE '%furosemide%'"],
    [
      'a pad procedure',
      'admissionprocedures',
      "admissionprocedures.icdcode IN (SELECT icdcode FROM procedurecodes WHERE description = 'percutaneous abdominal drainage')",
    ],
    [
      'a copd diagnosis',
      'admissiondiagnoses',
      "admissiondiagnoses.icdcode IN (SELECT icdcode FROM diagnosiscodes WHERE description = 'chronic obstructive pulmonary disease, unspecified')",
    ],
    [
      'a creatinine test',
      'labresults',
      "labresults.itemcode IN (SELECT itemcode FROM labtesttypes WHERE itemname = 'creatinine')",
    ],
  ] as const) {
    drafts.push({
      categories: [
        'aggregation-format',
        term.includes('pad') || term.includes('copd') ? 'abbreviation' : 'include-exclude',
      ],
      instruction: ins(`You want the average cost of ${term} (cost events of type ${event}).`),
      user_turns: [`what does ${term} usually cost?`, 'the average cost per event.'],
      gold_sql: `SELECT AVG(costrecords.costamount) FROM costrecords JOIN ${event} ON costrecords.costid = ${event}.recordid WHERE costrecords.eventtype = '${event}' AND ${where}`,
    });
  }
  return drafts;
};

const includeExclude: Template = (q, rng) => {
  const patients = q<{ p: number }>(`SELECT DISTINCT patientid AS p FROM labresults WHERE itemcode IN (50912, 51082)`);
  const drafts: TaskDraft[] = [];
  for (const { p } of take(rng, patients, 4)) {
    drafts.push({
      categories: ['include-exclude'],
      instruction: ins(
        `You want the maximum serum creatinine of patient ${p} ever, not urine or whole-blood creatinine.`,
        "That is the lab stored exactly as 'creatinine'.",
      ),
      user_turns: [
        `what's the highest creatinine patient ${p} ever had?`,
        'blood creatinine only, not the urine one or the whole blood one.',
      ],
      gold_sql: `SELECT MAX(labresults.resultvalue) FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labresults.patientid = ${p} AND labtesttypes.itemname = 'creatinine'`,
    });
  }
  for (const year of ['2099', '2100']) {
    drafts.push({
      categories: ['include-exclude', 'time-scope'],
      instruction: ins(
        `You want the average hemoglobin value across all patients in ${year}, excluding hemoglobin c and hemoglobin a2.`,
      ),
      user_turns: [`average hb across everyone in ${year}?`, 'plain hemoglobin only, not hb c or hb a2.'],
      gold_sql: `SELECT AVG(labresults.resultvalue) FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labtesttypes.itemname = 'hemoglobin' AND strftime('%Y', labresults.resultdatetime) = '${year}'`,
    });
  }
  for (const year of ['2098', '2099', '2100']) {
    drafts.push({
      categories: ['include-exclude', 'time-scope'],
      instruction: ins(
        `You want the number of alteplase orders in ${year}, excluding alteplase for catheter clearance.`,
      ),
      user_turns: [`how many alteplase orders were there in ${year}?`, 'not the catheter clearance ones.'],
      gold_sql: `SELECT COUNT(*) FROM medicationorders WHERE medicationname = 'alteplase' AND strftime('%Y', startdatetime) = '${year}'`,
    });
  }
  for (const { p } of take(
    rng,
    q<{ p: number }>(`SELECT DISTINCT patientid AS p FROM labresults WHERE itemcode IN (51301, 51300, 51516, 51755)`),
    4,
  )) {
    drafts.push({
      categories: ['stored-variants'],
      instruction: ins(
        `You want the number of WBC measurements of patient ${p}.`,
        "WBC covers every stored name: 'wbc', 'white blood cells', 'wbc count' and 'leukocytes'.",
      ),
      user_turns: [`how many times was patient ${p}'s wbc checked?`, 'count every kind of wbc result.'],
      gold_sql: `SELECT COUNT(*) FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labresults.patientid = ${p} AND labtesttypes.itemname IN ('wbc', 'white blood cells', 'wbc count', 'leukocytes')`,
    });
  }
  for (const { p } of take(
    rng,
    q<{ p: number }>(`SELECT DISTINCT patientid AS p FROM labresults WHERE itemcode IN (50902, 52535)`),
    3,
  )) {
    drafts.push({
      categories: ['stored-variants', 'aggregation-format'],
      instruction: ins(
        `You want the average chloride of patient ${p} over all results, counting both chloride item codes.`,
      ),
      user_turns: [`average chloride for patient ${p}?`, 'all results.'],
      gold_sql: `SELECT AVG(labresults.resultvalue) FROM labresults JOIN labtesttypes ON labresults.itemcode = labtesttypes.itemcode WHERE labresults.patientid = ${p} AND labtesttypes.itemname = 'chloride'`,
    });
  }
  return drafts;
};

const incremental: Template = (q, rng) => {
  const current = q<{ p: number }>(`SELECT patientid AS p FROM hospitaladmissions WHERE dischargedatetime IS NULL`);
  return take(rng, current, 12).map(({ p }, i) => {
    const days = [3, 7, 10][i % 3]!;
    return {
      categories: ['incremental-flow', 'time-scope'],
      instruction: ins(
        `First ask which medications were ordered for patient ${p} during the current stay.`,
        `After the agent answers, narrow it: only medications whose order started within the last ${days} days (from now, 2100-12-31 23:59:00). Names only, no duplicates.`,
      ),
      user_turns: [
        `what meds were ordered for patient ${p} during this stay?`,
        `actually just the ones started in the last ${days} days.`,
      ],
      gold_sql: `SELECT DISTINCT medicationname FROM medicationorders WHERE admissionid IN (${CURRENT(p)}) AND startdatetime >= datetime('2100-12-31 23:59:00', '-${days} days')`,
    } satisfies TaskDraft;
  });
};

const microAndDemo: Template = (q, rng) => {
  const drafts: TaskDraft[] = [];
  for (const { p, s } of take(
    rng,
    q<{ p: number; s: string }>(
      `SELECT patientid AS p, specimentype AS s FROM microbiologyresults WHERE organismname IS NOT NULL GROUP BY patientid, specimentype`,
    ),
    6,
  )) {
    drafts.push({
      categories: ['cohort-dedup'],
      instruction: ins(`You want the distinct organisms found in patient ${p}'s ${s} specimens, at any time.`),
      user_turns: [`did patient ${p}'s ${s} cultures grow anything?`, 'list the organisms, each once.'],
      gold_sql: `SELECT DISTINCT organismname FROM microbiologyresults WHERE patientid = ${p} AND specimentype = ${lit(s)} AND organismname IS NOT NULL`,
    });
  }
  for (const { p } of take(
    rng,
    q<{ p: number }>(
      `SELECT patientid AS p FROM hospitaladmissions WHERE dischargedatetime IS NOT NULL GROUP BY patientid HAVING COUNT(*) >= 2`,
    ),
    6,
  )) {
    const dateOnly = rng.pick([true, false]);
    drafts.push({
      categories: ['source-table', 'aggregation-format'],
      instruction: ins(
        `You want the ${dateOnly ? 'date (YYYY-MM-DD only)' : 'date and time'} of patient ${p}'s first hospital discharge.`,
      ),
      user_turns: [
        `when was patient ${p} first discharged from the hospital?`,
        dateOnly ? 'just the date, no time.' : 'the full discharge date and time.',
      ],
      gold_sql: `SELECT ${dateOnly ? "strftime('%Y-%m-%d', dischargedatetime)" : 'dischargedatetime'} FROM hospitaladmissions WHERE patientid = ${p} AND dischargedatetime IS NOT NULL ORDER BY admitdatetime ASC LIMIT 1`,
    });
  }
  for (const { p } of take(rng, q<{ p: number }>(`SELECT DISTINCT patientid AS p FROM icuepisodes`), 6)) {
    drafts.push({
      categories: ['cohort-dedup', 'aggregation-format'],
      instruction: ins(
        `You want the number of hospital admissions of patient ${p} that included at least one ICU stay, each admission counted once.`,
      ),
      user_turns: [`how many of patient ${p}'s hospital admissions involved the icu?`, 'count each admission once.'],
      gold_sql: `SELECT COUNT(DISTINCT admissionid) FROM icuepisodes WHERE patientid = ${p}`,
    });
  }
  return drafts;
};

export const MIMIC_INCRE_TEMPLATES: Template[] = [
  labLastCurrent,
  medOrderCount,
  procLast,
  dxPatients,
  bmiPatients,
  icuCount,
  topN,
  vitalAggregate,
  intakeTotal,
  costs,
  includeExclude,
  incremental,
  microAndDemo,
];
export type { Query };
