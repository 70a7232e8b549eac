// DDL of the two star schemas (reference §9). Column names and nullability are the facts the
// benchmark rests on; types follow the EHRSQL-2024 builds (INT, VARCHAR, TIMESTAMP(0), DOUBLE PRECISION).

export type DbId = 'mimic_iv_star' | 'eicu_star';
export const DB_IDS: DbId[] = ['mimic_iv_star', 'eicu_star'];
export const NOW = '2100-12-31 23:59:00';

export const MIMIC_DDL = `
CREATE TABLE demographics (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL UNIQUE, gender VARCHAR(5) NOT NULL, dateofbirth TIMESTAMP(0) NOT NULL, dateofdeath TIMESTAMP(0));
CREATE TABLE hospitaladmissions (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL UNIQUE, admitdatetime TIMESTAMP(0) NOT NULL, dischargedatetime TIMESTAMP(0), admissiontype VARCHAR(50) NOT NULL, admitsource VARCHAR(50) NOT NULL, dischargedestination VARCHAR(50), insurancetype VARCHAR(255) NOT NULL, language VARCHAR(10), maritalstatus VARCHAR(50), age INT NOT NULL, FOREIGN KEY (patientid) REFERENCES demographics (patientid));
CREATE TABLE diagnosiscodes (recordid INT NOT NULL PRIMARY KEY, icdcode VARCHAR(10) NOT NULL, codeversion INT NOT NULL, description VARCHAR(255) NOT NULL, UNIQUE (codeversion, icdcode));
CREATE TABLE procedurecodes (recordid INT NOT NULL PRIMARY KEY, icdcode VARCHAR(10) NOT NULL, codeversion INT NOT NULL, description VARCHAR(255) NOT NULL, UNIQUE (codeversion, icdcode));
CREATE TABLE labtesttypes (recordid INT NOT NULL PRIMARY KEY, itemcode INT NOT NULL UNIQUE, itemname VARCHAR(200));
CREATE TABLE clinicalitemtypes (recordid INT NOT NULL PRIMARY KEY, itemcode INT NOT NULL UNIQUE, itemname VARCHAR(100) NOT NULL, abbreviation VARCHAR(50) NOT NULL, itemtype VARCHAR(50) NOT NULL);
CREATE TABLE admissiondiagnoses (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icdcode VARCHAR(10) NOT NULL, codeversion INT NOT NULL, recordeddatetime TIMESTAMP(0) NOT NULL, FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid), FOREIGN KEY (codeversion, icdcode) REFERENCES diagnosiscodes (codeversion, icdcode));
CREATE TABLE admissionprocedures (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icdcode VARCHAR(10) NOT NULL, codeversion INT NOT NULL, recordeddatetime TIMESTAMP(0) NOT NULL, FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid), FOREIGN KEY (codeversion, icdcode) REFERENCES procedurecodes (codeversion, icdcode));
CREATE TABLE labresults (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, itemcode INT NOT NULL, resultdatetime TIMESTAMP(0), resultvalue DOUBLE PRECISION, resultunit VARCHAR(20), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid), FOREIGN KEY (itemcode) REFERENCES labtesttypes (itemcode));
CREATE TABLE medicationorders (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, startdatetime TIMESTAMP(0) NOT NULL, enddatetime TIMESTAMP(0), medicationname VARCHAR(255) NOT NULL, dosevalue VARCHAR(100) NOT NULL, doseunit VARCHAR(50) NOT NULL, administrationroute VARCHAR(50) NOT NULL, FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid));
CREATE TABLE costrecords (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, eventtype VARCHAR(20) NOT NULL, costid INT NOT NULL, costdatetime TIMESTAMP(0) NOT NULL, costamount DOUBLE PRECISION NOT NULL, FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid));
CREATE TABLE icuepisodes (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL UNIQUE, initialcareunit VARCHAR(50) NOT NULL, finalcareunit VARCHAR(50) NOT NULL, admitdatetime TIMESTAMP(0) NOT NULL, dischargedatetime TIMESTAMP(0), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid));
CREATE TABLE clinicalevents (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, itemcode INT NOT NULL, recordeddatetime TIMESTAMP(0) NOT NULL, value DOUBLE PRECISION, unit VARCHAR(50), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid), FOREIGN KEY (icuadmissionid) REFERENCES icuepisodes (icuadmissionid), FOREIGN KEY (itemcode) REFERENCES clinicalitemtypes (itemcode));
CREATE TABLE intakerecords (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, startdatetime TIMESTAMP(0) NOT NULL, itemcode INT NOT NULL, totalvolume DOUBLE PRECISION, volumeunit VARCHAR(50), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid), FOREIGN KEY (icuadmissionid) REFERENCES icuepisodes (icuadmissionid), FOREIGN KEY (itemcode) REFERENCES clinicalitemtypes (itemcode));
CREATE TABLE outputrecords (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, icuadmissionid INT NOT NULL, recordeddatetime TIMESTAMP(0) NOT NULL, itemcode INT NOT NULL, volume DOUBLE PRECISION, volumeunit VARCHAR(50), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid), FOREIGN KEY (icuadmissionid) REFERENCES icuepisodes (icuadmissionid), FOREIGN KEY (itemcode) REFERENCES clinicalitemtypes (itemcode));
CREATE TABLE microbiologyresults (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, collecteddatetime TIMESTAMP(0) NOT NULL, specimentype VARCHAR(100), testname VARCHAR(100), organismname VARCHAR(100), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid));
CREATE TABLE patienttransfers (recordid INT NOT NULL PRIMARY KEY, patientid INT NOT NULL, admissionid INT NOT NULL, transferid INT NOT NULL, transfertype VARCHAR(20) NOT NULL, careunit VARCHAR(50), transferindatetime TIMESTAMP(0) NOT NULL, transferoutdatetime TIMESTAMP(0), FOREIGN KEY (admissionid) REFERENCES hospitaladmissions (admissionid));
`;

export const EICU_DDL = `
CREATE TABLE hospital (hospital_id INT NOT NULL PRIMARY KEY, bed_capacity_category VARCHAR(20), teaching_status INT, region VARCHAR(64));
CREATE TABLE icupatient (patient_id VARCHAR(10) NOT NULL, hosp_id INT NOT NULL, unit_id INT NOT NULL PRIMARY KEY, gender VARCHAR(25) NOT NULL, age VARCHAR(10) NOT NULL, ethnicity VARCHAR(50), hospital_id INT NOT NULL, ward_id INT NOT NULL, height_admission DECIMAL(10,2), weight_admission DECIMAL(10,2), weight_discharge DECIMAL(10,2), hospital_admit_time TIMESTAMP(0) NOT NULL, hospital_admission_source VARCHAR(30) NOT NULL, unit_admit_time TIMESTAMP(0) NOT NULL, unit_discharge_time TIMESTAMP(0), hospital_discharge_time TIMESTAMP(0), hospital_discharge_status VARCHAR(10), FOREIGN KEY (hospital_id) REFERENCES hospital (hospital_id));
CREATE TABLE condition (condition_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, condition_name VARCHAR(200) NOT NULL, condition_time TIMESTAMP(0) NOT NULL, icd9_code VARCHAR(100), FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE treatment (treatment_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, treatment_name VARCHAR(200) NOT NULL, treatment_time TIMESTAMP(0) NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE lab (lab_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, lab_name VARCHAR(256) NOT NULL, lab_result DOUBLE PRECISION NOT NULL, lab_result_time TIMESTAMP(0) NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE prescription (prescription_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, drug_name VARCHAR(220) NOT NULL, dosage VARCHAR(220) NOT NULL, administration_route VARCHAR(120) NOT NULL, medication_start_time TIMESTAMP(0), medication_stop_time TIMESTAMP(0), FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE cost (cost_id INT NOT NULL PRIMARY KEY, hosp_id INT NOT NULL, unit_id INT NOT NULL, event_type VARCHAR(20) NOT NULL, event_id INT NOT NULL, cost_time TIMESTAMP(0) NOT NULL, cost_amount DOUBLE PRECISION NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE allergy_reaction (allergy_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, drug_name VARCHAR(255), allergy_name VARCHAR(255) NOT NULL, allergy_time TIMESTAMP(0) NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE fluid_balance (fluid_balance_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, fluid_path VARCHAR(256) NOT NULL, fluid_label VARCHAR(256) NOT NULL, fluid_value_numeric DOUBLE PRECISION NOT NULL, fluid_balance_time TIMESTAMP(0) NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE microbiology (microbiology_id INT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, culture_site VARCHAR(255) NOT NULL, organism VARCHAR(255) NOT NULL, culture_taken_time TIMESTAMP(0) NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
CREATE TABLE vital_signs (vital_sign_id BIGINT NOT NULL PRIMARY KEY, unit_id INT NOT NULL, temperature DOUBLE PRECISION, sao2 DOUBLE PRECISION, heart_rate DOUBLE PRECISION, respiration_rate DOUBLE PRECISION, systolic_bp DOUBLE PRECISION, diastolic_bp DOUBLE PRECISION, mean_bp DOUBLE PRECISION, vital_time TIMESTAMP(0) NOT NULL, FOREIGN KEY (unit_id) REFERENCES icupatient (unit_id));
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
