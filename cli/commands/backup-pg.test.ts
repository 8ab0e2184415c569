/**
 * `ecoscore backup` and `verify` on PostgreSQL, on a throwaway server (pg-cluster.ts; skipped with a
 * message when PostgreSQL is not installed): verify passes on a seeded database given as a
 * `postgres://` URL and names the broken row after a tampering; backup writes a pg_dump archive that
 * restores into a new database which verifies too. A PGlite URL gets a clear refusal.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../server/db/client.ts';
import { findPgBin, startPgCluster, type PgCluster } from '../../server/db/pg-cluster.ts';
import { seedIfEmpty } from '../../server/seed.ts';
import { signerFor } from '../../server/trust/keys.ts';
import { run as backup } from './backup.ts';
import { run as verify } from './verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-pgbackup-'));
const keyFile = join(dir, 'signing.key');
const cluster: PgCluster | { skip: string } = await startPgCluster();
if ('skip' in cluster) console.warn(`backup/verify on PostgreSQL skipped: ${cluster.skip}`);
afterAll(() => {
  if (!('skip' in cluster)) cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(env: NodeJS.ProcessEnv) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t), cwd: dir, env },
  };
}

const dbUrl = (name: string) => (cluster as PgCluster).url.replace(/\/[^/]*$/, `/${name}`);

describe('ecoscore backup and verify on a PostgreSQL server', () => {
  beforeAll(async () => {
    if ('skip' in cluster) return;
    const s = await openStore((cluster as PgCluster).url);
    try {
      await seedIfEmpty(s.db);
      // The signing key in a file of our own (as ECOSCORE_KEY_FILE names it for the server).
      writeFileSync(
        join(dir, 'key.json'),
        JSON.stringify(signerFor(s.db, { ECOSCORE_KEY_FILE: keyFile }).info),
      );
    } finally {
      await s.close();
    }
  }, 300_000);
  beforeEach(({ skip }) => {
    if ('skip' in cluster) skip(cluster.skip);
  });

  it('verify passes on the untouched database', async () => {
    const { out, io } = cli({ ECOSCORE_DB: (cluster as PgCluster).url });
    expect(await verify(['--key', 'key.json'], io), out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toMatch(/通过 \/ ok: postgres:\/\//);
  });

  it('backup writes a pg_dump archive that restores into a new database, which verifies', async () => {
    const { out, io } = cli({ ECOSCORE_DB: (cluster as PgCluster).url });
    expect(await backup(['ecoscore.dump'], io), out.stderr).toBe(0);
    expect(out.stdout).toMatch(/pg_dump custom format/);
    expect(existsSync(join(dir, 'ecoscore.dump'))).toBe(true);
    // A second backup onto the same file needs --force.
    const again = cli({ ECOSCORE_DB: (cluster as PgCluster).url });
    expect(await backup(['ecoscore.dump'], again.io)).toBe(2);
    expect(again.out.stderr).toMatch(/--force/);

    const admin = await openStore((cluster as PgCluster).url, { readonly: true });
    try {
      await admin.db.run(sql`CREATE DATABASE restored`);
    } finally {
      await admin.close();
    }
    const restore = spawnSync(
      findPgBin('pg_restore')!,
      ['--no-owner', `--dbname=${dbUrl('restored')}`, join(dir, 'ecoscore.dump')],
      { encoding: 'utf8' },
    );
    expect(restore.status, restore.stderr).toBe(0);
    const v = cli({});
    expect(
      await verify(['--db', dbUrl('restored'), '--key', 'key.json'], v.io),
      v.out.stderr + v.out.stdout,
    ).toBe(0);
  });

  it('verify names a tampered audit row', async () => {
    const s = await openStore((cluster as PgCluster).url);
    try {
      await s.db.run(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await s.db.run(
        sql`UPDATE audit_log SET entity_id = 'forged' WHERE id = (SELECT min(id) + 1 FROM audit_log)`,
      );
    } finally {
      await s.close();
    }
    const { out, io } = cli({ ECOSCORE_DB: (cluster as PgCluster).url });
    expect(await verify(['--key', 'key.json', '--json'], io)).toBe(1);
    const report = JSON.parse(out.stdout) as { ok: boolean; problems: { table: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.table)).toContain('audit_log');
  });

  it('a database that is not migrated is refused with exit 2', async () => {
    const { out, io } = cli({});
    expect(await verify(['--db', dbUrl('postgres').replace(/\/postgres$/, '/template1')], io)).toBe(2);
    expect(out.stderr).toMatch(/missing tables/);
  });
});

describe('ecoscore backup of PGlite', () => {
  it('is refused with a clear message', async () => {
    const { out, io } = cli({ ECOSCORE_DB: 'pglite:' + join(dir, 'lite') });
    expect(await backup(['lite.dump'], io)).toBe(2);
    expect(out.stderr).toMatch(/PGlite/);
  });
});
