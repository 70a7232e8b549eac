// Worker thread for evaluateRankingParallel: ranks test triples [from, to) and posts the sums.
import { parentPort, workerData } from 'node:worker_threads';
import { rankRange } from './evaluate.js';

const { model, csr, test, from, to } = workerData;
parentPort!.postMessage(rankRange(model, csr, test, from, to));
