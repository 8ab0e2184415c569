/**
 * An engine pool worker process: runs one task at a time from the pool (pool.ts) and answers
 * `{ id, ok, json }` or `{ id, ok: false, error }` over the IPC channel. A task that runs out of
 * heap kills only this process (the pool replaces it); it exits with its parent.
 */
import { serialiseError, TASKS, type TaskName } from './tasks.ts';

if (!process.send) throw new Error('server/workers/worker.ts runs as a child process with IPC');
const send = process.send.bind(process);

process.on('message', async (msg: { id: number; task: TaskName; input: unknown }) => {
  try {
    const run = TASKS[msg.task] as (input: unknown) => string | Promise<string>;
    if (!run) throw new Error(`unknown task ${msg.task}`);
    send({ id: msg.id, ok: true, json: await run(msg.input) });
  } catch (e) {
    send({ id: msg.id, ok: false, error: serialiseError(e) });
  }
});
process.on('disconnect', () => process.exit(0));
send({ ready: true });
