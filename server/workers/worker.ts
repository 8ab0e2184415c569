/**
 * The engine pool's worker thread: runs one task at a time from the pool (pool.ts) and answers
 * `{ id, ok, json }` or `{ id, ok: false, error }`. A task that runs out of heap kills only this
 * thread (the pool replaces it).
 */
import { parentPort } from 'node:worker_threads';
import { serialiseError, TASKS, type TaskName } from './tasks.ts';

if (!parentPort) throw new Error('server/workers/worker.ts runs as a worker thread');
const port = parentPort;

port.on('message', async (msg: { id: number; task: TaskName; input: unknown }) => {
  try {
    const run = TASKS[msg.task] as (input: unknown) => string | Promise<string>;
    if (!run) throw new Error(`unknown task ${msg.task}`);
    port.postMessage({ id: msg.id, ok: true, json: await run(msg.input) });
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: serialiseError(e) });
  }
});
port.postMessage({ ready: true });
