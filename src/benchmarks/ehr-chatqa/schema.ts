// DDL of the two star schemas (reference §9). Column names, order, nullability, declared types and keys
// follow the upstream star schemas (TEXT for text and datetimes, INT, DOUBLE PRECISION / REAL, BIGINT for
// vital_sign_id; no UNIQUE constraints; costrecords.costid references all four event tables), so that
// column_search shows an agent the schema text it would see upstream. The keys are documentation for the
// agent: they reference non-unique columns (and costid four tables at once), so SQLite could not enforce
// them; the generator writes with foreign_keys off.

export type DbId = 'mimic_iv_star' | 'eicu_star';
export const DB_IDS: DbId[] = ['mimic_iv_star', 'eicu_star'];
export const NOW = '2100-12-31 23:59:00';

const ADMISSION_KEY = 'FOREIGN KEY(admissionid) REFERENCES hospitaladmissions(admissionid)';
const ICU_KEY = 'FOREIGN KEY(icuadmissionid) REFERENCES icuepisodes(icuadmissionid)';
const ITEM_KEY = 'FOREIGN KEY(itemcode) REFERENCES clinicalitemtypes(itemcode)';
const UNIT_KEY = 'FOREIGN KEY(unit_id) REFERENCES icupatient(unit_id)';

export const MIMIC_DDL = `
CREATE TABLE demographics (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, gender TEXT NOT NULL, dateofbirth TEXT NOT NULL, dateofdeath TEXT);
CREATE TABLE hospitaladmissions (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, admitdatetime TEXT NOT NULL, dischargedatetime TEXT, admissiontype TEXT NOT NULL, admitsource TEXT NOT NULL, dischargedestination TEXT, insurancetype TEXT NOT NULL, language TEXT, maritalstatus TEXT, age INT NOT NULL, FOREIGN KEY(patientid) REFERENCES demographics(patientid));
CREATE TABLE diagnosiscodes (recordid INT NOT NULL PRIMARY KEY, icdcode TEXT NOT NULL, codeversion INT NOT NULL, description TEXT NOT NULL);
CREATE TABLE procedurecodes (recordid INT NOT NULL PRIMARY KEY, icdcode TEXT NOT NULL, codeversion INT NOT NULL, description TEXT NOT NULL);
CREATE TABLE labtesttypes (recordid INT NOT NULL PRIMARY KEY, itemcode INT NOT NULL, itemname TEXT);
CREATE TABLE clinicalitemtypes (recordid INT NOT NULL PRIMARY KEY, itemcode INT NOT NULL, itemname TEXT NOT NULL, abbreviation TEXT NOT NULL, itemtype TEXT NOT NULL);
CREATE TABLE admissiondiagnoses (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icdcode TEXT NOT NULL, codeversion INT NOT NULL, recordeddatetime TEXT NOT NULL, ${ADMISSION_KEY}, FOREIGN KEY(codeversion, icdcode) REFERENCES diagnosiscodes(codeversion, icdcode));
CREATE TABLE admissionprocedures (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icdcode TEXT NOT NULL, codeversion INT NOT NULL, recordeddatetime TEXT NOT NULL, ${ADMISSION_KEY}, FOREIGN KEY(codeversion, icdcode) REFERENCES procedurecodes(codeversion, icdcode));
CREATE TABLE labresults (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, itemcode INT NOT NULL, resultdatetime TEXT, resultvalue DOUBLE PRECISION, resultunit TEXT, ${ADMISSION_KEY}, FOREIGN KEY(itemcode) REFERENCES labtesttypes(itemcode));
CREATE TABLE medicationorders (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, startdatetime TEXT NOT NULL, enddatetime TEXT, medicationname TEXT NOT NULL, dosevalue TEXT NOT NULL, doseunit TEXT NOT NULL, administrationroute TEXT NOT NULL, ${ADMISSION_KEY});
CREATE TABLE costrecords (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, eventtype TEXT NOT NULL, costid INT NOT NULL, costdatetime TEXT NOT NULL, costamount DOUBLE PRECISION NOT NULL, ${ADMISSION_KEY}, FOREIGN KEY(costid) REFERENCES admissiondiagnoses(recordid), FOREIGN KEY(costid) REFERENCES admissionprocedures(recordid), FOREIGN KEY(costid) REFERENCES labresults(recordid), FOREIGN KEY(costid) REFERENCES medicationorders(recordid));
CREATE TABLE clinicalevents (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, itemcode INT NOT NULL, recordeddatetime TEXT NOT NULL, value DOUBLE PRECISION, unit TEXT, ${ADMISSION_KEY}, ${ICU_KEY}, ${ITEM_KEY});
CREATE TABLE intakerecords (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, startdatetime TEXT NOT NULL, itemcode INT NOT NULL, totalvolume DOUBLE PRECISION, volumeunit TEXT, ${ADMISSION_KEY}, ${ICU_KEY}, ${ITEM_KEY});
CREATE TABLE outputrecords (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, recordeddatetime TEXT NOT NULL, itemcode INT NOT NULL, volume DOUBLE PRECISION, volumeunit TEXT, ${ADMISSION_KEY}, ${ICU_KEY}, ${ITEM_KEY});
CREATE TABLE microbiologyresults (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, collecteddatetime TEXT NOT NULL, specimentype TEXT, testname TEXT, organismname TEXT, ${ADMISSION_KEY});
CREATE TABLE icuepisodes (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, initialcareunit TEXT NOT NULL, finalcareunit TEXT NOT NULL, admitdatetime TEXT NOT NULL, dischargedatetime TEXT, ${ADMISSION_KEY});
CREATE TABLE patienttransfers (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, transferid INT NOT NULL, transfertype TEXT NOT NULL, careunit TEXT, transferindatetime TEXT NOT NULL, transferoutdatetime TEXT, ${ADMISSION_KEY});
`;

export const EICU_DDL = `
CREATE TABLE icupatient (patient_id TEXT NOT NULL, hosp_id INT NOT NULL, unit_id INT NOT NULL PRIMARY KEY, gender TEXT NOT NULL, age INT NOT NULL, ethnicity TEXT, hospital_id INT NOT NULL, ward_id INT NOT NULL, height_admission REAL, weight_admission REAL, weight_discharge REAL, hospital_admit_time TEXT NOT NULL, hospital_admission_source TEXT NOT NULL, unit_admit_time TEXT NOT NULL, unit_discharge_time TEXT, hospital_discharge_time TEXT, hospital_discharge_status TEXT);
CREATE TABLE condition (condition_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, condition_name TEXT NOT NULL, condition_time TEXT NOT NULL, icd9_code TEXT, ${UNIT_KEY});
CREATE TABLE treatment (treatment_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, treatment_name TEXT NOT NULL, treatment_time TEXT NOT NULL, ${UNIT_KEY});
CREATE TABLE lab (lab_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, lab_name TEXT NOT NULL, lab_result REAL NOT NULL, lab_result_time TEXT NOT NULL, ${UNIT_KEY});
CREATE TABLE prescription (prescription_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, drug_name TEXT NOT NULL, dosage TEXT NOT NULL, administration_route TEXT NOT NULL, medication_start_time TEXT, medication_stop_time TEXT, ${UNIT_KEY});
CREATE TABLE cost (cost_id INT NOT NULL PRIMARY KEY, hosp_id INT NOT NULL, unit_id INT NOT NULL, event_type TEXT NOT NULL, event_id INT NOT NULL, cost_time TEXT NOT NULL, cost_amount REAL NOT NULL, FOREIGN KEY(hosp_id) REFERENCES icupatient(hosp_id));
CREATE TABLE allergy_reaction (allergy_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, drug_name TEXT, allergy_name TEXT NOT NULL, allergy_time TEXT NOT NULL, ${UNIT_KEY});
CREATE TABLE fluid_balance (fluid_balance_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, fluid_path TEXT NOT NULL, fluid_label TEXT NOT NULL, fluid_value_numeric REAL NOT NULL, fluid_balance_time TEXT NOT NULL, ${UNIT_KEY});
CREATE TABLE microbiology (microbiology_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, culture_site TEXT NOT NULL, organism TEXT NOT NULL, culture_taken_time TEXT NOT NULL, ${UNIT_KEY});
CREATE TABLE vital_signs (vital_sign_id BIGINT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, temperature REAL, sao2 INT, heart_rate INT, respiration_rate INT, systolic_bp INT, diastolic_bp INT, mean_bp INT, vital_time TEXT NOT NULL, ${UNIT_KEY});
CREATE TABLE hospital (hospital_id INT NOT NULL PRIMARY KEY, bed_capacity_category TEXT, teaching_status TEXT, region TEXT);
`;

/** Columns indexed for value_similarity_search (reference §3). */
export const SIMILARITY_COLUMNS: Record<DbId, string[]> = {
  mimic_iv_star: [
    'hospitaladmissions.admissiontype',
    'hospitaladmissions.admitsource',
    'hospitaladmissions.dischargedestination',
    'diagnosiscodes.description',
    'procedurecodes.description',
    'medicationorders.medicationname',
    'clinicalitemtypes.itemname',
    'labtesttypes.itemname',
    'microbiologyresults.specimentype',
    'microbiologyresults.testname',
    'microbiologyresults.organismname',
  ],
  eicu_star: [
    'allergy_reaction.drug_name',
    'allergy_reaction.allergy_name',
    'condition.condition_name',
    'fluid_balance.fluid_label',
    'lab.lab_name',
    'prescription.drug_name',
    'icupatient.ethnicity',
    'icupatient.hospital_admission_source',
    'treatment.treatment_name',
  ],
};

/** SQL conventions shown to the agent (reference §9 `db_rules`, paraphrased). */
export const DB_RULES: Record<DbId, string> = {
  mimic_iv_star: [
    '- Use SQLite. The current time is 2100-12-31 23:59:00: "now" is \'2100-12-31 23:59:00\', "today" \'2100-12-31\', "this month" \'2100-12\', "this year" \'2100\'. Never use the SQL now.',
    "- For N days ago use datetime('2100-12-31 23:59:00', '-N days'), not DATE(...). \"Within N days/hours\" includes both bounds.",
    '- Ranked or top-N questions use DENSE_RANK() and return only the values (no counts or ranks) unless asked. Do not rank unranked questions.',
    '- Use the first diagnosis time per patient unless told otherwise.',
    "- Match medication names with LIKE '%name%'. Return names, not codes. Round numeric results to 4 decimals.",
    '- Costs: filter costrecords.eventtype and join costid to the recordid of the matching table (admissiondiagnoses, admissionprocedures, labresults, medicationorders).',
    '- medicationorders holds ordered drugs; intakerecords holds administered drugs and fluids.',
    '- When grouping, group by name: one lab name can have several item codes.',
    '- A patient still in hospital has dischargedatetime IS NULL.',
  ].join('\n'),
  eicu_star: [
    '- Use SQLite. The current time is 2100-12-31 23:59:00: "now" is \'2100-12-31 23:59:00\', "today" \'2100-12-31\', "this month" \'2100-12\', "this year" \'2100\'. Never use the SQL now.',
    "- For N days ago use datetime('2100-12-31 23:59:00', '-N days'), not DATE(...). \"Within N days/hours\" includes both bounds.",
    '- Ranked or top-N questions use DENSE_RANK() and return only the values (no counts or ranks) unless asked. Do not rank unranked questions.',
    '- Use the first diagnosis time per patient unless told otherwise.',
    "- Match medication names with LIKE '%name%'. Return names, not codes. Round numeric results to 4 decimals.",
    '- Hierarchy: patient_id -> hosp_id (hospital stay) -> unit_id (ICU stay). Select stays by id, not by time.',
    '- Costs: cost.event_type is one of condition, treatment, lab, prescription, joined by event_id.',
    "- fluid_balance holds intake and output (fluid_path LIKE '%intake%' / '%output%'). Intake means administered; prescription means ordered.",
    '- A patient with no death record counts as a survivor. A patient still in hospital has hospital_discharge_time IS NULL.',
  ].join('\n'),
};
