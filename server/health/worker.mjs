// A health-check worker thread: loads the TypeScript task through tsx (like bin/ecoscore.js), runs
// the one task it was given, posts the result and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runHealthTask } = await import('./task.ts');
try {
  parentPort.postMessage(runHealthTask(workerData));
} catch (e) {
  parentPort.postMessage({ ok: false, code: 'internal', message: String(e?.message ?? e), details: [] });
}
