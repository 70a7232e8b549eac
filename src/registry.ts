// The registry: every benchmark, agent, dataset loader and extra CLI command, one object each.
// A search for a name finds it here; nothing registers itself on import.
import type { Agent, Benchmark, DatasetLoader, Reward } from './core/index.js';
import type { CliCommand } from './cli/command.js';
import { kgqaMini } from './benchmarks/kgqa-mini/index.js';
import { kgarevion } from './agents/kgarevion/index.js';
import { agentCommand } from './agents/kgarevion/cli.js';
import { mirage } from './benchmarks/mirage/index.js';
import { mirageLoader } from './benchmarks/mirage/loader.js';
import { pubmedqa } from './benchmarks/pubmedqa/index.js';
import { pubmedqaLoader } from './benchmarks/pubmedqa/loader.js';
import { medmcqMini } from './benchmarks/medmcq-mini/index.js';
import { medmcqLoader } from './benchmarks/medmcq-mini/load.js';
import { targetQaSynthetic } from './benchmarks/target-qa-synthetic/index.js';
import { targetQaLoader } from './benchmarks/target-qa-synthetic/loader.js';
import { galax } from './agents/galax/index.js';
import { counselbenchEval } from './benchmarks/counselbench-eval/index.js';
import { counselbenchEvalLoader, counselchatLoader } from './benchmarks/counselbench-eval/loaders.js';
import { counselbenchAdv } from './benchmarks/counselbench-adv/index.js';
import { counselbenchAdvLoader } from './benchmarks/counselbench-adv/loader.js';
import { healthbench } from './benchmarks/healthbench/index.js';
import { healthbenchLoader } from './benchmarks/healthbench/loader.js';
import { dicomLoader, imageLoader, niftiLoader } from './imaging/loaders.js';
import { judgeAgreementCommand } from './benchmarks/counselbench-eval/judge-agreement.js';
import { viewCommand } from './server/command.js';
import { ehrChatqa } from './benchmarks/ehr-chatqa/index.js';
import { ehrChatqaCommand, ehrChatqaLoader } from './benchmarks/ehr-chatqa/cli.js';
import { vgmed, vgmedPhantom } from './benchmarks/vgmed/index.js';
import { vgmedLoader } from './benchmarks/vgmed/items.js';
import { cxrQba, cxrQbaSynthetic } from './benchmarks/cxr-qba/index.js';
import { cxrQbaQaLoader, cxrQbaSceneGraphLoader } from './benchmarks/cxr-qba/load.js';
import { medthinkvqa, medthinkvqaSynthetic } from './benchmarks/medthinkvqa/index.js';
import { medthinkLoader } from './benchmarks/medthinkvqa/items.js';
import { medthinkExportCommand } from './benchmarks/medthinkvqa/export.js';
import { medsynvqa } from './benchmarks/medsynvqa/index.js';
import { medsynLoader } from './benchmarks/medsynvqa/items.js';
import { medsynRubricCommand } from './benchmarks/medsynvqa/rubric-command.js';
import { synthCommand } from './synth/command.js';
import { gradedPhantom } from './benchmarks/graded-phantom/index.js';
import { medVqa } from './benchmarks/med-vqa/index.js';
import { careCoord, careFlow } from './agents/care/index.js';
import { medvr } from './agents/medvr/index.js';
import { serveCommand } from './models/reference-vision/command.js';
import { atttokClassification } from './methods/atttok/evaluation.js';
import { atttokCommand } from './methods/atttok/cli.js';
import { retmaeHf } from './methods/retmae/benchmark.js';
import { retmaeCommand } from './methods/retmae/cli.js';
import { photonCommand } from './methods/photon/cli.js';
import { photonShortcut } from './methods/photon/shortcut.js';
import { rewardCommand } from './training/command.js';
import { exportCommand } from './training/export/command.js';

export const benchmarks: Record<string, Benchmark> = {
  [vgmed.name]: vgmed,
  [vgmedPhantom.name]: vgmedPhantom,
  [cxrQba.name]: cxrQba,
  [cxrQbaSynthetic.name]: cxrQbaSynthetic,
  [medthinkvqa.name]: medthinkvqa,
  [medthinkvqaSynthetic.name]: medthinkvqaSynthetic,
  [medsynvqa.name]: medsynvqa,
  [gradedPhantom.name]: gradedPhantom,
  [medVqa.name]: medVqa,
  [ehrChatqa.name]: ehrChatqa,
  [kgqaMini.name]: kgqaMini,
  [mirage.name]: mirage,
  [pubmedqa.name]: pubmedqa,
  [healthbench.name]: healthbench,
  [counselbenchEval.name]: counselbenchEval,
  [counselbenchAdv.name]: counselbenchAdv,
  [targetQaSynthetic.name]: targetQaSynthetic,
  [medmcqMini.name]: medmcqMini,
  [atttokClassification.name]: atttokClassification,
  [photonShortcut.name]: photonShortcut,
  [retmaeHf.name]: retmaeHf,
};

export const agents: Record<string, Agent> = {
  [kgarevion.name]: kgarevion,
  [galax.name]: galax,
  [medvr.name]: medvr,
  [careFlow.name]: careFlow,
  [careCoord.name]: careCoord,
};

export const loaders: Record<string, DatasetLoader> = {
  [vgmedLoader.name]: vgmedLoader,
  [cxrQbaQaLoader.name]: cxrQbaQaLoader,
  [cxrQbaSceneGraphLoader.name]: cxrQbaSceneGraphLoader,
  [medthinkLoader.name]: medthinkLoader,
  [medsynLoader.name]: medsynLoader,
  [ehrChatqaLoader.name]: ehrChatqaLoader,
  [mirageLoader.name]: mirageLoader,
  [pubmedqaLoader.name]: pubmedqaLoader,
  [healthbenchLoader.name]: healthbenchLoader,
  [counselchatLoader.name]: counselchatLoader,
  [counselbenchEvalLoader.name]: counselbenchEvalLoader,
  [counselbenchAdvLoader.name]: counselbenchAdvLoader,
  [targetQaLoader.name]: targetQaLoader,
  [medmcqLoader.name]: medmcqLoader,
  [dicomLoader.name]: dicomLoader,
  [niftiLoader.name]: niftiLoader,
  [imageLoader.name]: imageLoader,
};

/** Training rewards declared on the benchmarks and agents above, by name, with their owner. */
export const rewards: Record<string, { reward: Reward; owner: string }> = Object.fromEntries(
  [...Object.values(benchmarks), ...Object.values(agents)].flatMap((owner) =>
    (owner.rewards ?? []).map((reward) => [reward.name, { reward, owner: owner.name }]),
  ),
);

/** Subcommands a benchmark or agent adds (`medkit ehr-chatqa validate`, `medkit view`...). */
export const commands: CliCommand[] = [
  ehrChatqaCommand,
  viewCommand,
  judgeAgreementCommand,
  agentCommand,
  medthinkExportCommand,
  medsynRubricCommand,
  synthCommand,
  serveCommand,
  atttokCommand,
  retmaeCommand,
  photonCommand,
  rewardCommand,
  exportCommand,
];
