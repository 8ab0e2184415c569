/**
 * A health-check worker thread: runs each task it is sent and posts each result. The server keeps
 * it warm between requests. Started through `startWorker` (server/runtime.ts), which loads this file
 * compiled from dist/ or, from source, through tsx.
 */
import { parentPort } from 'node:worker_threads';
import { runHealthTask, type HealthTask } from './task.ts';

parentPort!.on('message', async (task: HealthTask) => {
  try {
    parentPort!.postMessage(await runHealthTask(task));
  } catch (e) {
    parentPort!.postMessage({
      ok: false,
      code: 'internal',
      message: String((e as Error)?.message ?? e),
      details: [],
    });
  }
});
