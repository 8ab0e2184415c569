import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from './audit.ts';
import type { OpenedDatabase } from './client.ts';
import { ConflictError, ImmutableError, NotFoundError, ValidationError } from './errors.ts';
import { demoDocument, freshDb, publishApproved } from './test-fixture.ts';
import {
  createDraft,
  deleteDraft,
  getEffectiveVersion,
  getVersion,
  listFamilies,
  listVersions,
  approveVersion,
  requestPublication,
  retireVersion,
  updateDraft,
  validateVersion,
} from './versions.ts';
import { contentHash } from '../../engine/index.ts';

let h: OpenedDatabase;
beforeEach(() => {
  h = freshDb({ regions: false });
});
afterEach(() => h.close());

describe('createDraft', () => {
  it('creates a blank draft for a family and year, version 1, revision 1, audited', () => {
    const v = createDraft(h.db, { family: 'demo', year: 2026 }, 'alice');
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
    const audit = listAudit(h.db, { entity: 'version' }).entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'version.create',
      user: 'alice',
      entityId: String(v.id),
      beforeHash: null,
      afterHash: v.contentHash,
    });
  });

  it('creates a draft from a document, taking family and year from it', () => {
    const v = createDraft(h.db, { document: demoDocument(2024) }, 'alice');
    expect(v).toMatchObject({ family: 'demo', year: 2024, status: 'draft' });
    expect(v.document).toEqual(demoDocument(2024));
  });

  it('copies an existing version for another year: year rewritten, tests kept, parent recorded', () => {
    const a = createDraft(h.db, { document: demoDocument(2024) }, 'alice');
    const pub = publishApproved(h.db, a.id);
    const b = createDraft(h.db, { from: pub.id, year: 2025 }, 'bob');
    expect(b).toMatchObject({ year: 2025, version: 2, parentId: a.id, status: 'draft' });
    expect(b.document.year).toBe(2025);
    expect(b.document.tests).toEqual(demoDocument().tests);
    expect(b.document.inputs).toEqual(demoDocument().inputs);
    expect(getVersion(h.db, a.id).year).toBe(2024);
  });

  it('refuses documents that cannot be stored, naming the field', () => {
    expect(() => createDraft(h.db, { document: [] }, 'a')).toThrow(ValidationError);
    try {
      createDraft(h.db, { document: { family: 'Bad Family', year: 'x' } }, 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors.map((p) => p.path).sort()).toEqual(['/family', '/year']);
    }
    expect(() => createDraft(h.db, { family: 'demo' }, 'a')).toThrow(ValidationError);
    expect(() => createDraft(h.db, { from: 999 }, 'a')).toThrow(NotFoundError);
    expect(listVersions(h.db)).toEqual([]);
    expect(listAudit(h.db).total).toBe(0);
  });

  it('refuses a document over 1 MiB', () => {
    const doc = { ...demoDocument(), basis: 'x'.repeat(1024 * 1024) };
    try {
      createDraft(h.db, { document: doc }, 'a');
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).errors).toMatchObject([{ path: '', code: 'document_too_large' }]);
    }
  });
});

describe('version numbers', () => {
  it('only grow per family, even after a draft is deleted', () => {
    const a = createDraft(h.db, { document: demoDocument(2024) }, 'a');
    const b = createDraft(h.db, { document: demoDocument(2025) }, 'a');
    expect([a.version, b.version]).toEqual([1, 2]);
    deleteDraft(h.db, b.id, 'a');
    const c = createDraft(h.db, { document: demoDocument(2025) }, 'a');
    expect(c.version).toBe(3);
    const other = createDraft(h.db, { document: demoDocument(2024, 'other') }, 'a');
    expect(other.version).toBe(1);
  });
});

describe('updateDraft', () => {
  it('replaces the document and increments the revision', () => {
    const v = createDraft(h.db, { document: demoDocument() }, 'alice');
    const doc = { ...v.document, title: { zh: '改过的标题' } };
    const u = updateDraft(h.db, v.id, doc, 1, 'bob');
    expect(u.revision).toBe(2);
    expect(u.title).toEqual({ zh: '改过的标题' });
    expect(u.updatedBy).toBe('bob');
    expect(u.contentHash).toBe(contentHash(doc));
    const [entry] = listAudit(h.db, { action: 'version.update' }).entries;
    expect(entry).toMatchObject({ user: 'bob', beforeHash: v.contentHash, afterHash: u.contentHash });
  });

  it('refuses a stale revision with the current version and writes nothing', () => {
    const v = createDraft(h.db, { document: demoDocument() }, 'alice');
    const first = updateDraft(h.db, v.id, { ...v.document, maxScore: 10, basis: 'first' }, 1, 'alice');
    const auditBefore = listAudit(h.db).total;
    try {
      updateDraft(h.db, v.id, { ...v.document, basis: 'second' }, 1, 'bob');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      const c = e as ConflictError<typeof first>;
      expect(c.code).toBe('stale_revision');
      expect(c.status).toBe(409);
      expect(c.current).toEqual(first);
    }
    expect(getVersion(h.db, v.id)).toEqual(first);
    expect(listAudit(h.db).total).toBe(auditBefore);
  });

  it('may change the year but not the family', () => {
    const v = createDraft(h.db, { document: demoDocument(2024) }, 'a');
    expect(updateDraft(h.db, v.id, demoDocument(2026), 1, 'a').year).toBe(2026);
    expect(() => updateDraft(h.db, v.id, demoDocument(2026, 'other'), 2, 'a')).toThrow(ValidationError);
  });

  it('refuses to change a published version', () => {
    const v = createDraft(h.db, { document: demoDocument() }, 'a');
    publishApproved(h.db, v.id);
    try {
      updateDraft(h.db, v.id, demoDocument(), 1, 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).code).toBe('not_draft');
    }
  });
});

describe('publishing (four eyes)', () => {
  it('publishes a valid draft recording who, when, hash, 文号 and effective date', () => {
    const v = createDraft(h.db, { document: demoDocument() }, 'alice');
    const p = publishApproved(h.db, v.id, {
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
    const [entry] = listAudit(h.db, { action: 'version.publish' }).entries;
    expect(entry).toMatchObject({ user: 'carol', entityId: String(v.id), afterHash: v.contentHash });
    expect(entry.detail).toMatchObject({ docNumber: '吉环发〔2025〕12号', effectiveDate: '2025-03-01' });
  });

  it('refuses an invalid document with every problem, leaving the draft a draft', () => {
    const doc = demoDocument();
    doc.categories[0].maxPoints = 11; // points_mismatch
    (doc.categories[0].items[0].logic as Record<string, unknown>) = { log: [1] }; // unknown operation
    const v = createDraft(h.db, { document: doc }, 'a');
    try {
      requestPublication(h.db, v.id, {}, 'a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const err = e as ValidationError;
      expect(err.code).toBe('invalid_document');
      expect(err.errors.length).toBeGreaterThanOrEqual(2);
      expect(err.errors.map((p) => p.path)).toContain('/categories/0/items/0/logic');
    }
    expect(getVersion(h.db, v.id).status).toBe('draft');
    expect(validateVersion(h.db, v.id).valid).toBe(false);
  });

  it('refuses a document whose own tests fail', () => {
    const doc = demoDocument();
    doc.tests = [{ name: 'wrong', inputs: { pm25: 30, pm25_target: 34, projects: 4 }, expect: { total: 3 } }];
    const v = createDraft(h.db, { document: doc }, 'a');
    expect(() => requestPublication(h.db, v.id, {}, 'a')).toThrow(ValidationError);
    expect(getVersion(h.db, v.id)).toMatchObject({ status: 'draft', pending: false });
  });

  it('refuses bad publish options and a stale expected revision', () => {
    const v = createDraft(h.db, { document: demoDocument() }, 'a');
    requestPublication(h.db, v.id, {}, 'a');
    const ok = { docNumber: '吉环考〔2026〕3号', effectiveDate: '2026-01-01' };
    expect(() => approveVersion(h.db, v.id, { ...ok, effectiveDate: '2025-02-30' }, 'b')).toThrow(
      ValidationError,
    );
    expect(() => approveVersion(h.db, v.id, { ...ok, expectedRevision: 7 }, 'b')).toThrow(ConflictError);
    expect(getVersion(h.db, v.id).status).toBe('draft');
  });

  it('retires the previously published version of the same family and year', () => {
    const a = publishApproved(h.db, createDraft(h.db, { document: demoDocument() }, 'a').id);
    const b = createDraft(h.db, { from: a.id }, 'a');
    updateDraft(h.db, b.id, { ...b.document, basis: '更正' }, b.revision, 'a');
    const pb = publishApproved(h.db, b.id, { approver: 'x' });
    expect(getEffectiveVersion(h.db, 'demo', 2024)?.id).toBe(pb.id);
    const old = getVersion(h.db, a.id);
    expect(old).toMatchObject({ status: 'retired', retiredBy: 'x', effective: false });
    expect(old.document).toEqual(a.document);
    expect(listVersions(h.db, { status: 'published' }).map((v) => v.id)).toEqual([b.id]);
    const actions = listAudit(h.db).entries.map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['version.publish', 'version.retire']);
  });
});

describe('retire and delete', () => {
  it('retires a published version; a draft cannot be retired', () => {
    const d = createDraft(h.db, { document: demoDocument() }, 'a');
    expect(() => retireVersion(h.db, d.id, 'a')).toThrow(ConflictError);
    publishApproved(h.db, d.id);
    const r = retireVersion(h.db, d.id, 'b');
    expect(r).toMatchObject({ status: 'retired', retiredBy: 'b' });
    expect(getEffectiveVersion(h.db, 'demo', 2024)).toBeUndefined();
    expect(() => retireVersion(h.db, d.id, 'b')).toThrow(ConflictError);
  });

  it('deletes drafts only', () => {
    const d = createDraft(h.db, { document: demoDocument() }, 'a');
    const copy = createDraft(h.db, { from: d.id }, 'a');
    deleteDraft(h.db, d.id, 'a');
    expect(() => getVersion(h.db, d.id)).toThrow(NotFoundError);
    expect(getVersion(h.db, copy.id).parentId).toBeNull();
    publishApproved(h.db, copy.id);
    expect(() => deleteDraft(h.db, copy.id, 'a')).toThrow(ImmutableError);
    expect(getVersion(h.db, copy.id).status).toBe('published');
    expect(listAudit(h.db, { action: 'version.delete' }).total).toBe(1);
  });
});

describe('listing', () => {
  it('lists families with their versions, filters versions', () => {
    createDraft(h.db, { document: demoDocument(2024) }, 'a');
    createDraft(h.db, { document: demoDocument(2025) }, 'a');
    createDraft(h.db, { document: demoDocument(2024, 'zz') }, 'a');
    const fams = listFamilies(h.db);
    expect(fams.map((f) => [f.family, f.versions.length])).toEqual([
      ['demo', 2],
      ['zz', 1],
    ]);
    expect(fams[0].title.zh).toBe('2025年度演示细则');
    expect(listVersions(h.db, { year: 2024 }).map((v) => v.family)).toEqual(['demo', 'zz']);
    expect(listVersions(h.db, { family: 'demo', status: 'published' })).toEqual([]);
  });
});
