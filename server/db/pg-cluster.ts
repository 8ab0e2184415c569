/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temporary directory and `pg_ctl start` on
 * a free local port, as a non-root user (PostgreSQL refuses to run as root; as root the binaries run
 * through `runuser -u postgres`). Undefined, with the reason, when the binaries are absent.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  url: string;
  stop(): void;
}

/** A PostgreSQL program (`initdb`, `pg_dump`, …): on PATH, else in Debian's /usr/lib/postgresql/<newest>/bin. */
export function findPgBin(name: string): string | undefined {
  for (const dir of [
    ...(process.env.PATH ?? '').split(':'),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort()
          .reverse()
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
  ])
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster, or returns `{ skip }` saying why it cannot — unless `ECOSCORE_REQUIRE_PG=1`
 * (set by .ci/run, which installs PostgreSQL): then it throws, so the real-server tests cannot be
 * skipped there unnoticed.
 */
export async function startPgCluster(): Promise<PgCluster | { skip: string }> {
  const result = await tryStartPgCluster();
  if ('skip' in result && process.env.ECOSCORE_REQUIRE_PG === '1')
    throw new Error(`ECOSCORE_REQUIRE_PG=1 but no PostgreSQL server could be started: ${result.skip}`);
  return result;
}

async function tryStartPgCluster(): Promise<PgCluster | { skip: string }> {
  const initdb = findPgBin('initdb');
  const pgCtl = findPgBin('pg_ctl');
  if (!initdb || !pgCtl)
    return { skip: 'PostgreSQL binaries (initdb, pg_ctl) not found: install Debian’s postgresql package' };
  const root = process.getuid?.() === 0;
  if (root && !findPgBin('runuser')) return { skip: 'running as root without runuser' };
  const as = (cmd: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'ecoscore-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    as(initdb, ['-D', data, '-U', 'ecoscore', '--auth=trust', '-E', 'UTF8', '--no-locale']);
    as(pgCtl, [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `could not start PostgreSQL: ${(e as Error).message.split('\n')[0]}` };
  }
  return {
    url: `postgres://ecoscore@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        as(pgCtl, ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
