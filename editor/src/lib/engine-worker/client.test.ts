import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineClient, EngineError, EngineTimeoutError, isSuperseded, type WorkerLike } from './client.ts';
import { operations, serializeError, type EngineRequest, type EngineResponse } from './operations.ts';

/**
 * A fake worker that runs the real operations table synchronously on the next tick, except for
 * requests whose args say `hang`: those never answer (an endless formula).
 */
class FakeWorker implements WorkerLike {
  static created: FakeWorker[] = [];
  onmessage: ((event: MessageEvent<EngineResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  received: EngineRequest[] = [];
  constructor() {
    FakeWorker.created.push(this);
  }
  postMessage(message: EngineRequest): void {
    const copy = structuredClone(message);
    this.received.push(copy);
    if ((copy.args as { hang?: boolean }).hang) return;
    setTimeout(() => {
      if (this.terminated) return;
      let response: EngineResponse;
      try {
        const value = (operations[copy.op] as (a: unknown) => unknown)(copy.args);
        response = { id: copy.id, ok: true, value };
      } catch (e) {
        response = { id: copy.id, ok: false, error: serializeError(e) };
      }
      this.onmessage?.({ data: response } as MessageEvent<EngineResponse>);
    }, 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const limits = {
  validate: 50,
  evaluate: 50,
  evaluateIfValid: 50,
  tests: 50,
  healthBounds: 200,
  sensitivity: 50,
};

describe('EngineClient', () => {
  beforeEach(() => {
    FakeWorker.created = [];
  });
  afterEach(() => vi.useRealTimers());

  it('runs an operation in the worker and returns its value', async () => {
    const client = new EngineClient(() => new FakeWorker(), limits);
    const problems = await client.run('validate', { doc: {}, options: { runTests: false } });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toHaveProperty('path');
    expect(FakeWorker.created).toHaveLength(1);
  });

  it('terminates a worker that runs past its limit, says so, and serves the next call with a new one', async () => {
    const client = new EngineClient(() => new FakeWorker(), limits);
    const started = Date.now();
    const hung = client.run('validate', { doc: {}, hang: true } as never);
    const next = client.run('validate', { doc: {} });
    await expect(hung).rejects.toBeInstanceOf(EngineTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hung).rejects.toThrow(/0.05 秒.*0.05 s/);
    expect(FakeWorker.created[0].terminated).toBe(true);
    expect(await next).toEqual(expect.any(Array));
    expect(FakeWorker.created).toHaveLength(2);
    expect(client.restarts).toBe(1);
  });

  it('keeps the error name, code and problems of an engine error', async () => {
    const client = new EngineClient(() => new FakeWorker(), limits);
    const err = await client
      .run('sensitivity', {
        doc: {} as never,
        dataset: { year: 2024, regions: [] },
        mode: { kind: 'points', k: 1 },
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.name).toBe('InvalidDocumentError');
    expect(err.problems.length).toBeGreaterThan(0);
  });

  it('drops a queued call replaced by a newer one with the same key', async () => {
    const client = new EngineClient(() => new FakeWorker(), limits);
    const first = client.run('validate', { doc: { a: 1 } }, { key: 'v' });
    const second = client.run('validate', { doc: { a: 2 } }, { key: 'v' }).catch((e: unknown) => e);
    const third = client.run('validate', { doc: { a: 3 } }, { key: 'v' });
    await first;
    expect(isSuperseded(await second)).toBe(true);
    await third;
    const sent = FakeWorker.created[0].received.map((r) => (r.args as { doc: { a: number } }).doc.a);
    expect(sent).toEqual([1, 3]);
  });

  it('rejects arguments that cannot be cloned instead of hanging', async () => {
    const client = new EngineClient(() => new FakeWorker(), limits);
    await expect(client.run('validate', { doc: { f: () => 1 } })).rejects.toThrow();
    expect(await client.run('validate', { doc: {} })).toEqual(expect.any(Array));
  });
});
