/**
 * The engine's Web Worker: runs one operation of `operations.ts` per message and answers with its
 * value or its error as data. The page's client terminates this worker when an operation runs past
 * its time limit, so a hostile draft costs this thread, never the tab.
 */
/// <reference lib="webworker" />
import { operations, serializeError, type EngineRequest, type EngineResponse } from './operations.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<EngineRequest>) => {
  const { id, op, args } = event.data;
  let response: EngineResponse;
  try {
    const run = operations[op] as (a: unknown) => unknown;
    if (typeof run !== 'function') throw new Error(`unknown engine operation ${String(op)}`);
    response = { id, ok: true, value: run(args) };
  } catch (e) {
    response = { id, ok: false, error: serializeError(e) };
  }
  try {
    scope.postMessage(response);
  } catch (e) {
    // A value that cannot be cloned: say so rather than leave the caller waiting.
    scope.postMessage({ id, ok: false, error: serializeError(e) } satisfies EngineResponse);
  }
};
