// IncreQA templates over the synthetic eICU★ database.
import type { Rng } from '../../stats/random.js';
import { instruction as ins, lit, type TaskDraft, type Template } from './task-types.js';

const take = <T>(rng: Rng, rows: T[], n: number): T[] => rng.shuffle([...rows]).slice(0, n);
const CURRENT_UNITS = (p: string) =>
  `SELECT unit_id FROM icupatient WHERE patient_id = '${p}' AND hospital_discharge_time IS NULL`;

const LAB_TERMS: [string, string][] = [
  ['hemoglobin', 'hgb'],
  ['hematocrit', 'hct'],
  ['platelets', 'platelets x 1000'],
  ['white count', 'wbc x 1000'],
  ['blood urea nitrogen', 'bun'],
  ['inr', 'pt - inr'],
  ['sgpt', 'alt (sgpt)'],
  ['sgot', 'ast (sgot)'],
  ['bilirubin', 'total bilirubin'],
  ['fingerstick glucose', 'bedside glucose'],
  ['lymphocytes', '-lymphs'],
  ['neutrophils', '-polys'],
];

const labCurrent: Template = (q, rng) => {
  const patients = q<{ p: string }>(
    `SELECT DISTINCT patient_id AS p FROM icupatient WHERE hospital_discharge_time IS NULL`,
  ).map((r) => r.p);
  return LAB_TERMS.map(([term, stored], i) => {
    const p = patients[i % patients.length]!;
    const agg = rng.pick(['last', 'max', 'min']);
    return {
      categories: ['lay-term', 'time-scope'],
      instruction: ins(
        `You want the ${agg === 'last' ? 'most recent' : agg === 'max' ? 'highest' : 'lowest'} ${term} result of patient ${p} during the current hospital stay.`,
        `${term} is the lab stored as '${stored}'.`,
      ),
      user_turns: [
        `patient ${p} is still in the hospital. can you check a lab for me?`,
        `the ${agg === 'last' ? 'latest' : agg === 'max' ? 'highest' : 'lowest'} ${term} in this stay.`,
      ],
      gold_sql:
        agg === 'last'
          ? `SELECT lab_result FROM lab WHERE unit_id IN (${CURRENT_UNITS(p)}) AND lab_name = ${lit(stored)} ORDER BY lab_result_time DESC LIMIT 1`
          : `SELECT ${agg.toUpperCase()}(lab_result) FROM lab WHERE unit_id IN (${CURRENT_UNITS(p)}) AND lab_name = ${lit(stored)}`,
    } satisfies TaskDraft;
  });
};

const DRUGS = [
  'furosemide',
  'acetaminophen',
  'metoprolol',
  'heparin',
  'insulin',
  'pantoprazole',
  'ondansetron',
  'potassium chloride',
  'vancomycin',
  'aspirin',
  'morphine',
  'lorazepam',
];

const drugCount: Template = (q, rng) =>
  DRUGS.flatMap((drug) =>
    take(
      rng,
      q<{ p: string }>(
        `SELECT DISTINCT icupatient.patient_id AS p FROM prescription JOIN icupatient ON prescription.unit_id = icupatient.unit_id WHERE drug_name LIKE ${lit(`%${drug}%`)}`,
      ),
      1,
    ).map(
      ({ p }) =>
        ({
          categories: ['stored-variants', 'source-table'],
          instruction: ins(
            `You want the number of ${drug} prescriptions of patient ${p} across all ICU stays.`,
            `Any drug name containing '${drug}' counts. You mean prescriptions (orders).`,
          ),
          user_turns: [`how many times was ${drug} prescribed for patient ${p}?`, 'all stays, every form of it.'],
          gold_sql: `SELECT COUNT(*) FROM prescription WHERE unit_id IN (SELECT unit_id FROM icupatient WHERE patient_id = '${p}') AND drug_name LIKE ${lit(`%${drug}%`)}`,
        }) satisfies TaskDraft,
    ),
  );

const CONDITIONS: [string, string, TaskDraft['categories'][number]][] = [
  ['ards', "condition_name LIKE '%|ards%'", 'stored-variants'],
  ['trauma', "condition_name LIKE 'burns/trauma|trauma%'", 'stored-variants'],
  ['sepsis', "condition_name = 'cardiovascular|shock / hypotension|sepsis'", 'lay-term'],
  ['afib', "condition_name = 'cardiovascular|arrhythmias|atrial fibrillation'", 'abbreviation'],
  ['chf', "condition_name = 'cardiovascular|ventricular disorders|congestive heart failure'", 'abbreviation'],
  ['dka', "condition_name = 'endocrine|glucose metabolism|dka'", 'abbreviation'],
  ['aki', "condition_name = 'renal|disorder of kidney|acute renal failure'", 'abbreviation'],
  ['stroke', "condition_name = 'neurologic|disorders of vasculature|stroke'", 'lay-term'],
  ['copd', "condition_name = 'pulmonary|disorders of the airways|copd'", 'abbreviation'],
  ['community-acquired pneumonia', "condition_name = 'pulmonary|pneumonia|community-acquired'", 'lay-term'],
  ['acs', "condition_name = 'cardiovascular|chest pain / ascvd / ischemia|acute coronary syndrome'", 'abbreviation'],
  ['gi bleed', "condition_name = 'gastrointestinal|gi bleeding / pud|upper gi bleeding'", 'abbreviation'],
];

const conditionPatients: Template = (_q, rng) =>
  CONDITIONS.map(([term, where, category]) => {
    const scope = rng.pick(['all', '2100']);
    return {
      categories: [category, 'cohort-dedup', ...(scope === 'all' ? [] : ['time-scope' as const])],
      instruction: ins(
        `You want the number of distinct patients with a ${term} diagnosis${scope === 'all' ? '' : ' this year'}.`,
        `${term} means conditions matching ${where}.`,
      ),
      user_turns: [
        `how many patients had ${term}?`,
        `each patient once${scope === 'all' ? ', any time' : ', this year only'}.`,
      ],
      gold_sql: `SELECT COUNT(DISTINCT icupatient.patient_id) FROM condition JOIN icupatient ON condition.unit_id = icupatient.unit_id WHERE ${where.replace(/condition_name/g, 'condition.condition_name')}${scope === 'all' ? '' : " AND strftime('%Y', condition.condition_time) = '2100'"}`,
    } satisfies TaskDraft;
  });

const TREATMENTS: [string, string][] = [
  ['lvad', 'implantation of lvad'],
  ['cxr', 'chest x-ray'],
  ['pt consult', 'physical therapy consult'],
  ['prbc transfusion', 'transfusion of packed red blood cells'],
  ['ett placement', 'endotracheal tube insertion'],
  ['vte prophylaxis', 'vte prophylaxis - low molecular weight heparin'],
  ['hd', 'hemodialysis - for acute renal failure'],
  ['mech vent', 'mechanical ventilation'],
  ['head ct', 'ct scan - head'],
  ['nasal cannula', 'oxygen therapy (< 40%) - nasal cannula'],
  ['sliding scale insulin', 'insulin - sliding scale administration'],
  ['left heart cath', 'cardiac angiography - left heart'],
];

const treatmentLast: Template = (q, rng) =>
  TREATMENTS.flatMap(([term, stored]) =>
    take(
      rng,
      q<{ p: string }>(
        `SELECT DISTINCT icupatient.patient_id AS p FROM treatment JOIN icupatient ON treatment.unit_id = icupatient.unit_id WHERE treatment_name = ${lit(stored)}`,
      ),
      1,
    ).map(
      ({ p }) =>
        ({
          categories: ['abbreviation'],
          instruction: ins(
            `You want the last time patient ${p} received ${term.toUpperCase()}.`,
            `${term.toUpperCase()} is the treatment stored as '${stored}'.`,
          ),
          user_turns: [`when did patient ${p} last get ${term.toUpperCase()}?`, 'the latest time it was recorded.'],
          gold_sql: `SELECT treatment.treatment_time FROM treatment JOIN icupatient ON treatment.unit_id = icupatient.unit_id WHERE icupatient.patient_id = '${p}' AND treatment.treatment_name = ${lit(stored)} ORDER BY treatment.treatment_time DESC LIMIT 1`,
        }) satisfies TaskDraft,
    ),
  );

const SOURCES: [string, string][] = [
  ['the emergency room', 'emergency department'],
  ['the or', 'operating room'],
  ['the step-down unit', 'step-down unit (sdu)'],
  ['pacu', 'recovery room'],
];

const admitSource: Template = () =>
  SOURCES.flatMap(([term, stored]) =>
    (['2100', '2099'] as const).map(
      (year) =>
        ({
          categories: ['lay-term', 'cohort-dedup', 'time-scope'],
          instruction: ins(
            `You want the number of hospital stays in ${year} that were admitted from ${term}.`,
            `${term} is the admission source stored as '${stored}'. Count hospital stays (hosp_id), not ICU stays.`,
          ),
          user_turns: [`how many hospital stays came in from ${term} in ${year}?`, 'count each hospital stay once.'],
          gold_sql: `SELECT COUNT(DISTINCT hosp_id) FROM icupatient WHERE hospital_admission_source = ${lit(stored)} AND strftime('%Y', hospital_admit_time) = '${year}'`,
        }) satisfies TaskDraft,
    ),
  );

const topN: Template = (_q, rng) => {
  const kinds: [string, string, string, string][] = [
    ['lab tests', 'lab_name', 'lab', 'lab_result_time'],
    ['prescribed drugs', 'drug_name', 'prescription', 'medication_start_time'],
    ['treatments', 'treatment_name', 'treatment', 'treatment_time'],
    ['diagnoses', 'condition_name', 'condition', 'condition_time'],
  ];
  return kinds.flatMap(([label, column, table, time]) =>
    ([3, 4, 5] as const).map((n) => {
      const scope = rng.pick(['all', '2100']);
      return {
        categories: ['ranking-ties', ...(scope === 'all' ? [] : ['time-scope' as const])],
        instruction: ins(
          `You want the top ${n} most frequent ${label}${scope === 'all' ? '' : ' this year'}, with all ties.`,
          'Names only.',
        ),
        user_turns: [
          `which ${label} are most common?`,
          `top ${n}${scope === 'all' ? ', all time' : ', this year'}. keep ties, names only.`,
        ],
        gold_sql: `SELECT name FROM (SELECT ${column} AS name, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS rnk FROM ${table}${scope === 'all' ? '' : ` WHERE strftime('%Y', ${time}) = '2100'`} GROUP BY ${column}) WHERE rnk <= ${n}`,
      } satisfies TaskDraft;
    }),
  );
};

const VITALS: [string, string][] = [
  ['heart rate', 'heart_rate'],
  ['spo2', 'sao2'],
  ['temperature', 'temperature'],
  ['respiratory rate', 'respiration_rate'],
  ['systolic bp', 'systolic_bp'],
  ['mean bp', 'mean_bp'],
];

const vitals: Template = (q, rng) => {
  const units = q<{ u: number }>(`SELECT unit_id AS u FROM icupatient`).map((r) => r.u);
  return VITALS.flatMap(([term, column]) =>
    take(rng, units, 2).map((u, i) => {
      const daily = i === 1;
      const agg = rng.pick(['AVG', 'MIN', 'MAX']);
      const word = agg === 'AVG' ? 'average' : agg === 'MIN' ? 'minimum' : 'maximum';
      return {
        categories: ['aggregation-format'],
        instruction: ins(
          `You want the ${daily ? 'daily ' : ''}${word} ${term} of ICU stay ${u}${daily ? ', one value per day' : ''}.`,
          'Select the stay by its unit id.',
        ),
        user_turns: [
          `what was the ${term} like in icu stay ${u}?`,
          daily ? `the ${word} for each day, values only.` : `the ${word} over the whole stay.`,
        ],
        gold_sql: `SELECT ${agg}(${column}) FROM vital_signs WHERE unit_id = ${u} AND ${column} IS NOT NULL${daily ? " GROUP BY strftime('%Y-%m-%d', vital_time)" : ''}`,
      } satisfies TaskDraft;
    }),
  );
};

const fluids: Template = (q, rng) =>
  take(
    rng,
    q<{ u: number }>(`SELECT DISTINCT unit_id AS u FROM fluid_balance WHERE fluid_label = 'urine'`).map((r) => r.u),
    12,
  ).map((u, i) => {
    const kind = (['intake', 'output', 'urine'] as const)[i % 3];
    const where =
      kind === 'urine' ? "fluid_path LIKE '%output%' AND fluid_label = 'urine'" : `fluid_path LIKE '%${kind}%'`;
    return {
      categories: ['source-table', 'aggregation-format'],
      instruction: ins(
        `You want the total ${kind === 'urine' ? "urine output (label 'urine')" : kind} volume recorded for ICU stay ${u}.`,
        kind === 'intake' ? 'Intake means what was actually given, from fluid balance records.' : '',
      ),
      user_turns: [`fluids for icu stay ${u}?`, `the total ${kind === 'urine' ? 'urine output' : kind} volume.`],
      gold_sql: `SELECT SUM(fluid_value_numeric) FROM fluid_balance WHERE unit_id = ${u} AND ${where}`,
    } satisfies TaskDraft;
  });

const costs: Template = (q, rng) => {
  const drafts: TaskDraft[] = take(
    rng,
    q<{ h: number; p: string }>(
      `SELECT DISTINCT hosp_id AS h, patient_id AS p FROM icupatient WHERE hospital_discharge_time IS NULL`,
    ),
    5,
  ).map(({ h, p }) => ({
    categories: ['aggregation-format', 'time-scope'],
    instruction: ins(`You want the total cost of patient ${p}'s current hospital stay (hospital stay id ${h}).`),
    user_turns: [`how much has patient ${p}'s current hospital stay cost so far?`, 'the total.'],
    gold_sql: `SELECT SUM(cost_amount) FROM cost WHERE hosp_id = ${h}`,
  }));
  for (const [term, type, table, key, where] of [
    ['a hgb test', 'lab', 'lab', 'lab_id', "lab.lab_name = 'hgb'"],
    ['a chest x-ray', 'treatment', 'treatment', 'treatment_id', "treatment.treatment_name = 'chest x-ray'"],
    ['an ards diagnosis', 'condition', 'condition', 'condition_id', "condition.condition_name LIKE '%|ards%'"],
    [
      'a vancomycin prescription',
      'prescription',
      'prescription',
      'prescription_id',
      "prescription.drug_name LIKE '%vancomycin%'",
    ],
    ['a bedside glucose check', 'lab', 'lab', 'lab_id', "lab.lab_name = 'bedside glucose'"],
  ] as const) {
    drafts.push({
      categories: ['aggregation-format'],
      instruction: ins(`You want the average cost of ${term} (cost events of type ${type}).`),
      user_turns: [`what does ${term} cost on average?`, 'average per event.'],
      gold_sql: `SELECT AVG(cost.cost_amount) FROM cost JOIN ${table} ON cost.event_id = ${table}.${key} WHERE cost.event_type = '${type}' AND ${where}`,
    });
  }
  return drafts;
};

const includeExclude: Template = (q, rng) => {
  const drafts: TaskDraft[] = [];
  for (const { u } of take(
    rng,
    q<{ u: number }>(`SELECT DISTINCT unit_id AS u FROM lab WHERE lab_name = 'glucose'`),
    4,
  )) {
    drafts.push({
      categories: ['include-exclude'],
      instruction: ins(`You want the average lab glucose of ICU stay ${u}, excluding bedside (fingerstick) glucose.`),
      user_turns: [`average glucose in icu stay ${u}?`, 'lab glucose only, not the bedside checks.'],
      gold_sql: `SELECT AVG(lab_result) FROM lab WHERE unit_id = ${u} AND lab_name = 'glucose'`,
    });
  }
  for (const { p } of take(
    rng,
    q<{ p: string }>(
      `SELECT DISTINCT icupatient.patient_id AS p FROM prescription JOIN icupatient ON prescription.unit_id = icupatient.unit_id WHERE drug_name LIKE '%furosemide%'`,
    ),
    4,
  )) {
    drafts.push({
      categories: ['include-exclude', 'stored-variants'],
      instruction: ins(
        `You want the number of oral furosemide prescriptions of patient ${p}, excluding iv furosemide.`,
      ),
      user_turns: [`how many furosemide prescriptions for patient ${p}?`, 'only the oral ones, not iv.'],
      gold_sql: `SELECT COUNT(*) FROM prescription JOIN icupatient ON prescription.unit_id = icupatient.unit_id WHERE icupatient.patient_id = '${p}' AND prescription.drug_name LIKE '%furosemide%' AND prescription.administration_route = 'po'`,
    });
  }
  return drafts;
};

const incremental: Template = (q, rng) =>
  take(
    rng,
    q<{ p: string }>(`SELECT DISTINCT patient_id AS p FROM icupatient WHERE hospital_discharge_time IS NULL`),
    12,
  ).map(({ p }, i) => {
    const narrow = (['iv', 'po', 'sc'] as const)[i % 3];
    const word =
      narrow === 'iv'
        ? 'given by any iv route (iv, iv push, ivpb)'
        : narrow === 'po'
          ? 'taken by mouth (po)'
          : 'given subcutaneously (sc)';
    return {
      categories: ['incremental-flow', 'include-exclude'],
      instruction: ins(
        `First ask which drugs were prescribed for patient ${p} during the current hospital stay.`,
        `After the agent answers, narrow it to the drugs ${word}. Names only, no duplicates.`,
      ),
      user_turns: [`what drugs has patient ${p} been prescribed in this hospital stay?`, `now only the ones ${word}.`],
      gold_sql: `SELECT DISTINCT drug_name FROM prescription WHERE unit_id IN (${CURRENT_UNITS(p)}) AND administration_route ${narrow === 'iv' ? "LIKE '%iv%'" : `= '${narrow}'`}`,
    } satisfies TaskDraft;
  });

const hospitals: Template = (q, rng) =>
  take(
    rng,
    q<{ p: string }>(
      `SELECT DISTINCT icupatient.patient_id AS p FROM icupatient JOIN hospital ON icupatient.hospital_id = hospital.hospital_id WHERE hospital.region IS NOT NULL AND hospital.bed_capacity_category IS NOT NULL`,
    ),
    8,
  ).map(({ p }, i) => {
    const column = i % 2 === 0 ? 'region' : 'bed_capacity_category';
    return {
      categories: ['source-table', 'time-scope'],
      instruction: ins(
        `You want the ${column === 'region' ? 'region' : 'bed capacity category'} of the hospital where patient ${p}'s most recent hospital stay took place.`,
      ),
      user_turns: [
        `which hospital was patient ${p} in most recently?`,
        `I need its ${column === 'region' ? 'region' : 'bed capacity category'}.`,
      ],
      gold_sql: `SELECT hospital.${column} FROM icupatient JOIN hospital ON icupatient.hospital_id = hospital.hospital_id WHERE icupatient.patient_id = '${p}' ORDER BY icupatient.hospital_admit_time DESC LIMIT 1`,
    } satisfies TaskDraft;
  });

const misc: Template = (q, rng) => {
  const drafts: TaskDraft[] = [];
  for (const { p } of take(
    rng,
    q<{ p: string }>(
      `SELECT DISTINCT icupatient.patient_id AS p FROM microbiology JOIN icupatient ON microbiology.unit_id = icupatient.unit_id WHERE organism <> 'no growth'`,
    ),
    6,
  )) {
    drafts.push({
      categories: ['cohort-dedup', 'include-exclude'],
      instruction: ins(`You want the distinct organisms grown in any culture of patient ${p}, excluding 'no growth'.`),
      user_turns: [`what bugs grew in patient ${p}'s cultures?`, 'each organism once, skip the no growth results.'],
      gold_sql: `SELECT DISTINCT microbiology.organism FROM microbiology JOIN icupatient ON microbiology.unit_id = icupatient.unit_id WHERE icupatient.patient_id = '${p}' AND microbiology.organism <> 'no growth'`,
    });
  }
  for (const { u } of take(
    rng,
    q<{ u: number }>(
      `SELECT unit_id AS u FROM icupatient WHERE weight_admission IS NOT NULL AND weight_discharge IS NOT NULL`,
    ),
    6,
  )) {
    drafts.push({
      categories: ['aggregation-format'],
      instruction: ins(`You want the weight change of ICU stay ${u}: discharge weight minus admission weight.`),
      user_turns: [
        `how much did the patient in icu stay ${u} gain or lose?`,
        'discharge weight minus admission weight.',
      ],
      gold_sql: `SELECT weight_discharge - weight_admission FROM icupatient WHERE unit_id = ${u}`,
    });
  }
  for (const { p } of take(
    rng,
    q<{ p: string }>(
      `SELECT DISTINCT icupatient.patient_id AS p FROM allergy_reaction JOIN icupatient ON allergy_reaction.unit_id = icupatient.unit_id`,
    ),
    6,
  )) {
    drafts.push({
      categories: ['cohort-dedup'],
      instruction: ins(`You want the list of allergies recorded for patient ${p}, each once.`),
      user_turns: [`is patient ${p} allergic to anything?`, 'list each allergy once.'],
      gold_sql: `SELECT DISTINCT allergy_reaction.allergy_name FROM allergy_reaction JOIN icupatient ON allergy_reaction.unit_id = icupatient.unit_id WHERE icupatient.patient_id = '${p}'`,
    });
  }
  for (const [term, where] of [
    ['sepsis', "condition.condition_name LIKE '%sepsis%'"],
    ['ards', "condition.condition_name LIKE '%|ards%'"],
    ['acute renal failure', "condition.condition_name LIKE '%acute renal failure%'"],
    ['stroke', "condition.condition_name LIKE '%stroke%'"],
  ] as const) {
    drafts.push({
      categories: ['cohort-dedup', 'lay-term'],
      instruction: ins(
        `You want the number of patients diagnosed with ${term} who died in the hospital (discharge status expired).`,
      ),
      user_turns: [`how many ${term} patients died in hospital?`, 'count patients, hospital discharge status expired.'],
      gold_sql: `SELECT COUNT(DISTINCT icupatient.patient_id) FROM icupatient JOIN condition ON icupatient.unit_id = condition.unit_id WHERE ${where} AND icupatient.hospital_discharge_status = 'expired'`,
    });
  }
  return drafts;
};

export const EICU_INCRE_TEMPLATES: Template[] = [
  labCurrent,
  drugCount,
  conditionPatients,
  treatmentLast,
  admitSource,
  topN,
  vitals,
  fluids,
  costs,
  includeExclude,
  incremental,
  hospitals,
  misc,
];
