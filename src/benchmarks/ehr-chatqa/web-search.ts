// web_search behind an interface. Upstream calls Tavily (10 results); medkit's offline default is a
// fixture of short clinical-knowledge snippets (brand -> generic names, drug classes, ICD ranges,
// abbreviations), matched by keyword, so runs are reproducible without network access.

export interface WebSearch {
  readonly name: string;
  search(query: string): Promise<string[]> | string[];
}

const FIXTURE: [string[], string][] = [
  [['lipitor'], 'Lipitor is the brand name of atorvastatin, a statin (HMG-CoA reductase inhibitor).'],
  [['lasix'], 'Lasix is the brand name of furosemide, a loop diuretic.'],
  [['vancocin'], 'Vancocin is a brand name of vancomycin, a glycopeptide antibiotic active against MRSA.'],
  [['lopressor'], 'Lopressor is the brand name of metoprolol tartrate, a beta-1 selective blocker.'],
  [['glucophage'], 'Glucophage is the brand name of metformin, a biguanide for type 2 diabetes.'],
  [
    ['tazocin', 'zosyn'],
    'Tazocin (Zosyn in the US) is piperacillin-tazobactam, a penicillin with a beta-lactamase inhibitor.',
  ],
  [['advil', 'motrin'], 'Advil and Motrin are brand names of ibuprofen, a nonsteroidal anti-inflammatory drug.'],
  [['loreev', 'ativan'], 'Loreev XR and Ativan are brand names of lorazepam, a benzodiazepine.'],
  [['brilinta'], 'Brilinta is the brand name of ticagrelor, a P2Y12 platelet inhibitor.'],
  [['tylenol'], 'Tylenol is a brand name of acetaminophen (paracetamol).'],
  [['zocor'], 'Zocor is the brand name of simvastatin, a statin.'],
  [['coumadin'], 'Coumadin is a brand name of warfarin, a vitamin K antagonist anticoagulant.'],
  [
    ['statin', 'lovastatin'],
    'Statins (HMG-CoA reductase inhibitors) include atorvastatin, simvastatin, pravastatin, rosuvastatin, lovastatin and fluvastatin.',
  ],
  [
    ['ace inhibitor', 'benazepril'],
    'ACE inhibitors include lisinopril, captopril, enalapril, benazepril, ramipril and quinapril.',
  ],
  [
    ['benzodiazepine', 'remimazolam'],
    'Benzodiazepines include lorazepam, midazolam, diazepam, alprazolam, clonazepam and remimazolam.',
  ],
  [
    ['corticosteroid', 'methylprednisolone'],
    'Systemic corticosteroids include prednisone, methylprednisolone, hydrocortisone and dexamethasone.',
  ],
  [
    ['ssri', 'fluoxetine'],
    'Selective serotonin reuptake inhibitors (SSRIs) include fluoxetine, sertraline, citalopram, escitalopram and paroxetine.',
  ],
  [
    ['mrsa', 'linezolid'],
    'Drugs active against MRSA include vancomycin, linezolid, daptomycin, ceftaroline and trimethoprim-sulfamethoxazole.',
  ],
  [
    ['beta-2', 'beta 2', 'ipratropium', 'bronchodilator'],
    'Ipratropium is an anticholinergic bronchodilator; short-acting beta-2 agonists include albuterol (salbutamol) and levalbuterol.',
  ],
  [['hyperlipidemia'], 'Hyperlipidemia is coded as ICD-9 272.0-272.4 and ICD-10 E78.0-E78.5.'],
  [['hypertension'], 'Hypertensive diseases are coded as ICD-9 401-405 and ICD-10 I10-I15.'],
  [['heart failure'], 'Heart failure is coded as ICD-9 428 and ICD-10 I50.'],
  [['troponin'], 'Cardiac troponin I and troponin T are both markers of myocardial injury.'],
  [['bnp', 'natriuretic'], 'BNP and NT-proBNP are natriuretic peptides used to assess heart failure.'],
  [
    ['crp', 'c-reactive'],
    'C-reactive protein is an acute-phase inflammation marker; the white blood cell count is another marker of inflammation.',
  ],
  [['isdn'], 'ISDN stands for isosorbide dinitrate, a nitrate vasodilator.'],
  [['copd'], 'COPD stands for chronic obstructive pulmonary disease.'],
  [['ards'], 'ARDS stands for acute respiratory distress syndrome.'],
  [['lvad'], 'LVAD stands for left ventricular assist device.'],
  [['cvc'], 'CVC stands for central venous catheter.'],
  [['hb', 'hgb'], 'Hb or Hgb stands for hemoglobin.'],
  [['wbc'], 'WBC stands for white blood cell (leukocyte) count.'],
];

export const fixtureWebSearch: WebSearch = {
  name: 'offline-fixture',
  search(query) {
    const text = ` ${query.toLowerCase()} `;
    const hits = FIXTURE.filter(([keys]) =>
      keys.some((key) => new RegExp(`(^|[^a-z0-9])${key.replace(/[-]/g, '\\-')}([^a-z0-9]|$)`).test(text)),
    );
    return hits.slice(0, 10).map(([, content]) => content);
  },
};

/** json.dumps of a list of strings, as Python prints it. */
export function pyJsonList(items: string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
}
