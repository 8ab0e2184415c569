/**
 * The server process: opens the database (`ECOSCORE_DB`, migrations applied), seeds an empty one
 * with the sample regions, rules and data and the first admin, serves the API under `/api` and the
 * built editor (`editor/build`) at `/`, on `PORT` (default 8787). SIGTERM and SIGINT stop accepting
 * requests, let the ones in flight finish and close the database cleanly.
 *
 * Environment: PORT, HOST (default all interfaces), ECOSCORE_DB (default ./data/ecoscore.db),
 * ECOSCORE_ADMIN_PASSWORD (the first admin's password; when unset a random one is printed once),
 * ECOSCORE_ACCESS_LOG=0 to silence the per-request log, ECOSCORE_SECURE_COOKIES=1 to mark the
 * session cookie Secure always (it is Secure anyway on requests that came over HTTPS),
 * ECOSCORE_TRUSTED_PROXIES (addresses and CIDR ranges of reverse proxies whose X-Forwarded-For and
 * X-Forwarded-Proto are believed), ECOSCORE_TRUST_PROXY=1 (the same for a proxy on this host:
 * loopback), ECOSCORE_ENGINE_WORKERS, ECOSCORE_ENGINE_TIMEOUT_MS, ECOSCORE_ENGINE_HEAP_MB (the
 * engine pool, server/workers/pool.ts), ECOSCORE_KEY_FILE (the Ed25519 signing key; default
 * `<database>.key`, created with mode 0600), ECOSCORE_FOUR_EYES=0 for a one-person installation.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { databasePathFromEnv, openStore } from './db/client.ts';
import { seedIfEmpty } from './seed.ts';
import { createApp, packageVersion } from './app.ts';
import { ensureAdmin } from './auth/store.ts';
import { projectPath } from './runtime.ts';
import { proxiesFromEnv, type TrustedProxies } from './web/proxy.ts';
import type { PoolOptions } from './workers/pool.ts';
import { signerFor } from './trust/keys.ts';

export const EDITOR_BUILD = projectPath('editor', 'build');

export interface StartOptions {
  port?: number;
  host?: string;
  dbPath?: string;
  adminPassword?: string;
  staticRoot?: string | null;
  accessLog?: boolean;
  secureCookies?: boolean;
  trustProxy?: boolean;
  /** Reverse proxies whose forwarding headers are believed (wins over trustProxy). */
  trustedProxies?: TrustedProxies;
  /** The engine pool's size and limits. */
  pool?: PoolOptions;
  /** The first sign-in lockout once failures pass the limit, in ms (default 1 s; it doubles). */
  loginDelayMs?: number;
  /** Where start-up messages go (default stdout). */
  print?: (line: string) => void;
}

export interface Running {
  server: ServerType;
  port: number;
  dbPath: string;
  /** Stops the server and closes the database. */
  stop(): Promise<void>;
}

function envFlag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${value}`);
  return n;
}

/** Options from the environment. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): StartOptions {
  const port = env.PORT ? Number(env.PORT) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  return {
    port,
    host: env.HOST || undefined,
    dbPath: databasePathFromEnv(env),
    adminPassword: env.ECOSCORE_ADMIN_PASSWORD || undefined,
    accessLog: envFlag(env.ECOSCORE_ACCESS_LOG, true),
    secureCookies: envFlag(env.ECOSCORE_SECURE_COOKIES, false),
    trustProxy: envFlag(env.ECOSCORE_TRUST_PROXY, false),
    trustedProxies: proxiesFromEnv(env),
    pool: {
      size: positive(env.ECOSCORE_ENGINE_WORKERS, 'ECOSCORE_ENGINE_WORKERS'),
      timeoutMs: positive(env.ECOSCORE_ENGINE_TIMEOUT_MS, 'ECOSCORE_ENGINE_TIMEOUT_MS'),
      maxOldGenerationSizeMb: positive(env.ECOSCORE_ENGINE_HEAP_MB, 'ECOSCORE_ENGINE_HEAP_MB'),
    },
    loginDelayMs: positive(env.ECOSCORE_LOGIN_DELAY_MS, 'ECOSCORE_LOGIN_DELAY_MS'),
  };
}

/** Opens, seeds and serves; resolves once the server listens. */
export async function start(opts: StartOptions = {}): Promise<Running> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const opened = await openStore(opts.dbPath ?? databasePathFromEnv());
  let generatedPassword: string | undefined;
  const report = await seedIfEmpty(opened.db, {
    log: (line) => print(line),
    createUsers: async (db) => {
      generatedPassword = (await ensureAdmin(db, opts.adminPassword)).generatedPassword;
    },
  });
  if (report.usersCreated) {
    print(
      generatedPassword
        ? `First admin created: username "admin", password "${generatedPassword}" (shown only this once; set ECOSCORE_ADMIN_PASSWORD to choose it)`
        : 'First admin created: username "admin", password from ECOSCORE_ADMIN_PASSWORD',
    );
  }

  const staticRoot = opts.staticRoot === null ? undefined : (opts.staticRoot ?? EDITOR_BUILD);
  const haveEditor = staticRoot !== undefined && existsSync(`${staticRoot}/index.html`);
  const app = createApp({
    db: opened.db,
    staticRoot: haveEditor ? staticRoot : undefined,
    log: opts.accessLog === false ? () => {} : (line) => console.log(line),
    secureCookies: opts.secureCookies,
    trustProxy: opts.trustProxy,
    trustedProxies: opts.trustedProxies,
    pool: opts.pool,
    throttle: opts.loginDelayMs ? { baseDelayMs: opts.loginDelayMs } : undefined,
  });

  await app.ready;
  app.pool.warm();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 8787, hostname: opts.host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 8787);
  print(`ecoscore ${packageVersion()} listening on http://${opts.host ?? 'localhost'}:${port}`);
  print(`database: ${opened.path}`);
  print(`signing key: ${signerFor(opened.db).file} (public key: GET /api/keys)`);
  print(haveEditor ? `editor: ${staticRoot}` : 'editor: not built (API only); run `npm start` to build it');
  print(`API docs: http://${opts.host ?? 'localhost'}:${port}/api/docs`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      const force = setTimeout(
        () => (server as { closeAllConnections?: () => void }).closeAllConnections?.(),
        5000,
      );
      force.unref();
      server.close(() => {
        clearTimeout(force);
        void app.pool
          .close()
          .finally(() => opened.close())
          .finally(() => resolve());
      });
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    }));
  return { server, port, dbPath: opened.path, stop };
}

/** Runs as the process: start, and stop cleanly on SIGTERM / SIGINT. */
export async function main(): Promise<void> {
  const running = await start(optionsFromEnv());
  const shutdown = (signal: string) => {
    console.log(`${signal}: closing`);
    running.stop().then(
      () => {
        console.log('closed');
        process.exit(0);
      },
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
}
