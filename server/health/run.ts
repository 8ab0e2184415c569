/**
 * Runs health tasks off the server's event loop: each in its own worker thread, ended when it
 * overruns its time, with a bound on how many run at once. Self-contained so that it can move into
 * a general worker pool later.
 */
import { Worker } from 'node:worker_threads';
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

/**
 * Runs a task in a worker thread; rejects with HealthBusyError('timeout') after `timeoutMs` (the
 * worker is terminated) or HealthBusyError('busy') when MAX_CONCURRENT tasks are running.
 */
export function runInWorker(task: HealthTask, timeoutMs: number): Promise<HealthTaskResult> {
  if (running >= MAX_CONCURRENT) return Promise.reject(new HealthBusyError('busy'));
  running++;
  return new Promise<HealthTaskResult>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: task });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      running--;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new HealthBusyError('timeout'))), timeoutMs);
    worker.once('message', (m: HealthTaskResult) => finish(() => resolve(m)));
    worker.once('error', (e) => finish(() => reject(e)));
    worker.once('exit', (code) =>
      finish(() => reject(new Error(`health worker exited with code ${code} before answering`))),
    );
  });
}
