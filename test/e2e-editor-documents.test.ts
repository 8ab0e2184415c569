/**
 * The official documents in a real browser against the real server: the run page, the region page
 * and the letter page offer .docx and .pdf downloads of the 考核结果通报 (and its public version),
 * the 扣分说明 and the 目标责任书; each download is a real Word file (a zip with the regions in
 * word/document.xml) or PDF; the admin changes the document settings and the next notice follows.
 * With ECOSCORE_UPDATE_MANUAL=1 it also writes the user manual's screenshots to docs/images/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, openPage, screenshot, type TestServer } from './browser.ts';
import { signedInPage, startE2e, stopE2e, versionIdOf, waiters, type Api } from './helpers/e2e.ts';
import { docxParts, docxText } from '../server/documents/test-files.ts';

const STEP = 120_000;
const WAIT = { timeout: 20_000, interval: 100 };
const MANUAL = process.env.ECOSCORE_UPDATE_MANUAL === '1';
const { visible } = waiters(WAIT);

/** A screenshot in test-artifacts/, and for the manual a small JPEG in docs/images/. */
const shot = (page: Page, name: string) => screenshot(page, `documents-${name}`, { manual: name });

/** Clicks a download link and returns the file's name and bytes. */
async function download(page: Page, testid: string): Promise<{ name: string; body: Buffer }> {
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByTestId(testid).click(),
  ]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), body: readFileSync(path) };
}

describe('editor: official documents', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[] = [];
  let v2024 = 0;
  let runId = 0;
  const regionNames = JSON.parse(readFileSync(join(ROOT, 'rules/sample-data/2024.json'), 'utf8')).regions.map(
    (r: { name: string }) => r.name,
  ) as string[];

  beforeAll(async () => {
    let admin: Api;
    ({ server, browser, admin } = await startE2e());
    ({ context, page, errors } = await signedInPage(browser, server));
    const api = context.request;
    v2024 = await versionIdOf(admin, 2024, 'published');
    const run = await api.post(`${server.base}/api/runs`, {
      data: { versionId: v2024, year: 2024 },
      headers: { origin: server.base },
    });
    expect(run.status()).toBe(201);
    runId = (await run.json()).id;
  }, 300_000);

  afterAll(() => stopE2e(browser, server));

  it(
    'downloads the notice (and its public version) as .docx and .pdf from the run page',
    async () => {
      await page.goto(`${server.base}/runs/${runId}`);
      await visible(page.getByTestId('doc-notice'));
      await shot(page, 'run');
      const docx = await download(page, 'doc-notice-docx');
      expect(docx.name).toMatch(/2024年度考核结果通报\.docx$/);
      const text = docxText(docxParts(docx.body).document);
      for (const n of regionNames) expect(text).toContain(n);
      expect(text).toContain('抄送：省纪委监委，省委组织部。');
      const pdf = await download(page, 'doc-notice-pdf');
      expect(pdf.name).toMatch(/\.pdf$/);
      expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
      const pub = await download(page, 'doc-notice-public-docx');
      expect(pub.name).toContain('公开版');
      expect(docxText(docxParts(pub.body).document)).not.toContain('核验信息');
      // the print page still works
      await page.goto(`${server.base}/runs/${runId}/notice`);
      await visible(page.getByTestId('notice'));
      await shot(page, 'notice-print');
    },
    STEP,
  );

  it(
    'downloads the 扣分说明 and the 目标责任书 of a region',
    async () => {
      await page.goto(`${server.base}/runs/${runId}/regions/220100`);
      await visible(page.getByTestId('doc-statement'));
      await shot(page, 'region');
      const st = await download(page, 'doc-statement-docx');
      expect(st.name).toContain('长春市2024年度考核扣分说明');
      expect(docxText(docxParts(st.body).document)).toContain('扣分原因');
      const stPdf = await download(page, 'doc-statement-pdf');
      expect(stPdf.body.subarray(0, 5).toString()).toBe('%PDF-');
      const letter = await download(page, 'doc-letter-docx');
      expect(docxText(docxParts(letter.body).document)).toContain('长春市人民政府（盖章）');

      // the print page of the 扣分说明: addressed to the region's government, signed as the settings say
      await page.goto(`${server.base}/runs/${runId}/regions/220100/statement`);
      const sheet = page.getByTestId('statement');
      await visible(sheet);
      await expect.poll(() => sheet.innerText(), WAIT).toContain('长春市人民政府：');
      await expect
        .poll(() => sheet.getByTestId('signature').innerText(), WAIT)
        .toMatch(/^吉林省生态环境厅\s+\d{4}年/);
      expect(await sheet.innerText()).toContain('核验信息（内部）');
      await page.getByTestId('statement-public-toggle').click();
      await expect.poll(() => sheet.getAttribute('data-public'), WAIT).toBe('true');
      expect(await sheet.innerText()).not.toMatch(/核验信息|哈希/);

      await page.goto(`${server.base}/reports/letter?year=2024&version=${v2024}&region=220100`);
      await visible(page.getByTestId('letter'));
      await shot(page, 'letter');
      const letterPdf = await download(page, 'doc-letter-pdf');
      expect(letterPdf.name).toContain('目标责任书');
      expect(letterPdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    },
    STEP,
  );

  it(
    'lets the admin change the document settings, and the next notice follows them',
    async () => {
      await page.goto(`${server.base}/settings`);
      const form = page.getByTestId('document-settings');
      await visible(form);
      const cc = form.locator('[data-path="/cc"] textarea');
      await cc.fill('省纪委监委\n省委组织部\n生态环境部');
      // an empty 发文机关 is refused by the browser; a blank-only one by the server, on its field
      await form.locator('[data-path="/printer"] input').fill('   ');
      await form.getByRole('button', { name: '保存' }).click();
      await visible(form.locator('[data-path="/printer"] .problem'));
      await form.locator('[data-path="/printer"] input').fill('吉林省人民政府办公厅');
      await form.getByRole('button', { name: '保存' }).click();
      await visible(page.getByText('公文设置已保存。'));
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'settings');
      await page.goto(`${server.base}/runs/${runId}`);
      const docx = await download(page, 'doc-notice-docx');
      expect(docxText(docxParts(docx.body).document)).toContain('抄送：省纪委监委，省委组织部，生态环境部。');
      // and so does the print page
      await page.goto(`${server.base}/runs/${runId}/notice`);
      await expect
        .poll(() => page.getByTestId('record').innerText(), WAIT)
        .toContain('抄送：省纪委监委，省委组织部，生态环境部。');
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it.runIf(MANUAL)(
    'takes the manual’s screenshots of the other pages',
    async () => {
      for (const [name, path] of [
        ['rules', '/rules'],
        ['data', `/data?year=2024&version=${v2024}`],
        ['runs', '/runs'],
        ['diff', '/diff'],
        ['regions', '/regions'],
        ['audit', '/audit'],
        ['users', '/users'],
        ['reports', '/reports'],
        ['statement-print', `/runs/${runId}/regions/220100/statement`],
      ] as const) {
        await page.goto(`${server.base}${path}`);
        await page.waitForLoadState('networkidle');
        await shot(page, name);
      }
      const drafts = (await (await context.request.get(`${server.base}/api/versions`)).json()).versions as {
        id: number;
        status: string;
      }[];
      const draftId = drafts.find((v) => v.status === 'draft')!.id;
      await page.goto(`${server.base}/rules/${draftId}`);
      await page.waitForLoadState('networkidle');
      await shot(page, 'rule-editor');
      // the side panel: the preview of every region, and the weight sensitivity
      await page.locator('[data-side="preview"]').click();
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(1500);
      await shot(page, 'rule-preview');
      await page.locator('[data-side="sensitivity"]').click();
      await page.getByRole('button', { name: '运行分析' }).click();
      await visible(page.getByTestId('sensitivity-table').first());
      await shot(page, 'sensitivity');
      // asking to publish: the dialog checks the document and its tests
      await page.getByTestId('open-publish').click();
      await visible(page.locator('[data-testid=publish-valid]'));
      await shot(page, 'publish');
      await page.keyboard.press('Escape');

      // the import preview: a file that changes one value, before it is confirmed
      const exported = await (
        await context.request.get(`${server.base}/api/datasets/2024/export?format=csv&versionId=${v2024}`)
      ).text();
      const lines = exported.replace(/^\uFEFF/, '').split('\n');
      const col = lines[0].split(',').indexOf('pm25_target');
      const at = lines.findIndex((l) => l.startsWith('220100,'));
      const cells = lines[at].split(',');
      cells[col] = String(Number(cells[col]) - 2);
      lines[at] = cells.join(',');
      await page.goto(`${server.base}/data?year=2024&version=${v2024}`);
      await visible(page.getByTestId('data-grid'));
      await page.getByTestId('import-file').setInputFiles({
        name: '2024年数据.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(lines.join('\n')),
      });
      await page.getByTestId('import-run').click();
      await visible(page.getByTestId('import-preview'));
      await shot(page, 'import-preview');
      await page.getByTestId('import-cancel').click();

      // a publication request waiting for a second person
      const asked = await context.request.post(`${server.base}/api/versions/${draftId}/publish`, {
        headers: { origin: server.base },
      });
      expect(asked.status()).toBe(202);
      await page.goto(`${server.base}/approvals`);
      await visible(page.getByTestId('pending-versions'));
      await shot(page, 'approvals');

      // the sign-in page, in a browser of its own
      const fresh = await openPage(browser);
      await fresh.page.goto(`${server.base}/login`);
      await visible(fresh.page.locator('input[name=username]'));
      await shot(fresh.page, 'login');
      await fresh.context.close();
    },
    STEP,
  );
});
