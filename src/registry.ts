// The registry: every benchmark, agent, dataset loader and extra CLI command, one entry each.
// A search for a name finds it here; nothing registers itself on import. Entries are lazy: each holds the
// name and the one-line summary that `medkit list` and `medkit --help` print, and imports its module only
// when it is used, so the command starts without loading ~40 benchmark and agent modules and their native
// packages (bench/README.md, start-up). test/registry.test.ts checks every summary against the loaded object.
import type { CliCommand } from './cli/command.js';
import type { Agent, Benchmark, DatasetLoader, Reward } from './core/index.js';

export interface RegistryEntry<T> {
  name: string;
  /** The object's `description` (for a command: its commander description), printed without loading it. */
  summary: string;
  load(): Promise<T>;
}
export interface AgentEntry extends RegistryEntry<Agent> {
  /** The agent's `accepts` tags, so that `list` and the benchmark-to-agent match need no import. */
  accepts: string[];
}
export interface CommandEntry extends RegistryEntry<CliCommand> {
  /** What `medkit --help` prints after the name: `[options] <run-dir>` (commander's subcommand term). */
  usage: string;
}

const entry = <T>(name: string, summary: string, load: () => Promise<T>): RegistryEntry<T> => ({ name, summary, load });
const agent = (name: string, accepts: string[], summary: string, load: () => Promise<Agent>): AgentEntry => ({
  name,
  accepts,
  summary,
  load,
});
const cliCommand = (name: string, usage: string, summary: string, load: () => Promise<CliCommand>): CommandEntry => ({
  name,
  usage,
  summary,
  load,
});

export const benchmarkEntries: readonly RegistryEntry<Benchmark>[] = [
  entry(
    'vgmed',
    'VGMED visual grounding: Attention Ratio / KL / JS from user-supplied attention maps; box-IoU proxy (not the paper metric) for API models',
    () => import('./benchmarks/vgmed/index.js').then((m) => m.vgmed),
  ),
  entry('vgmed-phantom', 'VGMED on seeded chest-X-ray and fundus phantoms with exact boxes (embedded default)', () =>
    import('./benchmarks/vgmed/index.js').then((m) => m.vgmedPhantom),
  ),
  entry(
    'cxr-qba',
    'MIMIC-Ext-CXR-QBA on your qa.json files + MIMIC-CXR-JPG images: structured answers, IoU/IoP/IoT at 0.3, grade filters',
    () => import('./benchmarks/cxr-qba/index.js').then((m) => m.cxrQba),
  ),
  entry(
    'cxr-qba-synthetic',
    'CXR-QBA-format questions over seeded chest-X-ray phantoms with exact boxes (embedded default)',
    () => import('./benchmarks/cxr-qba/index.js').then((m) => m.cxrQbaSynthetic),
  ),
  entry(
    'medthinkvqa',
    'MedThinkVQA on the released test.jsonl: multi-image 5-option diagnosis, Think-with-Images, ROUGE-L steps 1–2, step-3 judge',
    () => import('./benchmarks/medthinkvqa/index.js').then((m) => m.medthinkvqa),
  ),
  entry(
    'medthinkvqa-synthetic',
    'MedThinkVQA-format multi-image cases over seeded chest-X-ray, CT and fundus phantoms (embedded default)',
    () => import('./benchmarks/medthinkvqa/index.js').then((m) => m.medthinkvqaSynthetic),
  ),
  entry(
    'medsynvqa',
    'MedSynVQA / MedVLThinker-Eval MCQs with the upstream <think>/<answer> prompt and extraction; accuracy over rollouts (epochs)',
    () => import('./benchmarks/medsynvqa/index.js').then((m) => m.medsynvqa),
  ),
  entry(
    'graded-phantom',
    'chest phantoms with one nodule of graded size (or none), one closed question each (presence, count, side, location, size), grouped by size',
    () => import('./benchmarks/graded-phantom/index.js').then((m) => m.gradedPhantom),
  ),
  entry(
    'med-vqa',
    'medical VQA files you bring (VQA-RAD, SLAKE, PathVQA parquet, PMC-VQA, OmniMedVQA): closed and open accuracy separately',
    () => import('./benchmarks/med-vqa/index.js').then((m) => m.medVqa),
  ),
  entry(
    'ehr-chatqa',
    'EHR-ChatQA: an agent answers a simulated clinician over star-schema MIMIC-IV/eICU SQLite databases with six tools (IncreQA: re-executed SQL; AdaptQA: <answer> containment). Synthetic databases and tasks by default.',
    () => import('./benchmarks/ehr-chatqa/index.js').then((m) => m.ehrChatqa),
  ),
  entry(
    'kgqa-mini',
    '70 KG questions written for medkit, answerable from the embedded mini-KG (809 sourced facts); accuracy per category',
    () => import('./benchmarks/kgqa-mini/index.js').then((m) => m.kgqaMini),
  ),
  entry(
    'mirage',
    'MIRAGE medical QA (medqa, medmcqa, pubmedqa*, bioasq, mmlu; 7,663 items, user-supplied benchmark.json); accuracy per subset',
    () => import('./benchmarks/mirage/index.js').then((m) => m.mirage),
  ),
  entry(
    'pubmedqa',
    'PubMedQA PQA-L (user-supplied ori_pqal.json + test_ground_truth.json): yes/no/maybe, 500 test items; accuracy per label',
    () => import('./benchmarks/pubmedqa/index.js').then((m) => m.pubmedqa),
  ),
  entry(
    'healthbench',
    'HealthBench (rubric-graded health conversations) on a JSONL file you supply (--arg path=...); two demo conversations otherwise',
    () => import('./benchmarks/healthbench/index.js').then((m) => m.healthbench),
  ),
  entry(
    'counselbench-eval',
    'CounselBench-EVAL: mental-health answers rated by a judge on six expert dimensions (overall, empathy, specificity, medical advice, factual consistency, toxicity)',
    () => import('./benchmarks/counselbench-eval/index.js').then((m) => m.counselbenchEval),
  ),
  entry(
    'counselbench-adv',
    'CounselBench-ADV: adversarial mental-health questions; trigger rate of six failure modes (apathetic, assumptions, symptoms, judgmental, medication, therapy)',
    () => import('./benchmarks/counselbench-adv/index.js').then((m) => m.counselbenchAdv),
  ),
  entry(
    'target-qa-synthetic',
    'GALAX-style gene-target prioritisation on seeded synthetic omics + PPI with planted truth (or a Target-QA file via --arg path=)',
    () => import('./benchmarks/target-qa-synthetic/index.js').then((m) => m.targetQaSynthetic),
  ),
  entry('medmcq-mini', '42 medical multiple-choice questions (written for medkit); choice-extraction scorer', () =>
    import('./benchmarks/medmcq-mini/index.js').then((m) => m.medmcqMini),
  ),
  entry(
    'atttok-classification',
    'AttTok attribute-token accuracy (open / closed) on classification images; embedded fundus phantoms',
    () => import('./methods/atttok/evaluation.js').then((m) => m.atttokClassification),
  ),
  entry(
    'photon-shortcut',
    "Photon's shortcut probe: the same question on clean and six corrupted CT volumes (rendered slices)",
    () => import('./methods/photon/shortcut.js').then((m) => m.photonShortcut),
  ),
  entry(
    'retmae-hf',
    "RetMAE's high-frequency token selection on fundus images: lesion coverage vs random, overlays in view",
    () => import('./methods/retmae/benchmark.js').then((m) => m.retmaeHf),
  ),
];

export const agentEntries: readonly AgentEntry[] = [
  agent(
    'kgarevion',
    ['mcq', 'yes-no', 'kgqa'],
    'KGARevion (Su et al., ICLR 2025): Generate triplets, Review them against a KG (Revise inside), Answer; full kg-triplet audit trail',
    () => import('./agents/kgarevion/index.js').then((m) => m.kgarevion),
  ),
  agent(
    'galax',
    ['target-prioritisation'],
    'GALAX: LLM step 1 → candidate subgraph → greedy / beam / REINFORCE search under the graph reward (classifier + rollout + PPI validity) → LLM step 2',
    () => import('./agents/galax/index.js').then((m) => m.galax),
  ),
  agent(
    'medvr',
    ['image-vqa'],
    'MedVR (Jiang et al., ICLR 2026): zoom-tool loop, N-sample consensus with a consensus zoom mask, entropy-triggered branching; every zoom and crop in the log',
    () => import('./agents/medvr/index.js').then((m) => m.medvr),
  ),
  agent(
    'care-flow',
    ['image-vqa'],
    'CARE-Flow (Du et al., ICLR 2026): entities → masks with confidence (keep C ≥ 0.70) → zoom / mask / global views → one answer per view → majority vote; every mask and view in the log',
    () => import('./agents/care/index.js').then((m) => m.careFlow),
  ),
  agent(
    'care-coord',
    ['image-vqa'],
    'CARE-Coord (Du et al., ICLR 2026): a coordinator (role coordinator; rule baseline without one) plans the evidence view, reviews reasoning against answer and may send the case back; every edit logged',
    () => import('./agents/care/index.js').then((m) => m.careCoord),
  ),
];

export const loaderEntries: readonly RegistryEntry<DatasetLoader>[] = [
  entry(
    'vgmed',
    'VGMED JSONL ({image, question, bbox | original_bboxes}); xyxy pixels, except COCO_* files and image paths starting with Slake (xywh, as upstream); images relative to the file',
    () => import('./benchmarks/vgmed/items.js').then((m) => m.vgmedLoader),
  ),
  entry(
    'cxr-qba-qa',
    'MIMIC-Ext-CXR-QBA qa.json files (a file or a folder, searched for *.qa.json); one sample per question',
    () => import('./benchmarks/cxr-qba/load.js').then((m) => m.cxrQbaQaLoader),
  ),
  entry(
    'cxr-qba-scene-graph',
    'MIMIC-Ext-CXR-QBA scene_graph.json files; one derived "where is <observation>?" sample per observation',
    () => import('./benchmarks/cxr-qba/load.js').then((m) => m.cxrQbaSceneGraphLoader),
  ),
  entry(
    'medthinkvqa',
    'MedThinkVQA release JSONL (test.jsonl / train.jsonl): 5-option MCQ with up to 49 images (image_NN_path relative to the file)',
    () => import('./benchmarks/medthinkvqa/items.js').then((m) => m.medthinkLoader),
  ),
  entry(
    'medsynvqa',
    'MedSynVQA / MedVLThinker-Eval JSONL: {images[], question, options (object or JSON string), answer_label, answer, dataset_name?, dataset_index?}',
    () => import('./benchmarks/medsynvqa/items.js').then((m) => m.medsynLoader),
  ),
  entry(
    'ehr-chatqa',
    'EHR-ChatQA task file (eval_incre.jsonl / eval_adapt.jsonl: one JSON array of {task_id, task_type, db_id, instruction, gold_sql, gold_answer})',
    () => import('./benchmarks/ehr-chatqa/cli.js').then((m) => m.ehrChatqaLoader),
  ),
  entry(
    'mirage',
    'MIRAGE benchmark.json: {subset: {id: {question, options: {A..}, answer}}}; five subsets (medqa, medmcqa, pubmedqa, bioasq, mmlu)',
    () => import('./benchmarks/mirage/loader.js').then((m) => m.mirageLoader),
  ),
  entry(
    'pubmedqa',
    'PubMedQA PQA-L: a folder (or ori_pqal.json) with ori_pqal.json and test_ground_truth.json; splits test (500 labelled PMIDs) / dev',
    () => import('./benchmarks/pubmedqa/loader.js').then((m) => m.pubmedqaLoader),
  ),
  entry(
    'healthbench',
    'HealthBench JSONL (prompt, rubrics[{criterion, points, tags}], example_tags, prompt_id, ideal_completions_data)',
    () => import('./benchmarks/healthbench/loader.js').then((m) => m.healthbenchLoader),
  ),
  entry(
    'counselchat',
    'CounselChat CSV (20200325_counsel_chat.csv): yields the CounselBench question selection (top topics × 5 by upvotes)',
    () => import('./benchmarks/counselbench-eval/loaders.js').then((m) => m.counselchatLoader),
  ),
  entry(
    'counselbench-eval',
    'CounselBench-Eval ratings (CSV or JSONL: questionID, responder, response, <dimension>_score...), one sample per (question, responder)',
    () => import('./benchmarks/counselbench-eval/loaders.js').then((m) => m.counselbenchEvalLoader),
  ),
  entry(
    'counselbench-adv',
    'CounselBench-Adv questions: CSV with one column per failure mode, or JSONL {mode, question, id?}',
    () => import('./benchmarks/counselbench-adv/loader.js').then((m) => m.counselbenchAdvLoader),
  ),
  entry(
    'target-qa',
    'Target-QA-format JSON (GALAX): cell lines with ranked omics genes, KG context and CRISPR ground-truth genes',
    () => import('./benchmarks/target-qa-synthetic/loader.js').then((m) => m.targetQaLoader),
  ),
  entry('medmcq', 'Multiple-choice JSONL: {id, question, options[], answer: "A".., topic?} per line', () =>
    import('./benchmarks/medmcq-mini/load.js').then((m) => m.medmcqLoader),
  ),
  entry(
    'dicom',
    'DICOM files (a file, or a folder read as files of a series): size, modality, transfer syntax, value range',
    () => import('./imaging/loaders.js').then((m) => m.dicomLoader),
  ),
  entry('nifti', 'NIfTI-1/2 volumes (.nii, .nii.gz): dimensions, spacing, orientation, value range', () =>
    import('./imaging/loaders.js').then((m) => m.niftiLoader),
  ),
  entry('image', 'PNG/JPEG/WebP/TIFF images (a file or a folder): size, channels, value range', () =>
    import('./imaging/loaders.js').then((m) => m.imageLoader),
  ),
];

/** Subcommands a benchmark or agent adds (`medkit ehr-chatqa validate`, `medkit view`...). */
export const commandEntries: readonly CommandEntry[] = [
  cliCommand('ehr-chatqa', '', 'EHR-ChatQA tools (synthetic databases and tasks)', () =>
    import('./benchmarks/ehr-chatqa/cli.js').then((m) => m.ehrChatqaCommand),
  ),
  cliCommand(
    'view',
    '[options] [paths...]',
    'web app for runs: headline metrics with CIs, errors, leaderboards, every sample with its evidence, run comparison, expert ratings; --bundle writes a static copy',
    () => import('./server/command.js').then((m) => m.viewCommand),
  ),
  cliCommand(
    'judge-agreement',
    '[options] <run-dir> [human-ratings]',
    'judge vs human agreement for a run: Krippendorff α, Cohen κ, balanced F1 (HealthBench), Wilcoxon judge vs expert',
    () => import('./benchmarks/counselbench-eval/judge-agreement.js').then((m) => m.judgeAgreementCommand),
  ),
  cliCommand(
    'agent',
    '[options] <agent> <question>',
    'run an agent (medkit list) on one question with options and print its answer and audit trail',
    () => import('./agents/kgarevion/cli.js').then((m) => m.agentCommand),
  ),
  cliCommand(
    'medthinkvqa-export',
    '[options] <run-dir>',
    'Write a MedThinkVQA leaderboard submission JSONL from a run directory (original fields + prediction, prediction_rationale, prediction_twi)',
    () => import('./benchmarks/medthinkvqa/export.js').then((m) => m.medthinkExportCommand),
  ),
  cliCommand(
    'medsynvqa-rubric',
    '[options] <in>',
    'Score MedVLSynther verifier rubrics (verify_score, verify_pass) and keep the accepted items (default: score ≥ 0.9670 and pass)',
    () => import('./benchmarks/medsynvqa/rubric-command.js').then((m) => m.medsynRubricCommand),
  ),
  cliCommand(
    'synth',
    '[options]',
    'MedVLSynther: generate MCQs from figures and captions, verify them with the rubric, filter, rebalance, write MedSynVQA items',
    () => import('./synth/command.js').then((m) => m.synthCommand),
  ),
  cliCommand(
    'serve',
    '[options] <model>',
    'serve a built-in model over the OpenAI chat-completions wire (the reference vision model: deterministic pixel rules, not a language model)',
    () => import('./models/reference-vision/command.js').then((m) => m.serveCommand),
  ),
  cliCommand('atttok', '', 'AttTok attribute tokens: registry, checker, trainer export', () =>
    import('./methods/atttok/cli.js').then((m) => m.atttokCommand),
  ),
  cliCommand('retmae', '', 'RetMAE: high-frequency token manifests, CKA, linear probe', () =>
    import('./methods/retmae/cli.js').then((m) => m.retmaeCommand),
  ),
  cliCommand('photon', '', 'Photon: 3-D volume pipeline, token counts, ms-swift export', () =>
    import('./methods/photon/cli.js').then((m) => m.photonCommand),
  ),
  cliCommand('reward', '', 'medkit scorers as RL rewards (verl, TRL, OpenRLHF)', () =>
    import('./training/command.js').then((m) => m.rewardCommand),
  ),
  cliCommand(
    'export',
    '[options] <source>',
    'training data for verl, TRL, OpenRLHF, ms-swift or HF: prompts exactly as medkit eval sends them, ground truth for the reward',
    () => import('./training/export/command.js').then((m) => m.exportCommand),
  ),
];

const byName = <E extends { name: string }>(entries: readonly E[]): ReadonlyMap<string, E> =>
  new Map(entries.map((found) => [found.name, found]));
const benchmarkIndex = byName(benchmarkEntries);
const agentIndex = byName(agentEntries);
const loaderIndex = byName(loaderEntries);
const commandIndex = byName(commandEntries);

/** Loads each entry's module (in parallel) and returns the objects by name, in registry order. */
async function loadAll<T>(entries: readonly RegistryEntry<T>[]): Promise<Record<string, T>> {
  const loaded = await Promise.all(entries.map((found) => found.load()));
  return Object.fromEntries(entries.map((found, index) => [found.name, loaded[index]!]));
}

export const benchmarkNames = (): string[] => benchmarkEntries.map((found) => found.name);
export const agentNames = (): string[] => agentEntries.map((found) => found.name);
export const loaderNames = (): string[] => loaderEntries.map((found) => found.name);

export const loadBenchmark = async (name: string): Promise<Benchmark | undefined> => benchmarkIndex.get(name)?.load();
export const loadAgent = async (name: string): Promise<Agent | undefined> => agentIndex.get(name)?.load();
export const loadLoader = async (name: string): Promise<DatasetLoader | undefined> => loaderIndex.get(name)?.load();
export const commandEntry = (name: string): CommandEntry | undefined => commandIndex.get(name);

export const loadBenchmarks = (): Promise<Record<string, Benchmark>> => loadAll(benchmarkEntries);
export const loadAgents = (): Promise<Record<string, Agent>> => loadAll(agentEntries);
export const loadLoaders = (): Promise<Record<string, DatasetLoader>> => loadAll(loaderEntries);

/**
 * The agents that may solve a benchmark with these tags (an `accepts` tag in common, or none declared),
 * loaded; the rest stay unloaded. Callers still apply `agentRefusal` (its `requires` tags).
 */
export async function loadAgentsFor(tags: readonly string[]): Promise<Agent[]> {
  const candidates = agentEntries.filter(
    (found) => found.accepts.length === 0 || found.accepts.some((tag) => tags.includes(tag)),
  );
  return Promise.all(candidates.map((found) => found.load()));
}

/** Training rewards declared on the benchmarks and agents above, by name, with their owner (loads them all). */
export async function loadRewards(): Promise<Record<string, { reward: Reward; owner: string }>> {
  const owners = [...Object.values(await loadBenchmarks()), ...Object.values(await loadAgents())];
  return Object.fromEntries(
    owners.flatMap((owner) => (owner.rewards ?? []).map((reward) => [reward.name, { reward, owner: owner.name }])),
  );
}
