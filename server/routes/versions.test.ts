import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { listAudit } from '../db/audit.ts';
import { useFixture, sampleDocument, schemaProblems } from './test-helpers.ts';
import { parseIfMatch } from './versions.ts';
import { verifySignature } from '../trust/keys.ts';

describe('rule version routes', () => {
  const f = useFixture();

  it('lists families and versions, filtered', async () => {
    const rev = f.as('reviewer');
    const fam = await rev.json('GET', '/api/families');
    expect(fam.status).toBe(200);
    expect(fam.body.families).toHaveLength(1);
    expect(fam.body.families[0].versions.map((v: { year: number }) => v.year).sort()).toEqual([
      2023, 2024, 2025,
    ]);
    expect(schemaProblems(f.app, 'GET', '/api/families', 200, fam.body)).toEqual([]);

    const published = await rev.json('GET', '/api/versions?status=published');
    expect(published.body.versions.map((v: { year: number }) => v.year).sort()).toEqual([2023, 2024]);
    const y2025 = await rev.json('GET', '/api/versions?family=jilin-eco-target&year=2025');
    expect(y2025.body.versions).toHaveLength(1);
    expect(y2025.body.versions[0]).not.toHaveProperty('document');
    expect(schemaProblems(f.app, 'GET', '/api/versions', 200, y2025.body)).toEqual([]);
  });

  it('reads a version with its document and an ETag; 404 for an unknown id', async () => {
    const r = await f.as('reviewer').json('GET', `/api/versions/${f.draft2025.id}`);
    expect(r.status).toBe(200);
    expect(r.res.headers.get('etag')).toBe(`"${r.body.revision}"`);
    expect(r.body.document.year).toBe(2025);
    expect(schemaProblems(f.app, 'GET', '/api/versions/{id}', 200, r.body)).toEqual([]);
    const missing = await f.as('reviewer').json('GET', '/api/versions/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('creates drafts: blank, from an earlier version for a new year, or from a document', async () => {
    const ed = f.as('editor');
    const blank = await ed.json('POST', '/api/versions', { family: 'test-family', year: 2026 });
    expect(blank.status).toBe(201);
    expect(blank.body).toMatchObject({
      family: 'test-family',
      year: 2026,
      status: 'draft',
      revision: 1,
      version: 1,
    });
    expect(schemaProblems(f.app, 'POST', '/api/versions', 201, blank.body)).toEqual([]);

    const next = await ed.json('POST', '/api/versions', { from: f.published[2024].id, year: 2026 });
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({
      family: 'jilin-eco-target',
      year: 2026,
      parentId: f.published[2024].id,
      status: 'draft',
    });
    expect(next.body.document.year).toBe(2026);

    const doc = { ...sampleDocument(2024), family: 'uploaded' };
    const uploaded = await ed.json('POST', '/api/versions', { document: doc });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.family).toBe('uploaded');

    expect((await ed.json('POST', '/api/versions', { from: 999 })).status).toBe(404);
    const noYear = await ed.json('POST', '/api/versions', { family: 'x' });
    expect(noYear.status).toBe(422);
    expect(noYear.body.errors[0]).toMatchObject({ path: '/year' });
    const badDoc = await ed.json('POST', '/api/versions', {
      document: { ...doc, maxScore: 'lots', inputs: [{ key: 'Bad' }] },
    });
    expect(badDoc.status).toBe(422);
    expect(badDoc.body.code).toBe('invalid_body');
    const paths = badDoc.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('/document/maxScore');
    expect(paths.some((p: string) => p.startsWith('/document/inputs/0'))).toBe(true);
  });

  it('updates a draft only with the current revision (If-Match), 409 with the current version when stale', async () => {
    const ed = f.as('editor');
    const created = await ed.json('POST', '/api/versions', { from: f.published[2024].id, year: 2027 });
    const id = created.body.id;
    const doc = created.body.document;
    doc.title = { zh: '2027年度考核细则（修订）' };

    const noIfMatch = await ed.json('PUT', `/api/versions/${id}`, { document: doc });
    expect(noIfMatch.status).toBe(428);
    expect(noIfMatch.body.code).toBe('if_match_required');

    const ok = await ed.json(
      'PUT',
      `/api/versions/${id}`,
      { document: doc },
      { 'If-Match': created.res.headers.get('etag')! },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.revision).toBe(2);
    expect(ok.res.headers.get('etag')).toBe('"2"');
    expect(ok.body.title.zh).toBe('2027年度考核细则（修订）');

    const stale = await ed.json(
      'PUT',
      `/api/versions/${id}`,
      { document: { ...doc, title: { zh: 'stale' } } },
      { 'If-Match': '"1"' },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_revision');
    expect(stale.body.current).toMatchObject({ id, revision: 2, title: { zh: '2027年度考核细则（修订）' } });
    expect((await ed.json('GET', `/api/versions/${id}`)).body.title.zh).toBe('2027年度考核细则（修订）');

    const badIfMatch = await ed.json('PUT', `/api/versions/${id}`, { document: doc }, { 'If-Match': 'abc' });
    expect(badIfMatch.status).toBe(400);

    // A draft may be semantically incomplete, but must match the schema.
    const unbalanced = { ...doc, maxScore: 90 };
    const saved = await ed.json(
      'PUT',
      `/api/versions/${id}`,
      { document: unbalanced },
      { 'If-Match': '"2"' },
    );
    expect(saved.status).toBe(200);
    const schemaBad = await ed.json(
      'PUT',
      `/api/versions/${id}`,
      { document: { ...doc, grades: 'none' } },
      { 'If-Match': '"3"' },
    );
    expect(schemaBad.status).toBe(422);
    expect(schemaBad.body.errors[0]).toMatchObject({ path: '/document/grades', code: 'wrong_type' });

    const published = await ed.json(
      'PUT',
      `/api/versions/${f.published[2023].id}`,
      { document: sampleDocument(2023) },
      { 'If-Match': '"1"' },
    );
    expect(published.status).toBe(409);
    expect(published.body.code).toBe('not_draft');
    expect((await ed.json('PUT', '/api/versions/999', { document: doc }, { 'If-Match': '"1"' })).status).toBe(
      404,
    );
  });

  it('validates and runs the tests of a version', async () => {
    const rev = f.as('reviewer');
    const valid = await rev.json('POST', `/api/versions/${f.draft2025.id}/validate`);
    expect(valid.status).toBe(200);
    expect(valid.body).toEqual({ valid: true, errors: [] });
    const tests = await rev.json('POST', `/api/versions/${f.draft2025.id}/tests`);
    expect(tests.status).toBe(200);
    expect(tests.body.results.length).toBeGreaterThan(0);
    expect(tests.body.results.every((t: { passed: boolean }) => t.passed)).toBe(true);
    expect(schemaProblems(f.app, 'POST', '/api/versions/{id}/tests', 200, tests.body)).toEqual([]);

    const ed = f.as('editor');
    const draft = await ed.json('POST', '/api/versions', { from: f.published[2024].id, year: 2028 });
    const broken = structuredClone(draft.body.document);
    broken.categories[0].items[0].maxPoints += 1;
    await ed.json('PUT', `/api/versions/${draft.body.id}`, { document: broken }, { 'If-Match': '"1"' });
    const invalid = await rev.json('POST', `/api/versions/${draft.body.id}/validate`);
    expect(invalid.body.valid).toBe(false);
    expect(invalid.body.errors.map((e: { code: string }) => e.code)).toContain('points_mismatch');
    expect((await rev.json('POST', '/api/versions/999/validate')).status).toBe(404);
  });

  it('publishes only a valid draft (422 with every problem), retiring the previous one; then retires', async () => {
    const ed = f.as('editor');
    const draft = await ed.json('POST', '/api/versions', { from: f.published[2024].id, year: 2029 });
    const broken = structuredClone(draft.body.document);
    broken.categories[0].items[0].maxPoints += 1;
    await ed.json('PUT', `/api/versions/${draft.body.id}`, { document: broken }, { 'If-Match': '"1"' });
    const refused = await ed.json('POST', `/api/versions/${draft.body.id}/publish`);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('invalid_document');
    expect((await ed.json('GET', `/api/versions/${draft.body.id}`)).body.pending).toBe(false);
    expect(refused.body.errors.length).toBeGreaterThan(0);
    expect(refused.body.errors[0]).toEqual({
      path: expect.any(String),
      code: expect.any(String),
      message: expect.any(String),
    });

    await ed.json(
      'PUT',
      `/api/versions/${draft.body.id}`,
      { document: draft.body.document },
      { 'If-Match': '"2"' },
    );
    const stale = await ed.json('POST', `/api/versions/${draft.body.id}/publish`, {}, { 'If-Match': '"2"' });
    expect(stale.status).toBe(409);
    const id = draft.body.id;
    // Four eyes: the editor's publish records a request; the draft is locked.
    const req = await ed.json('POST', `/api/versions/${id}/publish`, {}, { 'If-Match': '"3"' });
    expect(req.status).toBe(202);
    expect(req.body).toMatchObject({ status: 'pending', kind: 'version', id, requestedBy: 'ed' });
    expect(schemaProblems(f.app, 'POST', '/api/versions/{id}/publish', 202, req.body)).toEqual([]);
    expect((await ed.json('GET', `/api/versions/${id}`)).body).toMatchObject({
      status: 'draft',
      pending: true,
    });
    const locked = await ed.json(
      'PUT',
      `/api/versions/${id}`,
      { document: draft.body.document },
      { 'If-Match': '"3"' },
    );
    expect([locked.status, locked.body.code]).toEqual([409, 'pending_approval']);
    expect((await ed.json('POST', `/api/versions/${id}/publish`)).body.code).toBe('pending_approval');
    // Withdraw returns it to editing; request again.
    expect((await ed.json('POST', `/api/versions/${id}/withdraw`)).body).toMatchObject({ pending: false });
    expect((await ed.json('POST', `/api/versions/${id}/withdraw`)).body.code).toBe('not_pending');
    expect((await ed.json('POST', `/api/versions/${id}/publish`)).status).toBe(202);
    // The requester cannot approve; nor can an assessor.
    const ok = { docNumber: '吉环发〔2029〕1号', effectiveDate: '2029-03-01' };
    const same = await ed.json('POST', `/api/versions/${id}/approve`, ok);
    expect([same.status, same.body.code]).toEqual([403, 'same_person']);
    expect((await f.as('assessor').json('POST', `/api/versions/${id}/approve`, ok)).status).toBe(403);
    // Another person approves, with a 文号 and a date, both checked.
    const admin = f.as('admin');
    const noNumber = await admin.json('POST', `/api/versions/${id}/approve`, { effectiveDate: '2029-03-01' });
    expect([noNumber.status, noNumber.body.errors[0].path, noNumber.body.errors[0].code]).toEqual([
      422,
      '/docNumber',
      'required',
    ]);
    for (const bad of [
      '',
      '吉环发[2029]1号',
      '吉环发〔2029〕01号',
      '吉环发〔29〕1号',
      '第1号',
      '吉环发〔2029〕1',
    ])
      expect(
        (await admin.json('POST', `/api/versions/${id}/approve`, { ...ok, docNumber: bad })).status,
      ).toBe(422);
    const badDate = await admin.json('POST', `/api/versions/${id}/approve`, {
      ...ok,
      effectiveDate: '2029-02-30',
    });
    expect([badDate.status, badDate.body.errors[0].code]).toEqual([422, 'invalid_date']);
    const pub = await admin.json('POST', `/api/versions/${id}/approve`, ok);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({
      status: 'published',
      effective: true,
      docNumber: '吉环发〔2029〕1号',
      effectiveDate: '2029-03-01',
      publishedBy: 'admin',
      requestedBy: 'ed',
      fourEyes: true,
      signature: expect.stringMatching(/^[0-9a-f]{128}$/),
    });
    expect(schemaProblems(f.app, 'POST', '/api/versions/{id}/approve', 200, pub.body)).toEqual([]);
    // The signature verifies with the key GET /api/keys gives.
    const key = (await ed.json('GET', '/api/keys')).body;
    expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: pub.body.keyId });
    expect(verifySignature(key.publicKey, pub.body.contentHash, pub.body.signature)).toBe(true);

    // A correction for the same year retires the first one.
    const fix = await ed.json('POST', '/api/versions', { from: draft.body.id });
    expect((await ed.json('POST', `/api/versions/${fix.body.id}/publish`)).status).toBe(202);
    const pub2 = await admin.json('POST', `/api/versions/${fix.body.id}/approve`, {
      ...ok,
      docNumber: '吉环发〔2029〕2号',
    });
    expect(pub2.status).toBe(200);
    expect((await ed.json('GET', `/api/versions/${draft.body.id}`)).body.status).toBe('retired');
    expect((await ed.json('POST', `/api/versions/${draft.body.id}/publish`)).status).toBe(409);

    const retired = await ed.json('POST', `/api/versions/${fix.body.id}/retire`);
    expect(retired.status).toBe(200);
    expect(retired.body.status).toBe('retired');
    expect((await ed.json('POST', `/api/versions/${fix.body.id}/retire`)).status).toBe(409);
    const actions = (
      await listAudit(f.opened.db, { entity: 'version', entityId: draft.body.id })
    ).entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'version.create',
        'version.update',
        'version.request',
        'version.withdraw',
        'version.publish',
        'version.retire',
      ]),
    );
  });

  it('deletes only drafts', async () => {
    const ed = f.as('editor');
    const draft = await ed.json('POST', '/api/versions', { family: 'scratch', year: 2030 });
    const del = await ed.request('DELETE', `/api/versions/${draft.body.id}`);
    expect(del.status).toBe(204);
    expect((await ed.json('GET', `/api/versions/${draft.body.id}`)).status).toBe(404);
    const refused = await ed.json('DELETE', `/api/versions/${f.published[2023].id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('immutable');
    expect((await ed.request('DELETE', '/api/versions/999')).status).toBe(404);
  });

  it('serves the XLSX template of a version with a row per region', async () => {
    const res = await f.as('reviewer').request('GET', `/api/versions/${f.draft2025.id}/template.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="[^"]+\.xlsx"; filename\*=UTF-8''/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 2)).toEqual(['code', 'name']);
    expect(header).toContain('pm25');
    const codes: string[] = [];
    sheet.eachRow((row, n) => {
      const v = String(row.getCell(1).value ?? '');
      if (n > 1 && /^\d{6}$/.test(v)) codes.push(v);
    });
    expect(codes).toContain('220100');
    expect((await f.as('reviewer').request('GET', '/api/versions/999/template.xlsx')).status).toBe(404);
  });

  it('parses If-Match forms', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"3"')).toBe(3);
    expect(parseIfMatch('3')).toBe(3);
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(() => parseIfMatch('"abc"')).toThrow();
  });
});
