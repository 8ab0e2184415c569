/**
 * `ecoscore verify [--db PATH] [--key KEYFILE] [--json]` checks a whole database offline: the audit
 * hash chain, every published version's and finished run's stored hashes against their content,
 * every signature, approver ≠ requester (server/trust/verify.ts). The database is `--db PATH` (or a
 * `postgres://` URL, read as it is: never migrated), else `ECOSCORE_DB`, else `./data/ecoscore.db`; the trusted public key is `--key` (the JSON of
 * `GET /api/keys`, or the key file), else `ECOSCORE_KEY_FILE`, else the key file next to the
 * database when there is one, else only the keys recorded in the database itself.
 *
 * `ecoscore verify --run FILE.json [--key KEYFILE] [--json]` checks a sealed run (`GET
 * /api/runs/:id/sealed`): hashes, signatures, and a re-evaluation that must give byte-identical
 * results (server/trust/sealed.ts).
 *
 * Exit 0 when everything holds, 1 when anything does not (each broken record with table and id;
 * `--json`: `{ "ok", "problems": [ { "table", "id", "code", "message" } ] }`), 2 for an unreadable
 * database or file, or wrong usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isPostgresUrl, openStore, type OpenedStore } from '../../server/db/client.ts';
import { DEFAULT_PG_KEY_FILE } from '../../server/trust/keys.ts';
import { defaultKeyFile, readPublicKeyFile, type PublicKeyInfo } from '../../server/trust/keys.ts';
import { verifySealedRun, type SealedRun } from '../../server/trust/sealed.ts';
import { verifyDatabase, type VerifyProblem } from '../../server/trust/verify.ts';
import { parseArgs, type CliIo } from '../main.ts';
import { sql } from 'drizzle-orm';
import { redactUrl } from '../../server/db/client-pg.ts';

const USAGE =
  '用法 / usage: ecoscore verify [--db PATH] [--key KEYFILE] [--json]\n' +
  '              ecoscore verify --run FILE.json [--key KEYFILE] [--json]\n';

/** Tables the database must have to be verified (migrated to 0003_trust). */
const REQUIRED = ['audit_log', 'rule_versions', 'runs', 'run_publications', 'signing_keys', 'data_changes'];

function report(io: CliIo, json: boolean, problems: VerifyProblem[], what: string, note?: string): number {
  const ok = problems.length === 0;
  if (json) io.stdout(JSON.stringify({ ok, problems }, null, 2) + '\n');
  else {
    for (const p of problems) io.stdout(`${p.table} ${p.id} ${p.code} ${p.message}\n`);
    if (note) io.stderr(note + '\n');
    io.stdout(
      ok
        ? `通过 / ok: ${what}\n`
        : `未通过 / FAILED: ${problems.length} 个问题 / problem${problems.length === 1 ? '' : 's'} in ${what}\n`,
    );
  }
  return ok ? 0 : 1;
}

export async function run(args: string[], io: CliIo & { env?: NodeJS.ProcessEnv }): Promise<number> {
  const { positional, flags } = parseArgs(args, ['db', 'key', 'run']);
  const env = io.env ?? process.env;
  if (flags.has('help')) {
    io.stdout(USAGE);
    return 0;
  }
  const unknown = [...flags.keys()].filter((k) => !['db', 'key', 'run', 'json'].includes(k));
  if (
    positional.length ||
    unknown.length ||
    flags.get('db') === true ||
    flags.get('key') === true ||
    flags.get('run') === true
  ) {
    io.stderr(`${unknown.length ? `未知选项 / unknown option --${unknown[0]}\n` : ''}${USAGE}`);
    return 2;
  }
  if (flags.has('run') && flags.has('db')) {
    io.stderr(`--run 与 --db 不能同时使用 / --run and --db cannot be combined\n${USAGE}`);
    return 2;
  }
  const json = flags.has('json');
  const keyArg = flags.get('key') as string | undefined;
  let trusted: PublicKeyInfo | undefined;
  if (keyArg) {
    try {
      trusted = readPublicKeyFile(resolve(io.cwd, keyArg));
    } catch (e) {
      io.stderr(`无法读取密钥 / cannot read the key ${keyArg}: ${(e as Error).message}\n`);
      return 2;
    }
  }

  if (flags.has('run')) {
    const file = resolve(io.cwd, flags.get('run') as string);
    let sealed: SealedRun;
    try {
      sealed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as SealedRun;
    } catch (e) {
      io.stderr(`无法读取封存文件 / cannot read the sealed run ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    const problems = verifySealedRun(sealed, { publicKey: trusted?.publicKey });
    const note = trusted
      ? undefined
      : '注意：未给出 --key，签名按文件自带的公钥检查（只证明一致性） / note: no --key given; the signature was checked with the key inside the file (consistency only)';
    return report(io, json, problems, file, note);
  }

  const dbFlag = flags.get('db') as string | undefined;
  const named =
    dbFlag ?? (env.ECOSCORE_DB && env.ECOSCORE_DB.trim() !== '' ? env.ECOSCORE_DB : './data/ecoscore.db');
  const postgres = isPostgresUrl(named);
  const path = postgres ? named.trim() : resolve(io.cwd, named);
  if (!postgres && !existsSync(path)) {
    io.stderr(`数据库不存在 / no database at ${path}\n`);
    return 2;
  }
  if (!trusted) {
    const keyFile = resolve(
      io.cwd,
      env.ECOSCORE_KEY_FILE?.trim() || (postgres ? DEFAULT_PG_KEY_FILE : defaultKeyFile(path)),
    );
    if (existsSync(keyFile)) {
      try {
        trusted = readPublicKeyFile(keyFile);
      } catch (e) {
        io.stderr(`无法读取密钥 / cannot read the key ${keyFile}: ${(e as Error).message}\n`);
        return 2;
      }
    }
  }
  const shown = postgres ? redactUrl(path) : path;
  let opened: OpenedStore | undefined;
  try {
    opened = await openStore(path, { readonly: true });
    const tables = new Set(
      (opened.sqlite
        ? opened.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
        : (
            (await opened.db.all(
              sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
            )) as { name: string }[]
          ).map((r) => r.name)) as string[],
    );
    const missing = REQUIRED.filter((t) => !tables.has(t));
    if (missing.length) {
      io.stderr(
        `不是（已迁移的）ecoscore 数据库，缺少表 / not a (migrated) ecoscore database; missing tables: ${missing.join(', ')}\n`,
      );
      return 2;
    }
    const result = await verifyDatabase(opened.db, { trusted });
    const note = trusted
      ? undefined
      : '注意：未找到密钥文件，签名按数据库记录的公钥检查 / note: no key file found; signatures were checked with the keys recorded in the database';
    return report(io, json, result.problems, opened.path, note);
  } catch (e) {
    io.stderr(
      `无法读取数据库 / cannot read the database ${opened?.path ?? shown}: ${(e as Error).message}\n`,
    );
    return 2;
  } finally {
    await opened?.close();
  }
}
