import { beforeAll, describe, expect, it } from 'vitest';
import { sampleData, startRun, useFixture } from './test-helpers.ts';
import { docxParts, docxText, readPdf } from '../documents/test-files.ts';
import { saveDatasetGrid } from '../db/datasets.ts';
import { mkdirSync, writeFileSync } from 'node:fs';

/** Keeps a file in test-artifacts/ to look at. */
const keep = (name: string, buf: Buffer) => {
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync(`test-artifacts/${name}`, buf);
};

const ORIGIN = { origin: 'http://localhost', 'content-type': 'application/json' };
const fx = useFixture();
let runId: number;
let names: string[];

const get = async (path: string) => {
  const res = await fx.as('reviewer').request('GET', path);
  return { res, buf: Buffer.from(await res.arrayBuffer()) };
};

beforeAll(async () => {
  runId = await startRun(fx, 2024);
  names = sampleData(2024).regions.map((x) => x.name);
});

describe('考核结果通报 .docx', () => {
  it('is A4 with the GB/T 9704 margins, grid, fonts, 文号 line, date, 抄送, page numbers and every region', async () => {
    const { res, buf } = await get(`/api/runs/${runId}/documents/notice.docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('wordprocessingml');
    expect(res.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''.*\.docx/);
    const { document, footers } = docxParts(buf);
    expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    // 37, 35, 28, 26 mm in twips
    expect(document).toMatch(/w:top="2098"/);
    expect(document).toMatch(/w:bottom="1984"/);
    expect(document).toMatch(/w:left="1587"/);
    expect(document).toMatch(/w:right="1474"/);
    expect(document).toMatch(/<w:docGrid w:type="linesAndChars" w:linePitch="580" w:charSpace="-8\d\d"/);
    for (const face of ['方正小标宋简体', '仿宋_GB2312', '黑体'])
      expect(document).toContain(`w:eastAsia="${face}"`);
    const text = docxText(document);
    expect(text).toContain('吉林省人民政府文件');
    expect(text).toContain('吉林省人民政府关于2024年度政府生态环境保护目标责任制考核结果的通报');
    // no 文号 registered yet: said so, with the abbreviation and year, never an id
    expect(text).toMatch(/吉环考〔\d{4}〕　号（尚未登记文号）/);
    expect(text).toContain('各市（州）人民政府，长白山管委会，各扩权强县试点市人民政府：');
    expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).toContain('抄送：省纪委监委，省委组织部。');
    expect(text).toContain('吉林省人民政府办公厅');
    expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日印发/);
    for (const n of names) expect(text).toContain(n);
    expect(text).not.toContain('等次');
    // page numbers: a PAGE field between em dashes in 4号宋体, odd and even footers
    expect(footers.length).toBeGreaterThanOrEqual(2);
    for (const f of footers) {
      expect(f).toMatch(/PAGE/);
      expect(docxText(f)).toMatch(/^— .*—$/);
      expect(f).toContain('w:eastAsia="宋体"');
      expect(f).toContain('<w:sz w:val="28"/>');
    }
    // the internal version carries the run id and hashes
    expect(text).toContain('核验信息（内部）');
    expect(text).toContain(`考核运行编号 ${runId}`);
  });

  it('public version leaves out the run id and hashes', async () => {
    const { res, buf } = await get(`/api/runs/${runId}/documents/notice.docx?public=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).not.toContain(`run${runId}`);
    const text = docxText(docxParts(buf).document);
    expect(text).not.toContain('核验信息');
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    for (const n of names) expect(text).toContain(n);
  });

  it('prints the registered 文号 and publication date once the run has them', async () => {
    // the publication columns come with another feature: simulate them on this database
    const sqlite = fx.opened.sqlite;
    sqlite.exec("ALTER TABLE runs ADD COLUMN doc_number text DEFAULT '吉环考〔2025〕03号'");
    sqlite.exec("ALTER TABLE runs ADD COLUMN published_on text DEFAULT '2025-04-28'");
    try {
      const { buf } = await get(`/api/runs/${runId}/documents/notice.docx`);
      const text = docxText(docxParts(buf).document);
      expect(text).toContain('吉环考〔2025〕3号');
      expect(text).toContain('2025年4月28日');
      expect(text).not.toContain('　号（尚未登记文号）');
    } finally {
      sqlite.exec('ALTER TABLE runs DROP COLUMN doc_number');
      sqlite.exec('ALTER TABLE runs DROP COLUMN published_on');
    }
  });

  it('404 for a run that does not exist', async () => {
    const { res } = await get('/api/runs/999/documents/notice.docx');
    expect(res.status).toBe(404);
  });
});

describe('考核结果通报 .pdf', () => {
  it('is A4, white, with the title, every region, 抄送 and page numbers', async () => {
    const { res, buf } = await get(`/api/runs/${runId}/documents/notice.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    keep('notice.pdf', buf);
    const pdf = readPdf(buf);
    expect(pdf.info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(Number(pdf.info.Pages)).toBeGreaterThanOrEqual(3);
    const flat = pdf.text.replace(/\s+/g, '');
    expect(flat).toContain('吉林省人民政府文件');
    expect(flat).toContain('考核结果的通报');
    for (const n of names) expect(flat).toContain(n);
    expect(flat).toContain('抄送：省纪委监委，省委组织部。');
    expect(flat).toMatch(/\d{4}年\d{1,2}月\d{1,2}日印发/);
    for (let p = 1; p <= Number(pdf.info.Pages); p++) expect(pdf.text).toMatch(new RegExp(`—\\s*${p}\\s*—`));
    // no grey page: the corner is white and most of page 1 is paper
    expect(pdf.corner).toBe(255);
    expect(pdf.white).toBeGreaterThan(0.7);
  });
});

describe('扣分说明', () => {
  it('names the region, its deductions and grade, as docx and pdf', async () => {
    const d = await get(`/api/runs/${runId}/regions/220100/statement.docx`);
    expect(d.res.status).toBe(200);
    const text = docxText(docxParts(d.buf).document);
    expect(text).toContain('长春市2024年度政府生态环境保护目标责任制考核扣分说明');
    expect(text).toContain('长春市人民政府：');
    expect(text).toContain('扣分原因');
    expect(text).toContain('考核等级为');
    const p = await get(`/api/runs/${runId}/regions/220100/statement.pdf`);
    expect(p.res.status).toBe(200);
    expect(readPdf(p.buf).text.replace(/\s+/g, '')).toContain(
      '长春市2024年度政府生态环境保护目标责任制考核扣分说明',
    );
  });

  it('404 for a region not in the run, 400 for a malformed code', async () => {
    expect((await get(`/api/runs/${runId}/regions/999999/statement.docx`)).res.status).toBe(404);
    expect((await get(`/api/runs/${runId}/regions/a%20b/statement.docx`)).res.status).toBe(400);
  });
});

describe('目标责任书', () => {
  it('has the targets, the rules and signature blocks for both sides', async () => {
    const v = fx.published[2024].id;
    const d = await get(`/api/versions/${v}/letters/220100.docx?year=2024`);
    expect(d.res.status).toBe(200);
    const text = docxText(docxParts(d.buf).document);
    expect(text).toContain('2024年度生态环境保护目标责任书');
    expect(text).toContain('责任单位：长春市人民政府');
    expect(text).toContain('88.6%'); // 长春市's 2024 good-days target
    expect(text).toContain('考核计分方法');
    expect(text).toContain('吉林省人民政府（盖章）');
    expect(text).toContain('长春市人民政府（盖章）');
    expect(text.match(/主要负责人（签字）/g)?.length).toBe(2);
    const p = await get(`/api/versions/${v}/letters/220100.pdf?year=2024`);
    expect(p.res.status).toBe(200);
    expect(readPdf(p.buf).text.replace(/\s+/g, '')).toContain('长春市人民政府（盖章）');
  });

  it('404 for an unknown region or version, 400 for another extension', async () => {
    const v = fx.published[2024].id;
    expect((await get(`/api/versions/${v}/letters/999999.docx`)).res.status).toBe(404);
    expect((await get(`/api/versions/9999/letters/220100.docx`)).res.status).toBe(404);
    expect((await get(`/api/versions/${v}/letters/220100.exe`)).res.status).toBe(400);
  });
});

describe('更正通报', () => {
  it('409 not_a_correction for a run that supersedes nothing', async () => {
    const r = await fx.as('reviewer').json('GET', `/api/runs/${runId}/documents/correction.docx`);
    expect(r.status).toBe(409);
    expect(r.res.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('not_a_correction');
    expect(r.body.detail).toContain('不是更正运行');
  });

  it('compares a correction run with the run it supersedes', async () => {
    const data = sampleData(2024);
    const cc = data.regions.find((r) => r.code === '220100')!;
    cc.values.satisfaction = 40; // far below any target: 长春市 loses points
    await saveDatasetGrid(
      fx.opened.db,
      2024,
      { regions: data.regions.map((r) => ({ code: r.code, values: r.values })) },
      { versionId: fx.published[2024].id, actor: 'system', source: 'provincial' },
    );
    const r2 = await fx
      .as('assessor')
      .json('POST', '/api/runs', { versionId: fx.published[2024].id, year: 2024 }, ORIGIN);
    expect(r2.status).toBe(201);
    const sqlite = fx.opened.sqlite;
    // runs.supersedes exists since migration 0005 (appeals); a real correction run is made through
    // the API in server/routes/appeals.test.ts. Here the link is set by hand.
    sqlite.exec('DROP TRIGGER runs_immutable_update');
    sqlite.prepare('UPDATE runs SET supersedes = ? WHERE id = ?').run(runId, r2.body.id);
    const d = await get(`/api/runs/${r2.body.id}/documents/correction.docx`);
    expect(d.res.status).toBe(200);
    const text = docxText(docxParts(d.buf).document);
    expect(text).toContain('关于更正2024年度政府生态环境保护目标责任制考核结果的通报');
    expect(text).toContain('更正后总分');
    expect(text).toContain('长春市');
    expect(text).toContain('其余地区考核结果不变');
    const p = await get(`/api/runs/${r2.body.id}/documents/correction.pdf?public=1`);
    expect(p.res.status).toBe(200);
    keep('correction.pdf', p.buf);
    keep('correction.docx', d.buf);
    const flat = readPdf(p.buf).text.replace(/\s+/g, '');
    expect(flat).toContain('更正后总分');
    expect(flat).not.toContain('核验信息');
  });
});
