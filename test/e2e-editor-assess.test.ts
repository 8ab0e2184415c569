/**
 * The assessment pages in a real browser (Debian's Chromium through playwright-core) against the
 * real server (`node bin/start.js`, free port, temporary database seeded with the samples):
 * a CSV with a bad cell is refused with the cell's problem shown, fixed and imported; 2024 is run;
 * a region's page explains its deduction; the 2024 → 2025 diff shows a region whose grade moves;
 * the results notice is print-previewed; the audit log shows the import and the run.
 * Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshot, type TestServer } from './browser.ts';
import { signedInPage, startE2e, stopE2e, versionIdOf, waiters, type Api } from './helpers/e2e.ts';

const STEP = 90_000;
const WAIT = { timeout: 20_000, interval: 100 };

/** Playwright-style waiting assertions on top of vitest's `expect.poll`. */
const { textOf, valueOf, countOf, attrOf, visible, hidden } = waiters(WAIT);

/** A screenshot in test-artifacts/ (the whole page by default). */
const shot = (page: Page, name: string, fullPage = true) => screenshot(page, name, { fullPage });

describe('editor: data, runs, diff, reports and audit in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  let goodCsv = '';
  let badCsv = '';
  let v2024 = 0;
  let v2025 = 0;
  let runId = 0;
  /** Cells the fixed file changes: 长春市's PM2.5 target, plus every last-year value (`prev.KEY`) the
   * export filled from 2023's stored data, which the import then stores with 2024's own values. */
  let changedCells = 0;
  /** 长春市's PM2.5 of 2023 as stored, which the export writes as its prev.pm25 for 2024. */
  let lastPm25 = '';

  beforeAll(async () => {
    let admin: Api;
    ({ server, browser, admin } = await startE2e());
    ({ context, page, errors: pageErrors } = await signedInPage(browser, server));

    // The versions the samples seeded, and the 2024 data as the export writes it, changed in one
    // place: 长春市's PM2.5 target lowered to 28 (so its PM2.5 of 31, as last year, is 3 over: 1.5
    // deducted, and a binding target missed).
    const api = context.request;
    v2024 = await versionIdOf(admin, 2024, 'published');
    v2025 = await versionIdOf(admin, 2025);
    const exported = await (
      await api.get(`${server.base}/api/datasets/2024/export?format=csv&versionId=${v2024}`)
    ).text();
    const rows = Papa.parse<string[]>(exported.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    const header = rows[0];
    const col = header.indexOf('pm25_target');
    const row = rows.findIndex((r) => r[0] === '220100');
    expect(col).toBeGreaterThan(1);
    expect(row).toBeGreaterThan(0);
    rows[row][col] = '28';
    goodCsv = Papa.unparse(rows);
    const stored = (await (await api.get(`${server.base}/api/datasets/2024`)).json()).regions as {
      code: string;
      values: Record<string, unknown>;
      lastYear: Record<string, unknown>;
    }[];
    lastPm25 = String(stored.find((s) => s.code === '220100')!.lastYear.pm25);
    expect(rows[row][header.indexOf('prev.pm25')]).toBe(lastPm25);
    const prevCols = header.flatMap((h, c) => (h.startsWith('prev.') ? [c] : []));
    expect(prevCols.length).toBeGreaterThan(0);
    const filled = rows
      .slice(1)
      .filter((r) => !r[0].startsWith('#'))
      .flatMap((r) =>
        prevCols.filter(
          (c) => r[c] !== '' && stored.find((s) => s.code === r[0])?.values[header[c]] === undefined,
        ),
      ).length;
    changedCells = 1 + filled;
    rows[row][col] = '二十八';
    badCsv = Papa.unparse(rows);

    // Last year's run, so the region page has a previous result to show beside this year's.
    const prev = await api.post(`${server.base}/api/runs`, {
      data: { versionId: await versionIdOf(admin, 2023, 'published'), year: 2023 },
    });
    expect(prev.status()).toBe(201);
  });

  afterAll(() => stopE2e(browser, server));

  it(
    'checks cells as you type, refuses a CSV with a bad cell showing the cell’s problem, then imports the fixed file',
    async () => {
      await page.goto(`${server.base}/data?year=2024&version=${v2024}`);
      const grid = page.getByTestId('data-grid');
      await grid.waitFor();
      await textOf(page.getByRole('heading', { level: 1 })).toBe('年度数据');

      // Typing a word into a number cell shows the problem in the cell at once.
      const cell = page.locator('td[data-region="220200"][data-key="pm25"]');
      await cell.locator('input').fill('abc');
      await textOf(cell.getByTestId('cell-problem')).toBe('应为数值');
      await expect.poll(() => page.getByTestId('grid-save').isDisabled(), WAIT).toBe(true);
      await cell.locator('input').fill('-3');
      await textOf(cell.getByTestId('cell-problem')).toBe('小于最小值 0');
      await page.getByRole('button', { name: '放弃更改' }).click();
      await countOf(cell.getByTestId('cell-problem')).toBe(0);

      // A block pasted from a spreadsheet fills right and down from the focused cell.
      const first = page.locator('td[data-region="220100"][data-key="good_days_target"] input');
      await first.focus();
      await page.evaluate(() => {
        const target = document.activeElement as HTMLElement;
        const data = new DataTransfer();
        data.setData('text/plain', '90\t35\n91\t36\n');
        target.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        );
      });
      await valueOf(page.locator('td[data-region="220184"][data-key="pm25_target"] input')).toBe('36');
      await visible(page.getByText('已粘贴 4 个单元格。'));
      await page.getByRole('button', { name: '放弃更改' }).click();

      // The bad file: nothing imported, the problem listed with row and column and shown on the cell.
      await page
        .getByTestId('import-file')
        .setInputFiles({ name: 'data-2024.csv', mimeType: 'text/csv', buffer: Buffer.from(badCsv) });
      await page.getByTestId('import-run').click();
      const problems = page.getByTestId('import-problems');
      await problems.waitFor();
      await textOf(problems).toContain('文件未导入，没有保存任何数据');
      await textOf(problems).toContain('pm25_target');
      await textOf(problems).toContain('长春市');
      const bad = page.locator('td[data-region="220100"][data-key="pm25_target"]');
      await visible(bad.getByTestId('cell-import-problem'));
      await textOf(bad.getByTestId('cell-import-problem')).toBe('文件中为「二十八」：应为数值');
      await valueOf(bad.locator('input')).toBe('34');
      await bad.scrollIntoViewIfNeeded();
      await shot(page, 'assess-01-import-refused', false);

      // The fixed file is checked first: the preview lists the cells it changes, before → after, and
      // nothing is saved until confirmed; cancelling leaves the data as it was.
      await page
        .getByTestId('import-file')
        .setInputFiles({ name: 'data-2024.csv', mimeType: 'text/csv', buffer: Buffer.from(goodCsv) });
      const hashBefore = (await (await context.request.get(`${server.base}/api/datasets/2024`)).json()).hash;
      await page.getByTestId('import-run').click();
      const preview = page.getByTestId('import-preview');
      await visible(preview);
      const change = preview.locator('tr[data-region="220100"][data-key="pm25_target"]');
      await textOf(change).toContain('长春市');
      await textOf(change).toMatch(/34\s*→\s*28/);
      await countOf(preview.locator('tbody tr')).toBe(changedCells);
      // A last-year value the file carries but the year does not store yet: stored by the import.
      await textOf(preview.locator('tr[data-region="220100"][data-key="prev.pm25"]')).toMatch(
        new RegExp(`—\\s*→\\s*${lastPm25}\\s*$`),
      );
      await textOf(page.getByTestId('import-confirm')).toBe(`确认导入（${changedCells}处改动）`);
      await shot(page, 'assess-01b-import-preview', false);
      await page.getByTestId('import-cancel').click();
      await countOf(page.getByTestId('import-preview')).toBe(0);
      await valueOf(page.locator('td[data-region="220100"][data-key="pm25_target"] input')).toBe('34');
      // nothing was saved by the preview: the year's hash is what it was before it
      expect((await (await context.request.get(`${server.base}/api/datasets/2024`)).json()).hash).toBe(
        hashBefore,
      );
      await page.getByTestId('import-run').click();
      await visible(page.getByTestId('import-preview'));
      await page.getByTestId('import-confirm').click();
      await textOf(page.getByTestId('import-done')).toBe(
        `已导入“data-2024.csv”：12个地区，${changedCells}个单元格有改动。`,
      );
      expect((await (await context.request.get(`${server.base}/api/datasets/2024`)).json()).hash).not.toBe(
        hashBefore,
      );
      await countOf(page.getByTestId('import-problems')).toBe(0);
      await valueOf(page.locator('td[data-region="220100"][data-key="pm25_target"] input')).toBe('28');
      await shot(page, 'assess-02-imported', false);

      // The template download is the version's XLSX.
      const template = await context.request.get(
        server.base + (await page.getByRole('link', { name: '下载模板（XLSX）' }).getAttribute('href')),
      );
      expect(template.status()).toBe(200);
      expect(template.headers()['content-type']).toContain('spreadsheetml');

      // A value typed into the grid is saved (only the changed cell is sent) and read back.
      const typed = page.locator('td[data-region="220200"][data-key="good_days_target"]');
      await typed.locator('input').fill('89.5');
      await expect.poll(() => typed.getAttribute('class'), WAIT).toContain('changed');
      await page.getByTestId('grid-save').click();
      await visible(page.getByText('已保存 1 个值。'));
      await valueOf(typed.locator('input')).toBe('89.5');
      await expect.poll(() => typed.getAttribute('class'), WAIT).not.toContain('changed');
    },
    STEP,
  );

  it(
    'runs 2024 with the version in force preselected and shows the ranking',
    async () => {
      await page.getByRole('link', { name: '考核', exact: true }).click();
      await page.getByTestId('run-form').waitFor();
      await valueOf(page.getByTestId('run-year')).toBe('2024');
      await expect
        .poll(() => page.getByTestId('run-version').locator('option:checked').textContent(), WAIT)
        .toContain('2024 年第 4 版');
      await expect
        .poll(() => page.getByTestId('run-version').locator('option:checked').textContent(), WAIT)
        .toContain('现行');
      await page.getByTestId('run-start').click();
      await page.waitForURL(/\/runs\/\d+$/);
      runId = Number(new URL(page.url()).pathname.split('/').pop());
      const ranking = page.getByTestId('ranking');
      await ranking.waitFor();
      await countOf(ranking.locator('tbody tr')).toBe(12);
      await textOf(page.getByTestId('grade-counts')).toContain('优秀');
      // Adjustments are named by their labels.
      await textOf(ranking).toContain('未按期完成生态环境保护督察问题整改任务');
      await textOf(ranking).toContain('生态环境监测数据弄虚作假');
      // Sorting by region name and filtering by grade.
      await page.getByRole('button', { name: /^地区/ }).click();
      // 不合格 in 2024: 梅河口市 (veto), 松原市 and 四平市 (合格 dropped a grade for a missed binding
      // target), 公主岭市 (by score).
      await page.locator('.filters select').first().selectOption({ label: '不合格' });
      await countOf(ranking.locator('tbody tr')).toBe(4);
      for (const name of ['梅河口市', '松原市', '四平市', '公主岭市'])
        await countOf(ranking.locator('tbody tr', { hasText: name })).toBe(1);
      await page.locator('.filters select').first().selectOption({ label: '全部' });
      await page.locator('.charts svg').first().waitFor();
      // Both exports answer with the run's results.
      const csv = await context.request.get(
        server.base + (await page.getByRole('link', { name: '导出 CSV' }).getAttribute('href')),
      );
      expect(csv.status()).toBe(200);
      expect(await csv.text()).toContain('长春市');
      const xlsx = await context.request.get(
        server.base + (await page.getByRole('link', { name: '导出 XLSX' }).getAttribute('href')),
      );
      expect(xlsx.status()).toBe(200);
      expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
      await shot(page, 'assess-03-run-results');
    },
    STEP,
  );

  it(
    'explains a region’s deduction on its page, with last year beside it',
    async () => {
      await page.getByTestId('ranking').getByRole('link', { name: '长春市' }).click();
      await page.waitForURL(new RegExp(`/runs/${runId}/regions/220100$`));
      const why = page.locator('tr[data-item="pm25"] [data-testid="item-why"]');
      await why.waitFor();
      await textOf(why).toContain('细颗粒物(PM2.5)浓度目标 28 μg/m³');
      await textOf(why).toContain('3 μg/m³ × 0.5 = 1.5');
      await textOf(why).toContain('扣 1.5 分');
      // Missing the lowered PM2.5 target is a missed binding target too: with the overdue inspection
      // tasks two triggers of the one 降档项, which stack with "max" — one grade down, 优秀 → 良好.
      await textOf(page.getByTestId('grade-path')).toContain(
        '触发降档项「未按期完成生态环境保护督察问题整改任务」、「未完成国家下达的约束性指标任务」，降 1 档 → 「良好」',
      );
      await textOf(page.getByTestId('previous')).toContain('2023 年');
      await page.locator('tr[data-item="pm25"] details summary').click();
      await textOf(page.locator('tr[data-item="pm25"] .trace')).toContain('公式结果 5.5');
      await shot(page, 'assess-04-region');
      await page.locator('tr[data-item="pm25"]').scrollIntoViewIfNeeded();
      await shot(page, 'assess-04b-region-deduction', false);
    },
    STEP,
  );

  it(
    'diffs 2024 against the 2025 draft and highlights a region whose grade moves',
    async () => {
      await page.getByRole('link', { name: '对比', exact: true }).click();
      const impact = page.getByTestId('impact');
      await impact.waitFor();
      await valueOf(page.getByTestId('diff-from')).toBe(String(v2024));
      await valueOf(page.getByTestId('diff-to')).toBe(String(v2025));
      const moved = impact.locator('tr[data-moved="true"]');
      expect(await moved.count()).toBeGreaterThan(0);
      await textOf(moved.first()).toContain('等级变化');
      // 松原市 (合格 by score, dropped to 不合格) scores 良好 under the 2025 draft's points: 合格 then.
      await countOf(impact.locator('tr[data-moved="true"]', { hasText: '松原市' })).toBe(1);
      // 2025 drops 非化石能源占一次能源消费比重 and gives its 2 points to CO₂ (4 → 5) and energy (4 → 5).
      const co2 = page
        .getByTestId('changes')
        .locator('li', { hasText: '单位GDP二氧化碳排放降低' })
        .filter({ has: page.locator('th', { hasText: '分值' }) });
      await countOf(co2).toBe(1);
      await textOf(co2).toMatch(/分值\s*4\s*→\s*5/);
      await textOf(page.getByTestId('changes')).toContain('非化石能源占一次能源消费比重');
      await shot(page, 'assess-05-diff');
    },
    STEP,
  );

  it(
    'print-previews the results notice on A4 without the application around it',
    async () => {
      await page.goto(`${server.base}/runs/${runId}`);
      await page.getByTestId('open-notice').click();
      const notice = page.getByTestId('notice');
      await notice.waitFor();
      // The frame follows the document settings (the plan's defaults), as the .docx does.
      await textOf(notice.locator('h1')).toBe(
        '吉林省人民政府关于2024年度政府生态环境保护目标责任制考核结果的通报',
      );
      await textOf(notice.getByTestId('doc-number')).toBe(
        `吉环考〔${new Date().getFullYear()}〕　号（尚未登记文号）`,
      );
      await textOf(notice.getByTestId('signature')).toMatch(/^吉林省人民政府\s+\d{4}年\d{1,2}月\d{1,2}日$/);
      await textOf(notice.getByTestId('record')).toContain('抄送：省纪委监委，省委组织部。');
      await textOf(notice).toContain('降档项');
      await textOf(notice).toContain('未按期完成生态环境保护督察问题整改任务');
      expect(await notice.innerText()).not.toContain('考核工作组');
      // The internal version carries the run and its hashes; the public one does not.
      await textOf(notice).toContain(`核验信息（内部）：考核运行编号${runId}；`);
      await page.getByTestId('notice-public-toggle').click();
      await expect.poll(() => notice.getAttribute('data-public'), WAIT).toBe('true');
      await textOf(notice).not.toContain('核验信息');
      expect(await notice.innerText()).not.toMatch(/哈希|[0-9a-f]{16}/);
      // A4 at 96 dpi, as the printed page lays out.
      await page.setViewportSize({ width: 794, height: 1123 });
      await page.emulateMedia({ media: 'print' });
      await hidden(page.locator('header.top'));
      await hidden(page.getByTestId('print'));
      await shot(page, 'assess-06-notice-print');
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1280, height: 800 });
    },
    STEP,
  );

  it(
    'shows the import and the run in the audit log, with links to them',
    async () => {
      await page.getByRole('link', { name: '审计', exact: true }).click();
      const table = page.getByTestId('audit-table');
      await table.waitFor();
      const imported = table.locator('tr[data-action="dataset.import"]');
      await countOf(imported).toBe(1);
      await textOf(imported).toContain('导入数据');
      await textOf(imported).toContain('data-2024.csv');
      await attrOf(imported.getByRole('link'), 'href').toBe(`/data?year=2024&version=${v2024}`);
      const run = table.locator(`tr[data-action="run.create"]`).first();
      await textOf(run).toContain(`考核 #${runId}`);
      await attrOf(run.getByRole('link'), 'href').toBe(`/runs/${runId}`);
      await shot(page, 'assess-07-audit', false);

      // Filtered to imports only.
      await page.getByTestId('audit-action').selectOption('dataset.import');
      await page.getByRole('button', { name: '筛选' }).click();
      await countOf(table.locator('tbody tr')).toBe(1);

      // The English switch.
      await page.getByRole('button', { name: 'English' }).click();
      await textOf(page.getByRole('heading', { level: 1 })).toBe('Audit log');
      await page.getByRole('button', { name: '中文' }).click();
      await textOf(page.getByRole('heading', { level: 1 })).toBe('审计日志');
    },
    STEP,
  );

  it(
    'adds a region and edits the years it is assessed',
    async () => {
      await page.getByRole('link', { name: '地区', exact: true }).click();
      const table = page.getByTestId('regions-table');
      await table.waitFor();
      await countOf(table.locator('tbody tr')).toBe(12);
      await page.getByRole('button', { name: '添加地区' }).click();
      const dialog = page.locator('dialog[open]');
      await dialog.getByLabel('代码').fill('229901');
      await dialog.getByLabel('中文名称').fill('示范新区');
      await dialog.getByLabel('考核年度').fill('2026');
      await dialog.getByRole('button', { name: '保存' }).click();
      await visible(page.getByText('已添加地区“示范新区”。'));
      const row = table.locator('tbody tr', { hasText: '229901' });
      await textOf(row).toContain('2026');
      await row.getByRole('button', { name: '编辑' }).click();
      await dialog.getByLabel('考核年度').fill('2026-2027');
      await dialog.getByRole('button', { name: '保存' }).click();
      await visible(page.getByText('已保存地区“示范新区”。'));
      await textOf(row).toContain('2026-2027');
      // A malformed year range is refused next to its field, nothing sent.
      await row.getByRole('button', { name: '编辑' }).click();
      await dialog.getByLabel('考核年度').fill('2026到明年');
      await dialog.getByRole('button', { name: '保存' }).click();
      await visible(dialog.getByText('年度格式不正确'));
      await dialog.getByRole('button', { name: '取消' }).click();
      await shot(page, 'assess-08-regions', false);
      expect(pageErrors).toEqual([]);
    },
    STEP,
  );
});
