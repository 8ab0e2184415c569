/**
 * The engine pool: a few worker processes (default 2) that run every evaluation, validation,
 * document-test run, diff, sensitivity analysis and import parse the server does on user input,
 * each with a heap limit (`--max-old-space-size`) and a wall-clock limit. A task past its time has
 * its worker killed and replaced; a worker that runs out of memory dies alone. Either way the
 * caller gets a 503 problem naming the limit, and the server process carries on.
 *
 * Why processes and not worker threads: in Node 20 a worker thread's `resourceLimits` do not stop
 * large single allocations (a string joined from an array of long strings, as JavaScript's `==`
 * does); the heap grows past the limit and V8's fatal "heap limit" error then aborts the whole
 * process, the server included (a thread limited to 64 MiB that held two 256 MB joined strings
 * aborted its process when we tried). A separate process is the boundary V8's fatal errors respect.
 *
 * @example
 * const pool = new EnginePool({ size: 2 });
 * const json = await pool.run('evaluate', { document: { text }, dataset, trace: true });
 * await pool.close();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../problem.ts';
import type { TaskError, TaskInput, TaskName } from './tasks.ts';

export interface PoolOptions {
  /** Worker processes (default 2, at most the machine's cores). */
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
  worker: ChildProcess;
  /** The end of the worker's stderr (V8's out-of-memory report lands there). */
  stderr: string;
  job?: Job;
  timer?: NodeJS.Timeout;
  ready: Promise<void>;
}

/**
 * The worker process's entry: compiled, `worker.js` beside this file; from source (vitest, tsx),
 * `bootstrap.mjs`, which registers tsx before loading `worker.ts`.
 */
const ENTRY = import.meta.url.endsWith('.js')
  ? fileURLToPath(new URL('./worker.js', import.meta.url))
  : fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));

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

  /** Starts every worker now (they start on first use otherwise, about 1–2 s each). */
  warm(): void {
    while (!this.closed && this.slots.length < this.options.size) this.spawn();
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the engine pool closed'));
    for (const slot of this.slots.splice(0)) {
      clearTimeout(slot.timer);
      slot.job?.reject(new Error('the engine pool closed'));
      slot.worker.removeAllListeners();
      slot.worker.kill('SIGKILL');
    }
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.job);
    if (idle) return idle;
    if (this.slots.length < this.options.size) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const worker = fork(ENTRY, [], {
      execArgv: [`--max-old-space-size=${this.options.maxOldGenerationSizeMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    worker.unref();
    (worker.channel as { unref?: () => void } | undefined)?.unref?.();
    (worker.stderr as { unref?: () => void } | null)?.unref?.();
    let markReady!: () => void;
    const slot: Slot = { worker, stderr: '', ready: new Promise<void>((r) => (markReady = r)) };
    worker.stderr?.on('data', (chunk: Buffer) => {
      slot.stderr = (slot.stderr + chunk.toString('utf8')).slice(-4000);
    });
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
    worker.on('error', (err: Error) => this.lost(slot, err));
    worker.on('exit', (code, signal) =>
      // Let the last of stderr arrive before deciding why the worker died.
      setImmediate(() =>
        this.lost(
          slot,
          new Error(`the engine worker exited (${signal ?? `code ${code}`})`),
          signal ?? undefined,
        ),
      ),
    );
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
      slot.worker.send({ id: job.id, task: job.task, input: job.input });
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

  /** Removes a slot (its worker is killed) and hands the queue to a fresh one. */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('message');
    slot.worker.on('error', () => {});
    slot.worker.kill('SIGKILL');
    if (!this.closed && this.queue.length) this.next(slot);
  }

  /** A worker died (out of memory, or crashed): its job gets a 503 and the slot is replaced. */
  private lost(slot: Slot, err: Error, signal?: string): void {
    if (!this.slots.includes(slot)) return;
    const job = slot.job;
    const report = slot.stderr;
    this.retire(slot);
    if (!job) return;
    const mb = this.options.maxOldGenerationSizeMb;
    job.reject(
      signal === 'SIGABRT' || /heap out of memory|heap limit|Allocation failed/i.test(report)
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
