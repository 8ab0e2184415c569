// A health-check worker thread: loads the TypeScript task through tsx (like bin/ecoscore.js), then
// runs each task it is sent and posts each result. The server keeps it warm between requests.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runHealthTask } = await import('./task.ts');
parentPort.on('message', (task) => {
  try {
    parentPort.postMessage(runHealthTask(task));
  } catch (e) {
    parentPort.postMessage({ ok: false, code: 'internal', message: String(e?.message ?? e), details: [] });
  }
});
