/**
 * Runs health tasks off the server's event loop: each in a worker thread, ended when it overruns
 * its time, with a bound on how many run at once. Finished workers stay warm for the next task
 * (starting one loads the engine: seconds on a busy machine). Self-contained so that it can move
 * into a general worker pool later.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime.ts';
import type { HealthTask, HealthTaskResult } from './task.ts';

/** Health tasks running at the same time at most; more are refused (503) rather than queued. */
export const MAX_CONCURRENT = 2;

export class HealthBusyError extends Error {
  constructor(readonly reason: 'busy' | 'timeout') {
    super(reason === 'busy' ? 'too many health checks at once' : 'the health check took too long');
    this.name = 'HealthBusyError';
  }
}

let running = 0;
const idle: Worker[] = [];

function takeWorker(): Worker {
  const w = idle.pop() ?? startWorker(import.meta.url, './thread.ts');
  w.ref();
  return w;
}

/**
 * Runs a task in a worker thread; rejects with HealthBusyError('timeout') after `timeoutMs` (the
 * worker is terminated) or HealthBusyError('busy') when MAX_CONCURRENT tasks are running.
 */
export function runInWorker(task: HealthTask, timeoutMs: number): Promise<HealthTaskResult> {
  if (running >= MAX_CONCURRENT) return Promise.reject(new HealthBusyError('busy'));
  running++;
  const worker = takeWorker();
  return new Promise<HealthTaskResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void, keep: boolean) => {
      if (settled) return;
      settled = true;
      running--;
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (keep && idle.length < MAX_CONCURRENT) {
        worker.unref(); // an idle worker never keeps the process alive
        idle.push(worker);
      } else void worker.terminate();
      fn();
    };
    const onMessage = (m: HealthTaskResult) => finish(() => resolve(m), true);
    const onError = (e: Error) => finish(() => reject(e), false);
    const onExit = (code: number) =>
      finish(() => reject(new Error(`health worker exited with code ${code} before answering`)), false);
    const timer = setTimeout(() => finish(() => reject(new HealthBusyError('timeout')), false), timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(task);
  });
}
