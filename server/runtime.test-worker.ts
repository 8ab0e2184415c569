/** A trivial worker for runtime.test.ts: doubles its workerData and says where it runs from. */
import { parentPort, workerData } from 'node:worker_threads';
import { RUNNING_FROM_DIST } from './runtime.ts';

const double = (n: number): number => n * 2;
parentPort!.postMessage({
  doubled: double(workerData as number),
  url: import.meta.url,
  fromDist: RUNNING_FROM_DIST,
});
