import { existsSync, linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.ts';
import { getDataset } from '../../server/db/datasets.ts';
import { listVersions } from '../../server/db/versions.ts';
import { seedIfEmpty } from '../../server/seed.ts';
import { run } from './backup.ts';

const dir = mkdtempSync(join(tmpdir(), 'ecoscore-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t), cwd: dir, env },
  };
}

describe('ecoscore backup', () => {
  it('writes a consistent, self-contained copy of a live database (open, with uncheckpointed WAL)', async () => {
    const live = openDatabase(join(dir, 'live.db'));
    try {
      await seedIfEmpty(live.db);
      const { out, io: cli } = io({ ECOSCORE_DB: join(dir, 'live.db') });
      expect(await run(['copy.db'], cli)).toBe(0);
      expect(out.stdout).toMatch(/copy\.db/);
      expect(existsSync(join(dir, 'copy.db-wal'))).toBe(false);
      const copy = openDatabase(join(dir, 'copy.db'));
      try {
        expect(copy.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(await listVersions(copy.db)).toEqual(await listVersions(live.db));
        expect(await getDataset(copy.db, 2024)).toEqual(await getDataset(live.db, 2024));
      } finally {
        copy.close();
      }
    } finally {
      live.close();
    }
  });

  it('takes --db, refuses to overwrite without --force', async () => {
    const { io: cli, out } = io();
    expect(await run(['copy2.db', '--db', 'live.db'], cli)).toBe(0);
    expect(await run(['copy2.db', '--db', 'live.db'], cli)).toBe(2);
    expect(out.stderr).toMatch(/--force/);
    expect(await run(['copy2.db', '--db=live.db', '--force'], cli)).toBe(0);
  });

  it('exits 2 for usage errors and a missing database', async () => {
    const a = io();
    expect(await run([], a.io)).toBe(2);
    expect(await run(['x.db', '--what'], a.io)).toBe(2);
    expect(await run(['x.db', '--db', 'missing.db'], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/missing\.db/);
    expect(await run(['live.db', '--db', 'live.db'], a.io)).toBe(2);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });

  it('exits 1 when the source is not a database', async () => {
    writeFileSync(join(dir, 'junk.db'), 'this is not sqlite'.repeat(100));
    const a = io();
    expect(await run(['out.db', '--db', 'junk.db'], a.io)).toBe(1);
    expect(a.out.stderr).toMatch(/备份失败|backup failed/);
    expect(existsSync(join(dir, 'out.db'))).toBe(false);
  });

  it('refuses, even with --force, a target that is the live file by a link or another spelling', async () => {
    const livePath = join(dir, 'guarded.db');
    const live = openDatabase(livePath);
    try {
      await seedIfEmpty(live.db);
      const before = await listVersions(live.db);
      symlinkSync(livePath, join(dir, 'sym.db'));
      linkSync(livePath, join(dir, 'hard.db'));
      symlinkSync(`${livePath}-wal`, join(dir, 'wal-link.db'));
      const { io: cli, out } = io({ ECOSCORE_DB: livePath });
      for (const target of [
        'sym.db',
        'hard.db',
        'wal-link.db',
        './guarded.db',
        `../${dir.split('/').pop()}/guarded.db`,
      ]) {
        expect(await run([target, '--force'], cli), target).toBe(2);
      }
      expect(out.stderr).toMatch(/live database or a link to it/);
      expect(live.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(await listVersions(live.db)).toEqual(before);
    } finally {
      live.close();
    }
  });
});
