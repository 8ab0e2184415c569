/**
 * The one way the editor runs the engine on a document: in a Web Worker, one operation at a time,
 * each with a time limit. An operation that runs past it (a hostile draft: a string doubled by `cat`
 * over and over, a huge formula) has its worker terminated and a fresh one started; the caller gets
 * an `EngineTimeoutError` with a message to show, and the tab stays responsive.
 *
 * @example
 * const problems = await engine.run('validate', { doc }, { key: 'validate' });
 */
import type {
  OperationName,
  Operations,
  EngineRequest,
  EngineResponse,
  SerializedError,
} from './operations.ts';

/** Time limits in milliseconds, per operation. */
export const ENGINE_TIME_LIMITS: Record<OperationName, number> = {
  validate: 5_000,
  evaluate: 10_000,
  evaluateIfValid: 10_000,
  tests: 10_000,
  healthBounds: 5_000,
  sensitivity: 60_000,
};

/** The operation ran past its time limit; its worker was terminated. */
export class EngineTimeoutError extends Error {
  readonly code = 'engine_timeout';
  constructor(
    readonly op: OperationName,
    readonly limitMs: number,
  ) {
    const s = limitMs / 1000;
    super(
      `规则计算超过 ${s} 秒未完成，已中止：请检查派生值和公式（例如反复拼接的字符串、过大的列表）。 / ` +
        `The engine stopped after ${s} s: check the derived values and formulas (e.g. strings concatenated over and over, very long lists).`,
    );
    this.name = 'EngineTimeoutError';
  }
}

/** A newer call with the same key replaced this one before it started. */
export class EngineSupersededError extends Error {
  constructor() {
    super('superseded by a newer call');
    this.name = 'EngineSupersededError';
  }
}

/** The worker itself failed (it crashed, ran out of memory or could not be loaded). */
export class EngineCrashError extends Error {
  readonly code = 'engine_crashed';
  constructor(detail: string) {
    super(
      `规则计算的后台线程异常终止（${detail}），已重新启动。 / The engine's worker stopped (${detail}); it was restarted.`,
    );
    this.name = 'EngineCrashError';
  }
}

/** An error thrown by the engine inside the worker, with its name, code and problems kept. */
export class EngineError extends Error {
  readonly code?: string;
  readonly problems?: SerializedError['problems'];
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code;
    this.problems = e.problems;
  }
}

/** The part of `Worker` the client uses (a fake one in the unit tests). */
export interface WorkerLike {
  postMessage(message: EngineRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<EngineResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

interface Job {
  id: number;
  op: OperationName;
  args: unknown;
  key?: string;
  limitMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type Args<O extends OperationName> = Parameters<Operations[O]>[0];
type Result<O extends OperationName> = ReturnType<Operations[O]>;

export class EngineClient {
  private worker: WorkerLike | null = null;
  private queue: Job[] = [];
  private current: Job | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  /** Workers terminated for running too long (for tests and diagnostics). */
  restarts = 0;

  constructor(
    private readonly create: () => WorkerLike,
    private readonly limits: Record<OperationName, number> = ENGINE_TIME_LIMITS,
  ) {}

  /**
   * Runs `op` in the worker. With a `key`, a call still waiting in the queue under the same key is
   * dropped (rejected with `EngineSupersededError`): only the latest validation of a draft runs.
   */
  run<O extends OperationName>(
    op: O,
    args: Args<O>,
    options: { key?: string; limitMs?: number } = {},
  ): Promise<Result<O>> {
    return new Promise<Result<O>>((resolve, reject) => {
      if (options.key !== undefined) {
        for (const queued of this.queue.filter((j) => j.key === options.key))
          queued.reject(new EngineSupersededError());
        this.queue = this.queue.filter((j) => j.key !== options.key);
      }
      this.queue.push({
        id: this.nextId++,
        op,
        args,
        key: options.key,
        limitMs: options.limitMs ?? this.limits[op],
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  /** Stops the worker and rejects every call still waiting. */
  dispose(): void {
    this.kill();
    for (const j of this.queue) j.reject(new EngineSupersededError());
    this.queue = [];
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.create();
    w.onmessage = (event) => this.settle(event.data);
    w.onerror = (event) => {
      event.preventDefault?.();
      this.fail(new EngineCrashError(event.message || 'error'));
    };
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    try {
      this.ensureWorker().postMessage({ id: job.id, op: job.op, args: job.args });
    } catch (e) {
      // Arguments that cannot be cloned (a reactive proxy): a bug of the caller, reported to it.
      this.current = null;
      job.reject(e instanceof Error ? e : new Error(String(e)));
      this.pump();
      return;
    }
    this.timer = setTimeout(() => {
      this.restarts++;
      this.fail(new EngineTimeoutError(job.op, job.limitMs));
    }, job.limitMs);
  }

  private settle(response: EngineResponse): void {
    const job = this.current;
    if (!job || response.id !== job.id) return;
    clearTimeout(this.timer);
    this.current = null;
    if (response.ok) job.resolve(response.value);
    else job.reject(new EngineError(response.error));
    this.pump();
  }

  /** The running job fails with `error`; its worker is replaced by a fresh one for the next job. */
  private fail(error: Error): void {
    const job = this.current;
    this.kill();
    this.current = null;
    job?.reject(error);
    this.pump();
  }

  private kill(): void {
    clearTimeout(this.timer);
    this.worker?.terminate();
    this.worker = null;
  }
}

/** True for the errors a caller should ignore (its call was replaced by a newer one). */
export function isSuperseded(e: unknown): boolean {
  return e instanceof EngineSupersededError;
}
