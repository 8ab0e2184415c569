/**
 * `ecoscore backup FILE [--db PATH] [--force]`: writes a consistent copy of the live database with
 * SQLite's online backup (better-sqlite3 `backup()`), safe while the server is running. The copy is
 * a single self-contained file (journal mode DELETE), checked with `PRAGMA integrity_check`.
 * The database is `--db PATH`, else `ECOSCORE_DB`, else `./data/ecoscore.db`.
 *
 * The copy is refused (exit 2) onto the live database itself, or onto any path that is the same
 * file as the database or its `-wal`, `-shm` or `-journal` file: a symbolic link, a hard link,
 * another spelling of the path. Writing a backup there would overwrite the live file under SQLite.
 *
 * Restore: stop the server, copy FILE over the database path (deleting its `-wal` and `-shm` files),
 * start the server again.
 *
 * A PostgreSQL database (`postgres://…`) is backed up with `pg_dump` (backup-pg.ts).
 */
import { existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { isPostgresUrl } from '../../server/db/client.ts';
import { backupPostgres } from './backup-pg.ts';

export interface BackupIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

const USAGE = '用法 / usage: ecoscore backup FILE [--db PATH] [--force]\n';

/** The file identity (device and inode) of a path, following links; undefined when absent. */
function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Which live file (the database or one of its journals) `target` is — by path, by the path its
 * links resolve to, or by inode (a hard link) — or undefined when it is none of them.
 */
export function liveFileAt(source: string, target: string): string | undefined {
  const targetId = identity(target);
  const targetReal = realpath(target);
  for (const file of [source, `${source}-wal`, `${source}-shm`, `${source}-journal`]) {
    if (target === file || targetReal === realpath(file)) return file;
    if (targetId !== undefined && targetId === identity(file)) return file;
  }
  return undefined;
}

export async function run(args: string[], io: BackupIo): Promise<number> {
  let dbPath: string | undefined;
  let force = false;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--db') {
      dbPath = args[++i];
      if (!dbPath) {
        io.stderr(`--db 需要路径 / --db needs a path\n${USAGE}`);
        return 2;
      }
    } else if (a.startsWith('--db=')) dbPath = a.slice(5);
    else if (a === '--force' || a === '-f') force = true;
    else if (a === '--help' || a === '-h') {
      io.stdout(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      io.stderr(`未知选项 / unknown option ${a}\n${USAGE}`);
      return 2;
    } else positional.push(a);
  }
  if (positional.length !== 1) {
    io.stderr(USAGE);
    return 2;
  }
  const env = io.env ?? process.env;
  const named =
    dbPath ?? (env.ECOSCORE_DB && env.ECOSCORE_DB.trim() !== '' ? env.ECOSCORE_DB : './data/ecoscore.db');
  const target = resolve(io.cwd, positional[0]);
  if (isPostgresUrl(named)) {
    if (existsSync(target) && !force) {
      io.stderr(`文件已存在，使用 --force 覆盖 / ${target} exists; use --force to overwrite\n`);
      return 2;
    }
    return backupPostgres(named.trim(), target, io);
  }
  const source = resolve(io.cwd, named);
  if (!existsSync(source)) {
    io.stderr(`数据库不存在 / no database at ${source}\n`);
    return 2;
  }
  const live = liveFileAt(source, target);
  if (live) {
    io.stderr(
      `备份文件不能是数据库本身或其链接 / the backup file cannot be the live database or a link to it (${target} is ${live})\n`,
    );
    return 2;
  }
  if (existsSync(target) && !force) {
    io.stderr(`文件已存在，使用 --force 覆盖 / ${target} exists; use --force to overwrite\n`);
    return 2;
  }
  const existed = existsSync(target);
  let db: Database.Database | undefined;
  try {
    db = new Database(source, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const result = await db.backup(target);
    db.close();
    db = undefined;
    const copy = new Database(target);
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') {
        io.stderr(`备份校验失败 / the backup failed its integrity check: ${String(check)}\n`);
        return 1;
      }
    } finally {
      copy.close();
    }
    io.stdout(`已备份 / backed up ${source} → ${target} (${result.totalPages} pages)\n`);
    return 0;
  } catch (e) {
    io.stderr(`备份失败 / backup failed: ${(e as Error).message}\n`);
    if (!existed) rmSync(target, { force: true });
    return 1;
  } finally {
    db?.close();
  }
}
