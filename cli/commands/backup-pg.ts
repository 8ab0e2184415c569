/**
 * `ecoscore backup FILE` when the database is PostgreSQL (`--db` or `ECOSCORE_DB` is a
 * `postgres://` URL): `pg_dump --format=custom` of the database into FILE — a consistent snapshot,
 * safe while servers run — then `pg_restore --list FILE` reads the archive back as its check.
 * `pg_dump` is looked up on PATH, then in Debian's /usr/lib/postgresql/<version>/bin; without it the
 * command says so and exits 2 (install PostgreSQL's client tools, or run your own pg_dump).
 *
 * Restore: `pg_restore --clean --if-exists --dbname postgres://… FILE` (servers stopped), or into a
 * new empty database with `pg_restore --dbname postgres://…/new FILE`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { redactUrl } from '../../server/db/client-pg.ts';
import { findPgBin } from '../../server/db/pg-cluster.ts';

export interface PgBackupIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Backs up the PostgreSQL database at `url` into `target` (already checked: absent, or --force). */
export function backupPostgres(url: string, target: string, io: PgBackupIo): number {
  if (/^pglite:/i.test(url.trim())) {
    io.stderr(
      'PGlite 数据库无法用 pg_dump 备份 / a PGlite database cannot be backed up with pg_dump: copy its directory while the server is stopped\n',
    );
    return 2;
  }
  const pgDump = findPgBin('pg_dump');
  if (!pgDump) {
    io.stderr(
      '找不到 pg_dump，请安装 PostgreSQL 客户端工具（Debian：postgresql-client）/ pg_dump not found: install PostgreSQL’s client tools (Debian: postgresql-client) or run pg_dump yourself\n',
    );
    return 2;
  }
  const existed = existsSync(target);
  const dump = spawnSync(pgDump, ['--format=custom', '--no-owner', `--file=${target}`, `--dbname=${url}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (dump.status !== 0) {
    io.stderr(
      `备份失败 / backup failed: pg_dump ${dump.error ? dump.error.message : `exited ${dump.status}`}: ${redact(dump.stderr, url)}\n`,
    );
    if (!existed) rmSync(target, { force: true });
    return 1;
  }
  const pgRestore = findPgBin('pg_restore');
  if (pgRestore) {
    const list = spawnSync(pgRestore, ['--list', target], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (list.status !== 0 || !/TABLE DATA \S+ audit_log /.test(list.stdout)) {
      io.stderr(`备份校验失败 / the backup failed its check (pg_restore --list): ${list.stderr.trim()}\n`);
      return 1;
    }
  }
  io.stdout(
    `已备份 / backed up ${redactUrl(url)} → ${target} (pg_dump custom format, ${statSync(target).size} bytes)\n`,
  );
  return 0;
}

function redact(text: string | null, url: string): string {
  const t = (text ?? '').trim();
  try {
    const pw = new URL(url).password;
    return pw ? t.split(pw).join('***') : t;
  } catch {
    return t;
  }
}
