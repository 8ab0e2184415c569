import { describe, expect, it } from 'vitest';
import { listAudit } from './audit.ts';
import { ConflictError, ImmutableError, NotFoundError, ValidationError } from './errors.ts';
import { demoDocument, publishApproved, useFreshDb } from './test-fixture.ts';
import {
  createDraft,
  deleteDraft,
  getEffectiveVersion,
  getVersion,
  listFamilies,
  listVersions,
  retireVersion,
  updateDraft,
  validateVersion,
} from './versions.ts';
import { approveVersion, requestPublication } from './version-publication.ts';
import { contentHash } from '../../engine/index.ts';

const h = useFreshDb({ regions: false });

describe('createDraft', () => {
  it('creates a blank draft for a family and year, version 1, revision 1, audited', async () => {
    const v = await createDraft(h.db, { family: 'demo', year: 2026 }, 'alice');
    expect(v).toMatchObject({
      family: 'demo',
      year: 2026,
      version: 1,
      status: 'draft',
      revision: 1,
      parentId: null,
      createdBy: 'alice',
      effective: false,
    });
    expect(v.document.family).toBe('demo');
    expect(v.document.year).toBe(2026);
    expect(v.contentHash).toBe(contentHash(v.document));
    const audit = (await listAudit(h.db, { entity: 'version' })).entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'version.create',
      user: 'alice',
      entityId: String(v.id),
      beforeHash: null,
      afterHash: v.contentHash,
    });
  });

  it('creates a draft from a document, taking family and year from it', async () => {
    const v = await createDraft(h.db, { document: demoDocument(2024) }, 'alice');
    expect(v).toMatchObject({ family: 'demo', year: 2024, status: 'draft' });
    expect(v.document).toEqual(demoDocument(2024));
  });

  it('copies an existing version for another year: year rewritten, tests kept, parent recorded', async () => {
    const a = await createDraft(h.db, { document: demoDocument(2024) }, 'alice');
    const pub = await publishApproved(h.db, a.id);
    const b = await createDraft(h.db, { from: pub.id, year: 2025 }, 'bob');
    expect(b).toMatchObject({ year: 2025, version: 2, parentId: a.id, status: 'draft' });
    expect(b.document.year).toBe(2025);
    expect(b.document.tests).toEqual(demoDocument().tests);
    expect(b.document.inputs).toEqual(demoDocument().inputs);
    expect((await getVersion(h.db, a.id)).year).toBe(2024);
  });

  it('refuses documents that cannot be stored, naming the field', async () => {
    await expect(async () => await createDraft(h.db, { document: [] }, 'a')).rejects.toThrow(ValidationError);
    try {
      await createDraft(h.db, { document: { family: 'Bad Family', year: 'x' } }, 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors.map((p) => p.path).sort()).toEqual(['/family', '/year']);
    }
    await expect(async () => await createDraft(h.db, { family: 'demo' }, 'a')).rejects.toThrow(
      ValidationError,
    );
    await expect(async () => await createDraft(h.db, { from: 999 }, 'a')).rejects.toThrow(NotFoundError);
    expect(await listVersions(h.db)).toEqual([]);
    expect((await listAudit(h.db)).total).toBe(0);
  });

  it('refuses a document over 1 MiB', async () => {
    const doc = { ...demoDocument(), basis: 'x'.repeat(1024 * 1024) };
    try {
      await createDraft(h.db, { document: doc }, 'a');
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).errors).toMatchObject([{ path: '', code: 'document_too_large' }]);
    }
  });
});

describe('version numbers', () => {
  it('only grow per family, even after a draft is deleted', async () => {
    const a = await createDraft(h.db, { document: demoDocument(2024) }, 'a');
    const b = await createDraft(h.db, { document: demoDocument(2025) }, 'a');
    expect([a.version, b.version]).toEqual([1, 2]);
    await deleteDraft(h.db, b.id, 'a');
    const c = await createDraft(h.db, { document: demoDocument(2025) }, 'a');
    expect(c.version).toBe(3);
    const other = await createDraft(h.db, { document: demoDocument(2024, 'other') }, 'a');
    expect(other.version).toBe(1);
  });
});

describe('updateDraft', () => {
  it('replaces the document and increments the revision', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'alice');
    const doc = { ...v.document, title: { zh: '改过的标题' } };
    const u = await updateDraft(h.db, v.id, doc, 1, 'bob');
    expect(u.revision).toBe(2);
    expect(u.title).toEqual({ zh: '改过的标题' });
    expect(u.updatedBy).toBe('bob');
    expect(u.contentHash).toBe(contentHash(doc));
    const [entry] = (await listAudit(h.db, { action: 'version.update' })).entries;
    expect(entry).toMatchObject({ user: 'bob', beforeHash: v.contentHash, afterHash: u.contentHash });
  });

  it('refuses a stale revision with the current version and writes nothing', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'alice');
    const first = await updateDraft(h.db, v.id, { ...v.document, maxScore: 10, basis: 'first' }, 1, 'alice');
    const auditBefore = (await listAudit(h.db)).total;
    try {
      await updateDraft(h.db, v.id, { ...v.document, basis: 'second' }, 1, 'bob');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      const c = e as ConflictError<typeof first>;
      expect(c.code).toBe('stale_revision');
      expect(c.status).toBe(409);
      expect(c.current).toEqual(first);
    }
    expect(await getVersion(h.db, v.id)).toEqual(first);
    expect((await listAudit(h.db)).total).toBe(auditBefore);
  });

  it('may change the year but not the family', async () => {
    const v = await createDraft(h.db, { document: demoDocument(2024) }, 'a');
    expect((await updateDraft(h.db, v.id, demoDocument(2026), 1, 'a')).year).toBe(2026);
    await expect(
      async () => await updateDraft(h.db, v.id, demoDocument(2026, 'other'), 2, 'a'),
    ).rejects.toThrow(ValidationError);
  });

  it('refuses to change a published version', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    await publishApproved(h.db, v.id);
    try {
      await updateDraft(h.db, v.id, demoDocument(), 1, 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).code).toBe('not_draft');
    }
  });
});

describe('publishing (four eyes)', () => {
  it('publishes a valid draft recording who, when, hash, 文号 and effective date', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'alice');
    const p = await publishApproved(h.db, v.id, {
      requester: 'alice',
      approver: 'carol',
      docNumber: '吉环发〔2025〕12号',
      effectiveDate: '2025-03-01',
    });
    expect(p).toMatchObject({
      status: 'published',
      publishedBy: 'carol',
      requestedBy: 'alice',
      fourEyes: true,
      docNumber: '吉环发〔2025〕12号',
      effectiveDate: '2025-03-01',
      effective: true,
      contentHash: v.contentHash,
    });
    expect(p.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const [entry] = (await listAudit(h.db, { action: 'version.publish' })).entries;
    expect(entry).toMatchObject({ user: 'carol', entityId: String(v.id), afterHash: v.contentHash });
    expect(entry.detail).toMatchObject({ docNumber: '吉环发〔2025〕12号', effectiveDate: '2025-03-01' });
  });

  it('refuses an invalid document with every problem, leaving the draft a draft', async () => {
    const doc = demoDocument();
    doc.categories[0].maxPoints = 11; // points_mismatch
    (doc.categories[0].items[0].logic as Record<string, unknown>) = { log: [1] }; // unknown operation
    const v = await createDraft(h.db, { document: doc }, 'a');
    try {
      await requestPublication(h.db, v.id, {}, 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const err = e as ValidationError;
      expect(err.code).toBe('invalid_document');
      expect(err.errors.length).toBeGreaterThanOrEqual(2);
      expect(err.errors.map((p) => p.path)).toContain('/categories/0/items/0/logic');
    }
    expect((await getVersion(h.db, v.id)).status).toBe('draft');
    expect((await validateVersion(h.db, v.id)).valid).toBe(false);
  });

  it('refuses a document whose own tests fail', async () => {
    const doc = demoDocument();
    doc.tests = [{ name: 'wrong', inputs: { pm25: 30, pm25_target: 34, projects: 4 }, expect: { total: 3 } }];
    const v = await createDraft(h.db, { document: doc }, 'a');
    await expect(async () => await requestPublication(h.db, v.id, {}, 'a')).rejects.toThrow(ValidationError);
    expect(await getVersion(h.db, v.id)).toMatchObject({ status: 'draft', pending: false });
  });

  it('refuses bad publish options and a stale expected revision', async () => {
    const v = await createDraft(h.db, { document: demoDocument() }, 'a');
    await requestPublication(h.db, v.id, {}, 'a');
    const ok = { docNumber: '吉环考〔2026〕3号', effectiveDate: '2026-01-01' };
    await expect(
      async () => await approveVersion(h.db, v.id, { ...ok, effectiveDate: '2025-02-30' }, 'b'),
    ).rejects.toThrow(ValidationError);
    await expect(
      async () => await approveVersion(h.db, v.id, { ...ok, expectedRevision: 7 }, 'b'),
    ).rejects.toThrow(ConflictError);
    expect((await getVersion(h.db, v.id)).status).toBe('draft');
  });

  it('retires the previously published version of the same family and year', async () => {
    const a = await publishApproved(h.db, (await createDraft(h.db, { document: demoDocument() }, 'a')).id);
    const b = await createDraft(h.db, { from: a.id }, 'a');
    await updateDraft(h.db, b.id, { ...b.document, basis: '更正' }, b.revision, 'a');
    const pb = await publishApproved(h.db, b.id, { approver: 'x' });
    expect((await getEffectiveVersion(h.db, 'demo', 2024))?.id).toBe(pb.id);
    const old = await getVersion(h.db, a.id);
    expect(old).toMatchObject({ status: 'retired', retiredBy: 'x', effective: false });
    expect(old.document).toEqual(a.document);
    expect((await listVersions(h.db, { status: 'published' })).map((v) => v.id)).toEqual([b.id]);
    const actions = (await listAudit(h.db)).entries.map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['version.publish', 'version.retire']);
  });
});

describe('retire and delete', () => {
  it('retires a published version; a draft cannot be retired', async () => {
    const d = await createDraft(h.db, { document: demoDocument() }, 'a');
    await expect(async () => await retireVersion(h.db, d.id, 'a')).rejects.toThrow(ConflictError);
    await publishApproved(h.db, d.id);
    const r = await retireVersion(h.db, d.id, 'b');
    expect(r).toMatchObject({ status: 'retired', retiredBy: 'b' });
    expect(await getEffectiveVersion(h.db, 'demo', 2024)).toBeUndefined();
    await expect(async () => await retireVersion(h.db, d.id, 'b')).rejects.toThrow(ConflictError);
  });

  it('deletes drafts only', async () => {
    const d = await createDraft(h.db, { document: demoDocument() }, 'a');
    const copy = await createDraft(h.db, { from: d.id }, 'a');
    await deleteDraft(h.db, d.id, 'a');
    await expect(async () => await getVersion(h.db, d.id)).rejects.toThrow(NotFoundError);
    expect((await getVersion(h.db, copy.id)).parentId).toBeNull();
    await publishApproved(h.db, copy.id);
    await expect(async () => await deleteDraft(h.db, copy.id, 'a')).rejects.toThrow(ImmutableError);
    expect((await getVersion(h.db, copy.id)).status).toBe('published');
    expect((await listAudit(h.db, { action: 'version.delete' })).total).toBe(1);
  });
});

describe('listing', () => {
  it('lists families with their versions, filters versions', async () => {
    await createDraft(h.db, { document: demoDocument(2024) }, 'a');
    await createDraft(h.db, { document: demoDocument(2025) }, 'a');
    await createDraft(h.db, { document: demoDocument(2024, 'zz') }, 'a');
    const fams = await listFamilies(h.db);
    expect(fams.map((f) => [f.family, f.versions.length])).toEqual([
      ['demo', 2],
      ['zz', 1],
    ]);
    expect(fams[0].title.zh).toBe('2025年度演示细则');
    expect((await listVersions(h.db, { year: 2024 })).map((v) => v.family)).toEqual(['demo', 'zz']);
    expect(await listVersions(h.db, { family: 'demo', status: 'published' })).toEqual([]);
  });
});
