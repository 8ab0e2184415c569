/**
 * The Hono application: middleware (access log, secure headers, sessions, the login gate, body
 * limits), every route module from the registry, problem+json errors, and optionally the editor's
 * static build with a fallback to its index for client-side routes.
 *
 * @example
 * const { db } = openDatabase(':memory:');
 * const app = createApp({ db });
 * const res = await app.request('/api/health');
 */
import { readFileSync } from 'node:fs';
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Db } from './db/client.ts';
import { Sessions, type AppEnv } from './auth/session.ts';
import { databaseSessionStore } from './auth/store.ts';
import { LoginThrottle, type ThrottleOptions } from './auth/throttle.ts';
import { ApiError, handleError, problemResponse } from './problem.ts';
import { mountRoutes, type RouteSpec } from './routes/registry.ts';
import type { RouteDeps } from './routes/deps.ts';
import { systemRoutes } from './routes/system.ts';
import { authRoutes } from './routes/auth.ts';
import { userRoutes } from './routes/users.ts';
import { versionRoutes } from './routes/versions.ts';
import { regionRoutes } from './routes/regions.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { runRoutes } from './routes/runs.ts';
import { evaluateRoutes } from './routes/evaluate.ts';
import { auditRoutes } from './routes/audit.ts';
import { sensitivityRoutes } from './routes/sensitivity.ts';
import { historyRoutes } from './routes/history.ts';
import { projectPath } from './runtime.ts';
import { EnginePool, type PoolOptions } from './workers/pool.ts';
import { isHttps, NO_PROXIES, trustedProxies, type TrustedProxies } from './web/proxy.ts';
import { sameOrigin } from './web/guard.ts';
import { trustRoutes } from './routes/trust.ts';
import { initTrust, recordIntegrityFailure } from './trust/setup.ts';
import { fourEyesFromEnv } from './trust/formats.ts';
import type { Signer } from './trust/keys.ts';
import { healthRoutes } from './routes/health.ts';
import { documentRoutes } from './routes/documents.ts';
import { settingsRoutes } from './routes/settings.ts';
import { appealRoutes } from './routes/appeals.ts';
import { correctionRoutes } from './routes/corrections.ts';
import { EVIDENCE_MAX_BYTES } from './db/appeals.ts';
import { installNodeSha256 } from './node-hash.ts';

export interface AppOptions {
  db: Db;
  /** Reported by /api/health and the OpenAPI document (default: package.json's version). */
  version?: string;
  /** Where access-log and error lines go (default console.log; pass `() => {}` to silence). */
  log?: (line: string) => void;
  /** The editor's static build; served at `/` with a fallback to its index.html. */
  staticRoot?: string;
  /** Session time to live in ms (default 12 h, sliding). */
  sessionTtlMs?: number;
  /**
   * Always mark the session cookie Secure. Without it the cookie is Secure whenever the request
   * came over HTTPS (directly, or as a trusted proxy's `X-Forwarded-Proto` says).
   */
  secureCookies?: boolean;
  /** Login throttling settings, or a ready throttle. */
  throttle?: ThrottleOptions | LoginThrottle;
  /** Largest JSON request body (default 2 MiB: a rule document may be 1 MiB). */
  bodyLimitBytes?: number;
  /** Largest uploaded data file (default 20 MiB). */
  importLimitBytes?: number;
  /** Trust X-Forwarded-For and X-Forwarded-Proto from a proxy on this host (loopback addresses). */
  trustProxy?: boolean;
  /** The proxies whose forwarding headers are believed (addresses and CIDR ranges); wins over trustProxy. */
  trustedProxies?: TrustedProxies | string;
  /** The engine pool (or its options) where documents are evaluated; created lazily by default. */
  pool?: EnginePool | PoolOptions;
  /** The clock (tests). */
  now?: () => number;
  /** Publishing takes two people (default: on unless `ECOSCORE_FOUR_EYES=0`). */
  fourEyes?: boolean;
  /** The signing key (default: `ECOSCORE_KEY_FILE`, else next to the database file, else in memory). */
  signer?: Signer;
}

/** The package version from package.json. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The route modules, in the order they appear in the OpenAPI document. */
export function buildRoutes(deps: RouteDeps): RouteSpec[] {
  const routes: RouteSpec[] = [];
  routes.push(...systemRoutes(deps, () => routes), ...authRoutes(deps), ...userRoutes(deps));
  routes.push(...versionRoutes(deps), ...evaluateRoutes(deps), ...regionRoutes(deps));
  routes.push(...datasetRoutes(deps), ...runRoutes(deps), ...auditRoutes(deps));
  routes.push(
    ...sensitivityRoutes(deps),
    ...historyRoutes(deps),
    ...trustRoutes(deps),
    ...healthRoutes(deps),
  );
  routes.push(...documentRoutes(deps), ...settingsRoutes(deps));
  routes.push(...appealRoutes(deps), ...correctionRoutes(deps));
  return routes;
}

/** One line per request: time, method, path, status, duration, user. */
function accessLog(log: (line: string) => void): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = (performance.now() - start).toFixed(1);
      const user = c.get('user')?.username ?? '-';
      log(`${new Date().toISOString()} ${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms ${user}`);
    }
  };
}

/** The app, with the route registry it was built from (for the OpenAPI walk in tests). */
export type EcoscoreApp = Hono<AppEnv> & {
  apiRoutes: RouteSpec[];
  pool: EnginePool;
  /** Resolves when the start-up writes (the signing key, the four-eyes setting) are done; requests wait for it. */
  ready: Promise<void>;
};

/**
 * The CSP header of the editor's pages. Scripts are governed by the CSP meta tag SvelteKit writes
 * into each page (kit.csp: `script-src 'self'` plus the hashes of its inline bootstrap), so this
 * header leaves script-src and default-src out (a header without hashes would block that
 * bootstrap) and adds what a meta tag cannot say: frame-ancestors, plus base-uri, form-action and
 * object-src.
 */
export const PAGE_CSP = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** HSTS, sent only on answers to HTTPS requests. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** Creates the app on an open database. */
export function createApp(options: AppOptions): EcoscoreApp {
  installNodeSha256();
  const log = options.log ?? ((line: string) => console.log(line));
  const proxies =
    typeof options.trustedProxies === 'string'
      ? trustedProxies(options.trustedProxies)
      : (options.trustedProxies ?? (options.trustProxy ? trustedProxies('loopback') : NO_PROXIES));
  const https = (c: Parameters<typeof isHttps>[0]) => isHttps(c, proxies);
  const sessions = new Sessions(databaseSessionStore(options.db), {
    ttlMs: options.sessionTtlMs,
    secureCookie: options.secureCookies ? true : https,
    now: options.now,
  });
  const pool = options.pool instanceof EnginePool ? options.pool : new EnginePool(options.pool);
  const throttle =
    options.throttle instanceof LoginThrottle
      ? options.throttle
      : new LoginThrottle({ db: options.db, now: options.now, ...options.throttle });
  const deps: RouteDeps = {
    db: options.db,
    sessions,
    throttle,
    version: options.version ?? packageVersion(),
    log,
    proxies,
    pool,
    fourEyes: options.fourEyes ?? fourEyesFromEnv(),
  };
  // The signing key exists (created at first start) and is recorded; the four-eyes setting is audited when it changes.
  // Requests wait for it; a failure answers every request with it (and `ready` rejects).
  const ready = initTrust(options.db, { fourEyes: deps.fourEyes, signer: options.signer }).then(
    () => undefined,
  );
  ready.catch(() => undefined);
  const routes = buildRoutes(deps);

  const app = new Hono<AppEnv>();
  app.onError(handleError(log));
  app.use('*', async (_c, next) => {
    await ready;
    await next();
  });
  app.use('*', accessLog(log));
  app.use('*', secureHeaders({ overwrite: false, strictTransportSecurity: false }));
  app.use('*', async (c, next) => {
    await next();
    if (https(c)) c.res.headers.set('Strict-Transport-Security', HSTS);
    if (!c.req.path.startsWith('/api/') && !c.res.headers.has('Content-Security-Policy')) {
      c.res.headers.set('Content-Security-Policy', PAGE_CSP);
      c.res.headers.set('X-Frame-Options', 'DENY');
    }
  });
  // State-changing requests only from this origin (server/web/guard.ts).
  app.use('/api/*', sameOrigin(proxies));

  // Every API answer gets a strict CSP unless it set its own (the docs page).
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.res.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    }
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });

  // Sessions, then the gate: only the public routes answer without one.
  const publicRoutes = new Set(
    routes.filter((r) => r.access === 'public').map((r) => `${r.method.toUpperCase()} ${r.path}`),
  );
  app.use('/api/*', sessions.middleware());
  // A record that fails its integrity check is never served, and the failure is audited (after the
  // failed request's own transaction has rolled back).
  app.use('/api/*', async (c, next) => {
    await next();
    if (c.error)
      await recordIntegrityFailure(
        options.db,
        c.error,
        c.get('user')?.username,
        `${c.req.method} ${c.req.path}`,
        log,
      );
  });
  app.use('/api/*', async (c, next) => {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (!c.get('user') && !publicRoutes.has(`${method} ${c.req.path}`)) {
      throw new ApiError(401, 'unauthenticated', '请先登录 / Log in first');
    }
    await next();
  });

  // Body limits: data files may be larger than JSON bodies.
  const tooLarge = (limit: number) => () => {
    throw new ApiError(
      413,
      'body_too_large',
      `请求体超过 ${limit} 字节 / The request body exceeds ${limit} bytes`,
    );
  };
  const jsonLimit = options.bodyLimitBytes ?? 2 * 1024 * 1024;
  const fileLimit = options.importLimitBytes ?? 20 * 1024 * 1024;
  const smallBodies = bodyLimit({ maxSize: jsonLimit, onError: tooLarge(jsonLimit) });
  const largeBodies = bodyLimit({ maxSize: fileLimit, onError: tooLarge(fileLimit) });
  // Evidence files of appeals: at most 10 MiB each (413 `too_large`).
  const evidenceBodies = bodyLimit({
    maxSize: EVIDENCE_MAX_BYTES,
    onError: () => {
      throw new ApiError(413, 'too_large', '证明材料不能超过 10 MiB / evidence files are limited to 10 MiB');
    },
  });
  app.use('/api/*', (c, next) =>
    /\/import$/.test(c.req.path)
      ? largeBodies(c, next)
      : /^\/api\/appeals\/[^/]+\/evidence$/.test(c.req.path)
        ? evidenceBodies(c, next)
        : smallBodies(c, next),
  );

  mountRoutes(app, routes);

  app.all('/api/*', () => {
    throw new ApiError(404, 'no_such_route', '没有这个接口 / No such API route');
  });

  if (options.staticRoot) {
    const root = options.staticRoot;
    app.use('*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? problemResponse(404, 'no_such_route', '没有这个接口 / No such API route')
      : c.text('Not found', 404),
  );

  return Object.assign(app, { apiRoutes: routes, pool, ready });
}
