/**
 * The editor's engine worker: the shared client every engine call on a document goes through.
 */
import { EngineClient } from './client.ts';

export {
  EngineClient,
  EngineError,
  EngineTimeoutError,
  EngineCrashError,
  ENGINE_TIME_LIMITS,
  isSuperseded,
} from './client.ts';

/** The page's one engine worker (created on first use). */
export const engine = new EngineClient(
  () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'ecoscore-engine' }),
);
