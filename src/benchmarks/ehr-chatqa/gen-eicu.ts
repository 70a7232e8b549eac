// Seeded generator of the synthetic eICU★ database (11 tables). patient_id -> hosp_id (hospital
// stay) -> unit_id (ICU stay); ~10% of patients are still in hospital (hospital_discharge_time NULL).
import type Database from 'better-sqlite3';
import { createRng } from '../../stats/random.js';
import { EICU_DDL } from './schema.js';
import {
  between,
  chance,
  DAY,
  fmt,
  minutesOf,
  normalIn,
  NOW_MIN,
  round,
  TableWriter,
  weighted,
  weightedDistinct,
} from './gen-util.js';
import {
  EICU_ALLERGIES,
  EICU_CONDITIONS,
  EICU_CULTURE_SITES,
  EICU_DRUGS,
  EICU_ETHNICITIES,
  EICU_FLUIDS,
  EICU_LABS,
  EICU_ORGANISMS,
  EICU_SOURCES,
  EICU_TREATMENTS,
} from './vocab-eicu.js';

export const EICU_PATIENTS = 120;
const HOSPITALS = 8;

export function generateEicu(db: Database.Database, seed: number): Record<string, number> {
  db.pragma('foreign_keys = OFF'); // the upstream keys reference non-unique columns: documentation only
  db.exec(EICU_DDL);
  const rng = createRng(seed);
  const w = new TableWriter();
  const prices = new Map<string, number>();
  const price = (key: string) => {
    if (!prices.has(key)) prices.set(key, round(between(rng, 5, 60), 2));
    return prices.get(key)!;
  };
  for (let h = 0; h < HOSPITALS; h++) {
    w.add('hospital', {
      hospital_id: 60 + h * 11,
      bed_capacity_category: chance(rng, 0.1) ? null : rng.pick(['<100', '100 - 249', '250 - 499', '>= 500']),
      teaching_status: rng.int(2),
      region: chance(rng, 0.15) ? null : rng.pick(['midwest', 'northeast', 'south', 'west']),
    });
  }
  let unitCounter = 0;
  for (let i = 0; i < EICU_PATIENTS; i++) {
    const patient_id = `${rng.pick(['002', '006', '010', '015', '017', '021', '027', '030', '035'])}-${String(100000 + i * 3917 + rng.int(3000)).padStart(6, '0')}`;
    const gender = rng.pick(['male', 'female']);
    const ageNow = 25 + rng.int(67);
    const ethnicity = chance(rng, 0.05) ? null : rng.pick(EICU_ETHNICITIES);
    const height = round(normalIn(rng, gender === 'male' ? 176 : 163, 8, 140, 205), 1);
    const current = i % 10 === 3;
    const stays = weighted(rng, [1, 2], (n) => (n === 1 ? 3 : 1));
    const admits = Array.from({ length: stays }, () =>
      between(rng, minutesOf(2098, 2, 1), minutesOf(2100, 12, 10)),
    ).sort((a, b) => a - b);
    if (current) admits[stays - 1] = minutesOf(2100, 12, 5 + rng.int(24), rng.int(24), rng.int(60));
    let previousEnd = 0;
    for (let k = 0; k < stays; k++) {
      const isCurrent = current && k === stays - 1;
      let admit = Math.round(Math.max(admits[k]!, previousEnd + 15 * DAY));
      if (!isCurrent && admit > NOW_MIN - 20 * DAY) admit = Math.round(NOW_MIN - 20 * DAY - rng.int(5 * DAY));
      if (admit <= previousEnd) break;
      const length = Math.round(between(rng, 2, 14) * DAY);
      const discharge = isCurrent ? null : admit + length;
      previousEnd = discharge ?? NOW_MIN;
      const end = discharge ?? NOW_MIN;
      const hosp_id = 100000 + i * 37 + k;
      const hospital_id = 60 + rng.int(HOSPITALS) * 11;
      const expired = !isCurrent && k === stays - 1 && chance(rng, 0.1);
      const source = rng.pick(EICU_SOURCES);
      const units = chance(rng, 0.15) && end - admit > 4 * DAY ? 2 : 1;
      let unitStart = admit + rng.int(6 * 60);
      for (let u = 0; u < units; u++) {
        const unit_id = 140000 + ++unitCounter * 29 + rng.int(20);
        const lastUnit = u === units - 1;
        const plannedOut = unitStart + Math.round(between(rng, 1, 4) * DAY);
        const unitOut =
          lastUnit && discharge === null && plannedOut > NOW_MIN - DAY ? null : Math.min(plannedOut, end - 60);
        const age = ageNow - Math.floor((NOW_MIN - admit) / (365.25 * DAY));
        const weight = round(normalIn(rng, 82, 18, 40, 180), 1);
        w.add('icupatient', {
          patient_id,
          hosp_id,
          unit_id,
          gender,
          age: age >= 90 ? '> 89' : String(age),
          ethnicity,
          hospital_id,
          ward_id: hospital_id * 10 + rng.int(5),
          height_admission: chance(rng, 0.1) ? null : height,
          weight_admission: chance(rng, 0.05) ? null : weight,
          weight_discharge: unitOut === null || chance(rng, 0.2) ? null : round(weight + normalIn(rng, 0, 2, -8, 8), 1),
          hospital_admit_time: fmt(admit),
          hospital_admission_source: source,
          unit_admit_time: fmt(unitStart),
          unit_discharge_time: unitOut === null ? null : fmt(unitOut),
          hospital_discharge_time: discharge === null ? null : fmt(discharge),
          hospital_discharge_status: discharge === null ? null : expired ? 'expired' : 'alive',
        });
        unitEvents(w, rng, price, hosp_id, unit_id, unitStart, unitOut ?? NOW_MIN);
        if (unitOut === null) break;
        unitStart = unitOut + 120 + rng.int(DAY);
        if (unitStart > end - DAY) break;
      }
    }
  }
  w.flush(db);
  const counts: Record<string, number> = {};
  for (const row of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
    counts[row.name] = (db.prepare(`SELECT COUNT(*) AS n FROM "${row.name}"`).get() as { n: number }).n;
  }
  return counts;
}

function unitEvents(
  w: TableWriter,
  rng: ReturnType<typeof createRng>,
  price: (key: string) => number,
  hosp_id: number,
  unit_id: number,
  start: number,
  stop: number,
): void {
  const span = Math.max(60, stop - start);
  const within = () => Math.round(start + rng.next() * span);
  const cost = (event_type: string, event_id: number, time: number, key: string) =>
    w.add('cost', {
      cost_id: w.nextId('cost'),
      hosp_id,
      unit_id,
      event_type,
      event_id,
      cost_time: fmt(time),
      cost_amount: round(normalIn(rng, price(key), price(key) / 5, 0.5, 500), 2),
    });
  for (const [name, icd9] of weightedDistinct(rng, EICU_CONDITIONS, (c) => c[2], 2 + rng.int(4))) {
    const id = w.nextId('condition');
    const time = start + rng.int(Math.min(span, 12 * 60));
    w.add('condition', {
      condition_id: id,
      unit_id,
      condition_name: name,
      condition_time: fmt(time),
      icd9_code: chance(rng, 0.1) ? null : icd9,
    });
    cost('condition', id, time, `condition:${name}`);
  }
  for (const [name] of weightedDistinct(rng, EICU_TREATMENTS, (t) => t[1], 2 + rng.int(5))) {
    for (let r = chance(rng, 0.3) ? 2 : 1; r > 0; r--) {
      const id = w.nextId('treatment');
      const time = within();
      w.add('treatment', { treatment_id: id, unit_id, treatment_name: name, treatment_time: fmt(time) });
      cost('treatment', id, time, `treatment:${name}`);
    }
  }
  const days = Math.min(6, Math.ceil(span / DAY));
  for (let d = 0; d < days; d++) {
    const time = start + d * DAY + 120 + rng.int(240);
    if (time > stop) break;
    for (const [name, mean, sd, low, high, p] of EICU_LABS) {
      if (!chance(rng, p)) continue;
      const id = w.nextId('lab');
      w.add('lab', {
        lab_id: id,
        unit_id,
        lab_name: name,
        lab_result: round(normalIn(rng, mean, sd, low, high), mean < 10 ? 2 : 1),
        lab_result_time: fmt(time),
      });
      cost('lab', id, time, `lab:${name}`);
    }
  }
  for (const [name, dosage, route] of weightedDistinct(rng, EICU_DRUGS, (d) => d[3], 3 + rng.int(7))) {
    const id = w.nextId('prescription');
    const time = within();
    const stopTime = time + Math.round(between(rng, 0.5, 4) * DAY);
    w.add('prescription', {
      prescription_id: id,
      unit_id,
      drug_name: name,
      dosage,
      administration_route: route,
      medication_start_time: chance(rng, 0.03) ? null : fmt(time),
      medication_stop_time: stopTime > NOW_MIN ? null : fmt(stopTime),
    });
    cost('prescription', id, time, `prescription:${name}`);
  }
  for (const [allergy, drug] of weightedDistinct(
    rng,
    EICU_ALLERGIES,
    (a) => a[2],
    weighted(rng, [0, 1, 2], (n) => (n === 0 ? 5 : n === 1 ? 3 : 1)),
  )) {
    w.add('allergy_reaction', {
      allergy_id: w.nextId('allergy_reaction'),
      unit_id,
      drug_name: drug,
      allergy_name: allergy,
      allergy_time: fmt(start + 30 + rng.int(120)),
    });
  }
  const fluids = weightedDistinct(rng, EICU_FLUIDS, (f) => f[4], 3 + rng.int(4));
  for (let t = start + 60; t <= Math.min(stop, start + 4 * DAY); t += 240) {
    for (const [path, label, mean, sd] of fluids) {
      if (!chance(rng, 0.75)) continue;
      w.add('fluid_balance', {
        fluid_balance_id: w.nextId('fluid_balance'),
        unit_id,
        fluid_path: path,
        fluid_label: label,
        fluid_value_numeric: round(normalIn(rng, mean, sd, 1, 2000), 0),
        fluid_balance_time: fmt(t + rng.int(60)),
      });
    }
  }
  for (let m = rng.int(3); m > 0; m--) {
    w.add('microbiology', {
      microbiology_id: w.nextId('microbiology'),
      unit_id,
      culture_site: rng.pick(EICU_CULTURE_SITES),
      organism: rng.pick(EICU_ORGANISMS),
      culture_taken_time: fmt(within()),
    });
  }
  for (let t = start + 15; t <= Math.min(stop, start + 3 * DAY); t += 60) {
    const missing = () => chance(rng, 0.08);
    w.add('vital_signs', {
      vital_sign_id: 900000000 + w.nextId('vital_signs'),
      unit_id,
      temperature: missing() ? null : round(normalIn(rng, 37, 0.6, 34.5, 40.5), 1),
      sao2: missing() ? null : Math.round(normalIn(rng, 96, 2.5, 78, 100)),
      heart_rate: Math.round(normalIn(rng, 88, 16, 35, 170)),
      respiration_rate: missing() ? null : Math.round(normalIn(rng, 19, 5, 6, 45)),
      systolic_bp: missing() ? null : Math.round(normalIn(rng, 122, 20, 60, 210)),
      diastolic_bp: missing() ? null : Math.round(normalIn(rng, 64, 12, 30, 120)),
      mean_bp: missing() ? null : Math.round(normalIn(rng, 82, 13, 40, 140)),
      vital_time: fmt(t),
    });
  }
}
