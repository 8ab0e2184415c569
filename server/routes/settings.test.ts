import { describe, expect, it } from 'vitest';
import { useFixture, schemaProblems } from './test-helpers.ts';
import { docxParts, docxText } from '../documents/test-files.ts';
import { DEFAULT_DOCUMENT_SETTINGS } from '../db/settings.ts';

const JSON_SAME_ORIGIN = { origin: 'http://localhost', 'content-type': 'application/json' };
const fx = useFixture();

const { updatedAt: _a, updatedBy: _b, ...defaults } = DEFAULT_DOCUMENT_SETTINGS;
const edited = {
  ...defaults,
  issuer: '吉林省生态环境厅',
  issuerMark: '吉林省生态环境厅文件',
  cc: ['省纪委监委', '省委组织部', '生态环境部'],
  signatures: { ...defaults.signatures, notice: '吉林省生态环境厅' },
};

describe('document settings', () => {
  it("reads the plan's defaults before anyone saved them", async () => {
    const r = await fx.as('reviewer').json('GET', '/api/settings/documents');
    expect(r.status).toBe(200);
    expect(r.body.issuer).toBe('吉林省人民政府');
    expect(r.body.cc).toEqual(['省纪委监委', '省委组织部']);
    expect(r.body.signatures.notice).toBe('吉林省人民政府');
    expect(schemaProblems(fx.app, 'get', '/api/settings/documents', 200, r.body)).toEqual([]);
  });

  it('only admins may change them', async () => {
    for (const role of ['editor', 'assessor', 'reviewer'] as const) {
      const r = await fx.as(role).json('PUT', '/api/settings/documents', edited, JSON_SAME_ORIGIN);
      expect(r.status).toBe(403);
    }
  });

  it('refuses invalid settings with the field named, writing nothing', async () => {
    const bad = {
      ...edited,
      cc: ['省纪委监委', ''],
      abbreviation: '吉 环〔考〕',
      signatures: { notice: 'x' },
    };
    const r = await fx.as('admin').json('PUT', '/api/settings/documents', bad, JSON_SAME_ORIGIN);
    expect(r.status).toBe(422);
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('/cc/1');
    expect(paths).toContain('/abbreviation');
    expect(paths.some((p: string) => p.startsWith('/signatures'))).toBe(true);
    const after = await fx.as('admin').json('GET', '/api/settings/documents');
    expect(after.body.issuer).toBe('吉林省人民政府');
    const huge = { ...edited, addressee: '各'.repeat(301) };
    expect((await fx.as('admin').json('PUT', '/api/settings/documents', huge, JSON_SAME_ORIGIN)).status).toBe(
      422,
    );
  });

  it('saves, audits, and the documents follow', async () => {
    const r = await fx.as('admin').json('PUT', '/api/settings/documents', edited, JSON_SAME_ORIGIN);
    expect(r.status).toBe(200);
    expect(r.body.updatedBy).toBe('admin');
    const got = await fx.as('reviewer').json('GET', '/api/settings/documents');
    expect(got.body.issuerMark).toBe('吉林省生态环境厅文件');
    const audit = await fx.as('admin').json('GET', '/api/audit?action=settings.update');
    expect(audit.status).toBe(200);
    const entry = audit.body.entries[0];
    expect(entry.entity).toBe('settings');
    expect(entry.detail.changed).toEqual(
      expect.arrayContaining(['issuer', 'issuerMark', 'cc', 'signatures']),
    );

    const run = await fx
      .as('assessor')
      .json('POST', '/api/runs', { versionId: fx.published[2024].id, year: 2024 }, JSON_SAME_ORIGIN);
    const res = await fx.as('reviewer').request('GET', `/api/runs/${run.body.id}/documents/notice.docx`);
    const text = docxText(docxParts(Buffer.from(await res.arrayBuffer())).document);
    expect(text).toContain('吉林省生态环境厅文件');
    expect(text).toContain('吉林省生态环境厅关于2024年度');
    expect(text).toContain('抄送：省纪委监委，省委组织部，生态环境部。');
  });
});
