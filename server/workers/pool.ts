/**
 * The engine pool: a few worker threads (default 2) that run every evaluation, validation,
 * document-test run, diff and sensitivity analysis the server does on a user document, each with
 * a heap limit (`resourceLimits.maxOldGenerationSizeMb`) and a wall-clock limit. A task past its
 * time has its worker terminated and replaced; a worker that runs out of memory dies alone. Either
 * way the caller gets a 503 problem naming the limit, and the server process carries on.
 *
 * @example
 * const pool = new EnginePool({ size: 2 });
 * const json = await pool.run('evaluate', { document: { text }, dataset, trace: true });
 * await pool.close();
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ApiError } from '../problem.ts';
import type { TaskError, TaskInput, TaskName } from './tasks.ts';

export interface PoolOptions {
  /** Worker threads (default 2, at most the machine's cores). */
  size?: number;
  /** Heap of each worker in MiB (default 512). */
  maxOldGenerationSizeMb?: number;
  /** Wall-clock limit of one task in ms (default 30 s). */
  timeoutMs?: number;
  /** Tasks that may wait for a worker before new ones get 503 (default 64). */
  maxQueue?: number;
}

/** The defaults, documented in README.md ("Limits"). */
export const POOL_DEFAULTS = {
  size: 2,
  maxOldGenerationSizeMb: 512,
  timeoutMs: 30_000,
  maxQueue: 64,
} as const;

interface Job {
  id: number;
  task: TaskName;
  input: unknown;
  resolve: (json: string) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
  ready: Promise<void>;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

function unavailable(code: string, zh: string, en: string, limit: string, max: number): ApiError {
  const message = `${zh} / ${en}`;
  return new ApiError(
    503,
    code,
    message,
    [{ path: '', code, message }],
    { limit, max },
    { 'Retry-After': '5' },
  );
}

/** Rebuilds a task's error on this side: a problem with its status, else the engine's error. */
function fromTaskError(e: TaskError): Error {
  const problems = Array.isArray(e.problems) ? e.problems : undefined;
  if (e.status !== undefined && e.code !== undefined) {
    const extra: Record<string, unknown> = {};
    if (e.limit !== undefined) extra.limit = e.limit;
    if (e.max !== undefined) extra.max = e.max;
    return new ApiError(e.status, e.code, e.message, problems, extra);
  }
  if (e.name === 'RangeError' && /call stack/i.test(e.message))
    return new ApiError(422, 'too_deep', `文档嵌套过深 / The document is nested too deeply: ${e.message}`);
  return Object.assign(new Error(e.message), { name: e.name, problems, errors: problems });
}

export class EnginePool {
  readonly options: Required<PoolOptions>;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    const o: Required<PoolOptions> = {
      ...POOL_DEFAULTS,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    o.size = Math.max(1, Math.min(o.size, Math.max(availableParallelism(), 1)));
    this.options = o;
  }

  /** Runs a task on a worker; resolves with the task's JSON text. */
  run<N extends TaskName>(task: N, input: TaskInput<N>): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the engine pool is closed'));
    return new Promise<string>((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, input, resolve, reject };
      const free = this.freeSlot();
      if (free) return this.dispatch(free, job);
      if (this.queue.length >= this.options.maxQueue)
        return reject(
          unavailable(
            'engine_busy',
            `评分引擎繁忙（${this.queue.length} 个任务在排队），请稍后再试`,
            `the engine is busy (${this.queue.length} tasks waiting); retry shortly`,
            'maxQueue',
            this.options.maxQueue,
          ),
        );
      this.queue.push(job);
    });
  }

  /** Parses a task's JSON answer (for callers that need the object rather than the text). */
  async runObject<N extends TaskName, T = unknown>(task: N, input: TaskInput<N>): Promise<T> {
    return JSON.parse(await this.run(task, input)) as T;
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the engine pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.job);
    if (idle) return idle;
    if (this.slots.length < this.options.size) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((r) => (markReady = r)) };
    worker.on(
      'message',
      (msg: { ready?: boolean; id?: number; ok?: boolean; json?: string; error?: TaskError }) => {
        if (msg.ready) return markReady();
        const job = slot.job;
        if (!job || msg.id !== job.id) return;
        this.finish(slot);
        if (msg.ok) job.resolve(msg.json!);
        else job.reject(fromTaskError(msg.error!));
        this.next(slot);
      },
    );
    worker.on('error', (err: Error & { code?: string }) => this.lost(slot, err));
    worker.on('exit', (code) => this.lost(slot, new Error(`the engine worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    void slot.ready.then(() => {
      if (slot.job !== job) return;
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        const ms = this.options.timeoutMs;
        this.retire(slot);
        job.reject(
          unavailable(
            'engine_timeout',
            `评分超过时间上限 ${ms} 毫秒，已中止`,
            `the evaluation exceeded the time limit of ${ms} ms (timeoutMs) and was stopped`,
            'timeoutMs',
            ms,
          ),
        );
      }, this.options.timeoutMs);
      slot.worker.postMessage({ id: job.id, task: job.task, input: job.input });
    });
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (!job) return;
    if (this.slots.includes(slot)) this.dispatch(slot, job);
    else this.dispatch(this.freeSlot()!, job);
  }

  /** Removes a slot (its worker is terminated) and hands the queue to a fresh one. */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.removeAllListeners('exit');
    slot.worker.on('exit', () => {});
    void slot.worker.terminate();
    if (!this.closed && this.queue.length) this.next(slot);
  }

  /** A worker died (out of memory, or crashed): its job gets a 503 and the slot is replaced. */
  private lost(slot: Slot, err: Error & { code?: string }): void {
    if (!this.slots.includes(slot)) return;
    const job = slot.job;
    this.retire(slot);
    if (!job) return;
    const mb = this.options.maxOldGenerationSizeMb;
    job.reject(
      err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(err.message)
        ? unavailable(
            'engine_out_of_memory',
            `评分用尽了内存上限 ${mb} MiB，已中止`,
            `the evaluation ran out of its memory limit of ${mb} MiB (maxOldGenerationSizeMb) and was stopped`,
            'maxOldGenerationSizeMb',
            mb,
          )
        : unavailable(
            'engine_failed',
            `评分引擎异常退出：${err.message}`,
            `the engine worker failed: ${err.message}`,
            'worker',
            0,
          ),
    );
  }
}
