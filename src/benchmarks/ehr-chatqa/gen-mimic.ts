// Seeded generator of the synthetic MIMIC-IV★ database (17 tables, reference §9 and §12).
// ~10% of patients are still admitted (dischargedatetime NULL), "now" = 2100-12-31 23:59:00.
import type Database from 'better-sqlite3';
import { createRng, type Rng } from '../../stats/random.js';
import { MIMIC_DDL } from './schema.js';
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
  ADMISSION_TYPES,
  ADMIT_SOURCES,
  DISCHARGE_DESTINATIONS,
  MIMIC_CAREUNITS,
  MIMIC_DIAGNOSES,
  MIMIC_INTAKE,
  MIMIC_LABS,
  MIMIC_MEDICATIONS,
  MIMIC_MICRO,
  MIMIC_OUTPUT,
  MIMIC_PROCEDURES,
  MIMIC_VITALS,
  MIMIC_WARDS,
} from './vocab-mimic.js';

export const MIMIC_PATIENTS = 120;

interface Admission {
  patientid: number;
  admissionid: number;
  admit: number;
  discharge: number | null;
  version: number;
}

export function generateMimic(db: Database.Database, seed: number): Record<string, number> {
  db.pragma('foreign_keys = OFF'); // the upstream keys reference non-unique columns: documentation only
  db.exec(MIMIC_DDL);
  const rng = createRng(seed);
  const w = new TableWriter();
  const prices = new Map<string, number>();
  const price = (key: string) => {
    if (!prices.has(key)) prices.set(key, round(between(rng, 5, 60), 2));
    return prices.get(key)!;
  };
  const cost = (adm: Admission, eventtype: string, costid: number, time: number, key: string) =>
    w.add('costrecords', {
      recordid: w.nextId('costrecords'),
      patientid: adm.patientid,
      admissionid: adm.admissionid,
      eventtype,
      costid,
      costdatetime: fmt(time),
      costamount: round(Math.max(0.5, normalIn(rng, price(key), price(key) / 5, 0.5, 500)), 2),
    });

  for (const [icd, version, description] of MIMIC_DIAGNOSES)
    w.add('diagnosiscodes', { recordid: w.nextId('diagnosiscodes'), icdcode: icd, codeversion: version, description });
  for (const [icd, version, description] of MIMIC_PROCEDURES)
    w.add('procedurecodes', { recordid: w.nextId('procedurecodes'), icdcode: icd, codeversion: version, description });
  for (const [itemcode, itemname] of MIMIC_LABS)
    w.add('labtesttypes', { recordid: w.nextId('labtesttypes'), itemcode, itemname });
  for (const [itemcode, itemname, abbreviation] of MIMIC_VITALS)
    w.add('clinicalitemtypes', {
      recordid: w.nextId('clinicalitemtypes'),
      itemcode,
      itemname,
      abbreviation,
      itemtype: 'chartevents',
    });
  for (const [itemcode, itemname, abbreviation] of MIMIC_INTAKE)
    w.add('clinicalitemtypes', {
      recordid: w.nextId('clinicalitemtypes'),
      itemcode,
      itemname,
      abbreviation,
      itemtype: 'inputevents',
    });
  for (const [itemcode, itemname, abbreviation] of MIMIC_OUTPUT)
    w.add('clinicalitemtypes', {
      recordid: w.nextId('clinicalitemtypes'),
      itemcode,
      itemname,
      abbreviation,
      itemtype: 'outputevents',
    });

  let icuCounter = 0;
  let transferCounter = 0;
  for (let i = 0; i < MIMIC_PATIENTS; i++) {
    const patientid = 10000000 + i * 997 + rng.int(900);
    const gender = rng.pick(['m', 'f']);
    const ageNow = 25 + rng.int(66);
    const dob = minutesOf(2100 - ageNow, 1 + rng.int(12), 1 + rng.int(28));
    const current = i % 10 === 3;
    const count = weighted(rng, [1, 2, 3], (n) => (n === 1 ? 5 : n === 2 ? 3 : 2));
    const admits = Array.from({ length: count }, () =>
      between(rng, minutesOf(2098, 2, 1), minutesOf(2100, 12, 18)),
    ).sort((a, b) => a - b);
    if (current) admits[count - 1] = minutesOf(2100, 12, 2 + rng.int(27), rng.int(24), rng.int(60));
    const admissions: Admission[] = [];
    let previousEnd = 0;
    for (let k = 0; k < count; k++) {
      let admit = Math.round(Math.max(admits[k]!, previousEnd + 10 * DAY));
      const isCurrent = current && k === count - 1;
      if (!isCurrent && admit > NOW_MIN - 16 * DAY) admit = Math.round(NOW_MIN - 16 * DAY - rng.int(5 * DAY));
      if (admit <= previousEnd) break;
      const length = Math.round(between(rng, 1.2, 12) * DAY);
      const discharge = isCurrent ? null : admit + length;
      previousEnd = discharge ?? NOW_MIN;
      admissions.push({
        patientid,
        admissionid: 20000000 + i * 1000 + k * 101 + rng.int(100),
        admit,
        discharge,
        version: admit < minutesOf(2099, 10, 1) ? 9 : 10,
      });
    }
    const died = !current && chance(rng, 0.1);
    w.add('demographics', {
      recordid: w.nextId('demographics'),
      patientid,
      gender,
      dateofbirth: fmt(dob).slice(0, 10) + ' 00:00:00',
      dateofdeath: died ? fmt(admissions[admissions.length - 1]!.discharge!) : null,
    });

    for (const [k, adm] of admissions.entries()) {
      const last = k === admissions.length - 1;
      const age = Math.floor((adm.admit - dob) / (365.25 * DAY));
      const admitsource = rng.pick(ADMIT_SOURCES);
      w.add('hospitaladmissions', {
        recordid: w.nextId('hospitaladmissions'),
        patientid,
        admissionid: adm.admissionid,
        admitdatetime: fmt(adm.admit),
        dischargedatetime: adm.discharge === null ? null : fmt(adm.discharge),
        admissiontype: rng.pick(ADMISSION_TYPES),
        admitsource,
        dischargedestination: adm.discharge === null ? null : died && last ? 'died' : rng.pick(DISCHARGE_DESTINATIONS),
        insurancetype: age >= 65 ? 'medicare' : rng.pick(['medicaid', 'other']),
        language: chance(rng, 0.9) ? 'english' : '?',
        maritalstatus: chance(rng, 0.1) ? null : rng.pick(['married', 'single', 'widowed', 'divorced']),
        age,
      });
      const end = adm.discharge ?? NOW_MIN;
      const span = end - adm.admit;
      const within = () => Math.round(adm.admit + rng.next() * span);

      const dxPool = MIMIC_DIAGNOSES.filter((d) => d[1] === adm.version);
      for (const [icd, version, description] of weightedDistinct(rng, dxPool, (d) => d[3], 3 + rng.int(5))) {
        const id = w.nextId('admissiondiagnoses');
        w.add('admissiondiagnoses', {
          recordid: id,
          patientid,
          admissionid: adm.admissionid,
          icdcode: icd,
          codeversion: version,
          recordeddatetime: fmt(adm.admit),
        });
        cost(adm, 'admissiondiagnoses', id, adm.admit, `dx:${description}`);
      }
      const pxPool = MIMIC_PROCEDURES.filter((p) => p[1] === adm.version);
      for (const [icd, version, description] of weightedDistinct(rng, pxPool, (p) => p[3], rng.int(4))) {
        const id = w.nextId('admissionprocedures');
        const time = within();
        w.add('admissionprocedures', {
          recordid: id,
          patientid,
          admissionid: adm.admissionid,
          icdcode: icd,
          codeversion: version,
          recordeddatetime: fmt(time),
        });
        cost(adm, 'admissionprocedures', id, time, `px:${description}`);
      }
      const days = Math.min(10, Math.ceil(span / DAY));
      for (let d = 0; d < days; d++) {
        const time = adm.admit + d * DAY + 180 + rng.int(300);
        if (time > end) break;
        for (const [itemcode, itemname, unit, mean, sd, low, high, p] of MIMIC_LABS) {
          if (!chance(rng, p)) continue;
          const id = w.nextId('labresults');
          const value = round(normalIn(rng, mean, sd, low, high), mean < 10 ? 2 : 1);
          w.add('labresults', {
            recordid: id,
            patientid,
            admissionid: adm.admissionid,
            itemcode,
            resultdatetime: fmt(time),
            resultvalue: value,
            resultunit: unit || null,
          });
          cost(adm, 'labresults', id, time, `lab:${itemname}`);
        }
      }
      for (const [name, dose, unit, route] of weightedDistinct(rng, MIMIC_MEDICATIONS, (m) => m[4], 3 + rng.int(8))) {
        const id = w.nextId('medicationorders');
        const start = within();
        const stop = start + Math.round(between(rng, 0.5, 5) * DAY);
        w.add('medicationorders', {
          recordid: id,
          patientid,
          admissionid: adm.admissionid,
          startdatetime: fmt(start),
          enddatetime: adm.discharge === null && stop > NOW_MIN ? null : fmt(stop),
          medicationname: name,
          dosevalue: dose,
          doseunit: unit,
          administrationroute: route,
        });
        cost(adm, 'medicationorders', id, start, `med:${name}`);
      }
      for (let m = rng.int(3); m > 0; m--) {
        const [specimentype, testname, organisms] = rng.pick(MIMIC_MICRO);
        w.add('microbiologyresults', {
          recordid: w.nextId('microbiologyresults'),
          patientid,
          admissionid: adm.admissionid,
          collecteddatetime: fmt(within()),
          specimentype,
          testname,
          organismname: rng.pick(organisms),
        });
      }

      // Transfers and the ICU stay.
      const ward = rng.pick(MIMIC_WARDS);
      const transfer = (transfertype: string, careunit: string | null, start: number, stop: number | null) =>
        w.add('patienttransfers', {
          recordid: w.nextId('patienttransfers'),
          patientid,
          admissionid: adm.admissionid,
          transferid: 30000000 + ++transferCounter * 7,
          transfertype,
          careunit,
          transferindatetime: fmt(start),
          transferoutdatetime: stop === null ? null : fmt(stop),
        });
      if (admitsource === 'emergency room')
        transfer('ed', 'emergency department', adm.admit - 180 - rng.int(300), adm.admit);
      const icu = chance(rng, adm.discharge === null ? 0.8 : 0.55) && span > 1.1 * DAY;
      if (!icu) {
        transfer('admit', ward, adm.admit, adm.discharge);
      } else {
        const icuIn = adm.admit + rng.int(Math.min(DAY, Math.floor(span / 4)));
        const icuOutPlanned = icuIn + Math.round(between(rng, 1, 4) * DAY);
        const icuOut = icuOutPlanned >= end ? (adm.discharge === null ? null : end) : icuOutPlanned;
        const careunit = rng.pick(MIMIC_CAREUNITS);
        const icuadmissionid = 30000000 + ++icuCounter * 13 + rng.int(10);
        w.add('icuepisodes', {
          recordid: w.nextId('icuepisodes'),
          patientid,
          admissionid: adm.admissionid,
          icuadmissionid,
          initialcareunit: careunit,
          finalcareunit: chance(rng, 0.85) ? careunit : rng.pick(MIMIC_CAREUNITS),
          admitdatetime: fmt(icuIn),
          dischargedatetime: icuOut === null ? null : fmt(icuOut),
        });
        if (icuIn > adm.admit + 60) transfer('admit', ward, adm.admit, icuIn);
        transfer(icuIn > adm.admit + 60 ? 'transfer' : 'admit', careunit, icuIn, icuOut);
        if (icuOut !== null && icuOut < end) transfer('transfer', ward, icuOut, adm.discharge);
        icuEvents(
          w,
          rng,
          patientid,
          adm.admissionid,
          icuadmissionid,
          icuIn,
          Math.min(icuOut ?? NOW_MIN, icuIn + 5 * DAY),
        );
      }
      if (adm.discharge !== null) transfer('discharge', null, adm.discharge, null);
    }
  }
  w.flush(db);
  const counts: Record<string, number> = {};
  for (const row of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
    counts[row.name] = (db.prepare(`SELECT COUNT(*) AS n FROM ${row.name}`).get() as { n: number }).n;
  }
  return counts;
}

function icuEvents(
  w: TableWriter,
  rng: Rng,
  patientid: number,
  admissionid: number,
  icuadmissionid: number,
  start: number,
  stop: number,
): void {
  const base = { patientid, admissionid, icuadmissionid };
  for (let t = start + 30; t <= stop; t += 240) {
    for (const [itemcode, , , unit, mean, sd, low, high] of MIMIC_VITALS) {
      if (chance(rng, 0.05)) continue;
      w.add('clinicalevents', {
        recordid: w.nextId('clinicalevents'),
        ...base,
        itemcode,
        recordeddatetime: fmt(t + rng.int(20)),
        value: round(normalIn(rng, mean, sd, low, high), 1),
        unit,
      });
    }
  }
  const drips = MIMIC_INTAKE.filter(() => chance(rng, 0.3));
  for (let t = start + 60; t <= stop; t += 480) {
    for (const [itemcode, , , mean, sd] of drips) {
      if (!chance(rng, 0.7)) continue;
      w.add('intakerecords', {
        recordid: w.nextId('intakerecords'),
        ...base,
        startdatetime: fmt(t + rng.int(120)),
        itemcode,
        totalvolume: round(normalIn(rng, mean, sd, 1, 2000), 2),
        volumeunit: 'ml',
      });
    }
  }
  const outputs = [MIMIC_OUTPUT[chance(rng, 0.7) ? 0 : 1]!, ...MIMIC_OUTPUT.slice(2).filter(() => chance(rng, 0.25))];
  for (let t = start + 90; t <= stop; t += 360) {
    for (const [itemcode, , , mean, sd] of outputs) {
      w.add('outputrecords', {
        recordid: w.nextId('outputrecords'),
        ...base,
        recordeddatetime: fmt(t + rng.int(60)),
        itemcode,
        volume: round(normalIn(rng, mean, sd, 0, 2000), 0),
        volumeunit: 'ml',
      });
    }
  }
}
