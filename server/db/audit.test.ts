import { createHash } from 'node:crypto';
import { canonicalJson } from '../../engine/index.ts';
import { auditRowHash, GENESIS } from '../trust/chain.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { useFreshDb } from './test-fixture.ts';
import { appendAudit, listAudit } from './audit.ts';

const h = useFreshDb({ regions: false });
beforeEach(async () => {
  const rows: [string, string, string, string, string][] = [
    ['2025-01-01T08:00:00.000Z', 'alice', 'version.create', 'version', '1'],
    ['2025-01-02T08:00:00.000Z', 'alice', 'version.update', 'version', '1'],
    ['2025-01-31T23:00:00.000Z', 'bob', 'dataset.import', 'dataset', '2024'],
    ['2025-02-01T00:00:00.000Z', 'bob', 'run.create', 'run', '1'],
    ['2025-02-02T00:00:00.000Z', 'carol', 'version.publish', 'version', '1'],
  ];
  for (const [at, user, action, entity, entityId] of rows)
    await appendAudit(h.db, {
      at,
      user,
      action,
      entity,
      entityId,
      beforeHash: 'b',
      afterHash: 'a',
      detail: { n: 1 },
    });
});

describe('listAudit', () => {
  it('returns entries newest first with the total', async () => {
    const { entries, total } = await listAudit(h.db);
    expect(total).toBe(5);
    expect(entries.map((e) => e.action)).toEqual([
      'version.publish',
      'run.create',
      'dataset.import',
      'version.update',
      'version.create',
    ]);
    expect(entries[0]).toEqual({
      id: 5,
      at: '2025-02-02T00:00:00.000Z',
      user: 'carol',
      action: 'version.publish',
      entity: 'version',
      entityId: '1',
      beforeHash: 'b',
      afterHash: 'a',
      detail: { n: 1 },
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      displayName: null,
    });
  });

  it('chains every row to the one before: SHA-256(previous hash + canonical JSON of the row)', async () => {
    const rows = (await listAudit(h.db, { limit: 1000 })).entries.sort((a, b) => a.id - b.id);
    let previous = GENESIS;
    rows.forEach((r, i) => {
      expect(r.id).toBe(i + 1);
      const { hash, displayName: _d, ...row } = r;
      expect(hash).toBe(auditRowHash(previous, row));
      previous = hash!;
    });
    // The row's own canonical JSON, independently: the detail's keys sorted.
    const first = rows[0];
    const text = `{"action":"${first.action}","afterHash":${JSON.stringify(first.afterHash)},"at":"${first.at}","beforeHash":${JSON.stringify(first.beforeHash)},"detail":${canonicalJson(first.detail)},"entity":"${first.entity}","entityId":"${first.entityId}","id":1,"user":"${first.user}"}`;
    expect(first.hash).toBe(
      createHash('sha256')
        .update(GENESIS + text)
        .digest('hex'),
    );
  });

  it('filters by entity, entity id, action, user and dates (a date alone covers the whole day)', async () => {
    expect((await listAudit(h.db, { entity: 'version' })).total).toBe(3);
    expect((await listAudit(h.db, { entity: 'dataset', entityId: 2024 })).total).toBe(1);
    expect((await listAudit(h.db, { action: 'run.create' })).entries.map((e) => e.user)).toEqual(['bob']);
    expect((await listAudit(h.db, { user: 'alice' })).total).toBe(2);
    expect(
      (await listAudit(h.db, { from: '2025-01-02', to: '2025-01-31' })).entries.map((e) => e.action),
    ).toEqual(['dataset.import', 'version.update']);
    expect((await listAudit(h.db, { from: '2025-02-01T00:00:00.000Z' })).total).toBe(2);
    expect((await listAudit(h.db, { user: 'alice', entity: 'dataset' })).total).toBe(0);
  });

  it('pages with limit and offset, total unaffected', async () => {
    const page = await listAudit(h.db, { limit: 2, offset: 2 });
    expect(page.total).toBe(5);
    expect(page.entries.map((e) => e.id)).toEqual([3, 2]);
    expect((await listAudit(h.db, { limit: 2, offset: 4 })).entries.map((e) => e.id)).toEqual([1]);
    expect(await listAudit(h.db, { limit: 0 })).toEqual({ entries: [], total: 5 });
  });
});
