/**
 * What every route module receives: the database and the app's shared services.
 */
import type { Db } from '../db/client.ts';
import type { LoginThrottle } from '../auth/throttle.ts';
import type { Sessions } from '../auth/session.ts';

export interface RouteDeps {
  db: Db;
  sessions: Sessions;
  throttle: LoginThrottle;
  /** The package version (health, OpenAPI, run records). */
  version: string;
  /** Where log lines go (access log, errors). */
  log: (line: string) => void;
  /** Trust `X-Forwarded-For` for the client address (behind a reverse proxy). */
  trustProxy: boolean;
  /** Publishing takes two people (SPEC section 11); false with `ECOSCORE_FOUR_EYES=0`. */
  fourEyes: boolean;
}
