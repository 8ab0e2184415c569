/**
 * What every route module receives: the database and the app's shared services.
 */
import type { Db } from '../db/client.ts';
import type { LoginThrottle } from '../auth/throttle.ts';
import type { Sessions } from '../auth/session.ts';
import type { EnginePool } from '../workers/pool.ts';
import type { TrustedProxies } from '../web/proxy.ts';

export interface RouteDeps {
  db: Db;
  sessions: Sessions;
  throttle: LoginThrottle;
  /** The package version (health, OpenAPI, run records). */
  version: string;
  /** Where log lines go (access log, errors). */
  log: (line: string) => void;
  /** The proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed. */
  proxies: TrustedProxies;
  /** Where evaluations, validations, tests, diffs and sensitivity analyses of documents run. */
  pool: EnginePool;
  /** Publishing takes two people (SPEC section 11); false with `ECOSCORE_FOUR_EYES=0`. */
  fourEyes: boolean;
}
