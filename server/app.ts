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
  /** Mark the session cookie Secure (when served over HTTPS). */
  secureCookies?: boolean;
  /** Login throttling settings, or a ready throttle. */
  throttle?: ThrottleOptions | LoginThrottle;
  /** Largest JSON request body (default 2 MiB: a rule document may be 1 MiB). */
  bodyLimitBytes?: number;
  /** Largest uploaded data file (default 20 MiB). */
  importLimitBytes?: number;
  /** Trust X-Forwarded-For for the client address. */
  trustProxy?: boolean;
  /** The clock (tests). */
  now?: () => number;
}

/** The package version from package.json. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
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
  routes.push(...sensitivityRoutes(deps));
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
export type EcoscoreApp = Hono<AppEnv> & { apiRoutes: RouteSpec[] };

/** Creates the app on an open database. */
export function createApp(options: AppOptions): EcoscoreApp {
  installNodeSha256();
  const log = options.log ?? ((line: string) => console.log(line));
  const sessions = new Sessions(databaseSessionStore(options.db), {
    ttlMs: options.sessionTtlMs,
    secureCookie: options.secureCookies,
    now: options.now,
  });
  const throttle =
    options.throttle instanceof LoginThrottle
      ? options.throttle
      : new LoginThrottle({ now: options.now, ...options.throttle });
  const deps: RouteDeps = {
    db: options.db,
    sessions,
    throttle,
    version: options.version ?? packageVersion(),
    log,
    trustProxy: options.trustProxy ?? false,
  };
  const routes = buildRoutes(deps);

  const app = new Hono<AppEnv>();
  app.onError(handleError(log));
  app.use('*', accessLog(log));
  app.use('*', secureHeaders({ overwrite: false }));

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
  app.use('/api/*', (c, next) =>
    /\/import$/.test(c.req.path) ? largeBodies(c, next) : smallBodies(c, next),
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

  return Object.assign(app, { apiRoutes: routes });
}
