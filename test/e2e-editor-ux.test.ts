/**
 * The editor as an office uses it (issue [ux]), in Chromium against the real server: landing after
 * sign-in follows the role, "compare" from a run goes old → new, a region's history is one request,
 * and the results pages read on a 390 px phone (no sideways page scroll, navigation in a menu).
 * Screenshots go to test-artifacts/ux-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openPage, screenshot, signIn, type TestServer } from './browser.ts';
import { addUsers, startE2e, stopE2e, type Api } from './helpers/e2e.ts';

const STEP = 90_000;
const WAIT = { timeout: 20_000, interval: 100 };

describe('editor: everyday use', () => {
  let server: TestServer;
  let browser: Browser;
  let api: Api;
  const versions: Record<number, number> = {};
  let run2024 = 0;

  beforeAll(async () => {
    ({ server, browser, admin: api } = await startE2e());
    const same = { origin: server.base };
    await addUsers(
      api,
      [{ username: 'rev', displayName: '审阅人甲', role: 'reviewer', password: 'reviewer-pass-1' }],
      same,
    );
    for (const v of (await api('GET', '/api/versions?status=published')).body.versions)
      versions[v.year] = v.id;
    for (const year of [2023, 2024]) {
      const r = await api('POST', '/api/runs', { versionId: versions[year], year }, same);
      expect(r.status).toBe(201);
      if (year === 2024) run2024 = r.body.id;
    }
  }, 240_000);

  afterAll(() => stopE2e(browser, server));

  it(
    "after signing out, the next user lands on their own role's start page, not the last user's page",
    async () => {
      const { context, page, errors } = await openPage(browser);
      await signIn(page, server);
      await page.goto(`${server.base}/users`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.waitForURL((u) => u.pathname === '/login');
      expect(new URL(page.url()).search).toBe('');
      await signIn(page, server, { username: 'rev', password: 'reviewer-pass-1' });
      await expect.poll(() => new URL(page.url()).pathname, WAIT).toBe('/rules');
      await expect.poll(() => page.getByText('无权进行此操作').count(), WAIT).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    STEP,
  );

  it(
    '"compare with other versions" from a 2024 run compares 2023 → 2024',
    async () => {
      const { context, page } = await openPage(browser);
      await signIn(page, server);
      await page.goto(`${server.base}/runs/${run2024}`);
      await page.getByRole('link', { name: '与其他版本对比' }).click();
      await page.waitForURL((u) => u.pathname === '/diff');
      await expect.poll(() => page.getByTestId('diff-from').inputValue(), WAIT).toBe(String(versions[2023]));
      await expect.poll(() => page.getByTestId('diff-to').inputValue(), WAIT).toBe(String(versions[2024]));
      await context.close();
    },
    STEP,
  );

  it(
    "a region's page loads its history in one request, without reading other runs whole",
    async () => {
      const { context, page } = await openPage(browser);
      await signIn(page, server);
      const runReads: string[] = [];
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (/^\/api\/runs(\/\d+)?(\/regions\/\w+(\/history)?)?$/.test(path)) runReads.push(path);
      });
      await page.goto(`${server.base}/runs/${run2024}/regions/220100`);
      await page.getByTestId('previous').waitFor();
      await expect.poll(() => runReads.some((p) => p.endsWith('/history')), WAIT).toBe(true);
      await page.waitForLoadState('networkidle');
      expect(runReads.sort()).toEqual(
        [
          `/api/runs/${run2024}`,
          `/api/runs/${run2024}/regions/220100`,
          `/api/runs/${run2024}/regions/220100/history`,
        ].sort(),
      );
      await context.close();
    },
    STEP,
  );

  it(
    'results read on a 390 px phone: no sideways page scroll, the navigation opens from a menu',
    async () => {
      const { context, page } = await openPage(browser, { width: 390, height: 844 });
      await signIn(page, server);
      for (const [path, name] of [
        [`/runs/${run2024}`, 'ux-390-run'],
        [`/runs/${run2024}/regions/220100`, 'ux-390-region'],
        ['/runs', 'ux-390-runs'],
        ['/rules', 'ux-390-rules'],
      ] as const) {
        await page.goto(server.base + path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
        await screenshot(page, name);
      }
      const nav = page.getByRole('navigation', { name: '主导航' });
      await expect.poll(() => nav.isVisible(), WAIT).toBe(false);
      await page.getByRole('button', { name: '菜单' }).click();
      await expect.poll(() => nav.isVisible(), WAIT).toBe(true);
      await screenshot(page, 'ux-390-menu');
      await nav.getByRole('link', { name: '考核' }).click();
      await page.waitForURL((u) => u.pathname === '/runs');
      await expect.poll(() => nav.isVisible(), WAIT).toBe(false);
      await context.close();
    },
    STEP,
  );

  it('at 360 px wide tables scroll inside their panel: results, print page, diff, and the sensitivity analysis', async () => {
    const { context, page, errors } = await openPage(browser, { width: 360, height: 780 });
    await signIn(page, server);
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    for (const [path, name] of [
      [`/runs/${run2024}`, 'ux-360-run'],
      [`/runs/${run2024}/notice`, 'ux-360-notice'],
      [`/diff`, 'ux-360-diff'],
      ['/audit', 'ux-360-audit'],
    ] as const) {
      await page.goto(server.base + path);
      await page.waitForLoadState('networkidle');
      await expect.poll(pageWidth, WAIT).toBeLessThanOrEqual(360);
      await screenshot(page, name);
    }
    // The sensitivity analysis of the draft, in the editor's side panel.
    const draft = (await api('GET', '/api/versions?status=draft')).body.versions[0].id as number;
    await page.goto(`${server.base}/rules/${draft}`);
    await page.locator('[data-side="sensitivity"]').click();
    await page.getByRole('button', { name: '运行分析' }).click();
    const table = page.getByTestId('sensitivity-table').first();
    await table.waitFor({ timeout: 60_000 });
    await expect.poll(pageWidth, WAIT).toBeLessThanOrEqual(360);
    // The wrapper keeps to the screen, and the table scrolls sideways inside it (the wrapper or,
    // on a phone, the table itself is the scroller).
    const box = await table.evaluate((el) => {
      const t = el.querySelector('table')!;
      return {
        right: el.getBoundingClientRect().right,
        scrolls: el.scrollWidth > el.clientWidth || t.scrollWidth > t.clientWidth,
      };
    });
    expect(box.right).toBeLessThanOrEqual(360);
    expect(box.scrolls, 'the table scrolls sideways inside its panel').toBe(true);
    // Region names stay on one line (the issue: one character per line).
    const cell = table.locator('tbody tr td').first();
    const height = await cell.evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeLessThan(40);
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'ux-360-sensitivity');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it(
    'users: a taken username is said once, in the dialog; 停用 asks first and can be cancelled',
    async () => {
      const { context, page } = await openPage(browser);
      await signIn(page, server);
      await page.goto(`${server.base}/users`);
      await page.getByRole('button', { name: '＋ 添加用户' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('用户名').fill('rev');
      await dialog.getByLabel('姓名').fill('重名');
      await dialog.getByLabel('初始密码').fill('another-pass-1');
      await dialog.getByRole('button', { name: '添加用户' }).click();
      const taken = page.locator('.alert.error, [role=alert]');
      await expect.poll(() => dialog.locator('.alert.error, [role=alert]').count(), WAIT).toBe(1);
      expect(await taken.count()).toBe(1);
      await dialog.getByRole('button', { name: '取消' }).click();

      const row = page.locator('tr[data-user=rev]');
      await row.getByRole('button', { name: '停用' }).click();
      await expect.poll(() => page.getByTestId('confirm-message').innerText(), WAIT).toContain('审阅人甲');
      await screenshot(page, 'ux-users-disable-confirm');
      await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
      await expect.poll(() => row.innerText(), WAIT).toContain('正常');
      await row.getByRole('button', { name: '停用' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '停用' }).click();
      await expect.poll(() => row.innerText(), WAIT).toContain('已停用');
      await row.getByRole('button', { name: '启用' }).click();
      await expect.poll(() => row.innerText(), WAIT).toContain('正常');
      await context.close();
    },
    STEP,
  );

  it(
    'adding an input offers its default in the same step, so the preview keeps scoring every region',
    async () => {
      const { context, page } = await openPage(browser);
      await signIn(page, server);
      const drafts = (await api('GET', '/api/versions?status=draft')).body.versions;
      await page.goto(`${server.base}/rules/${drafts[0].id}`);
      await page.click('[data-side=preview]');
      const scored = page.locator('.preview tr[data-region] td.total');
      await expect.poll(() => scored.count(), WAIT).toBe(12);
      await page.getByRole('tab', { name: '输入项' }).click();
      await page.getByRole('button', { name: '＋ 添加输入项' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/名称.中文./).fill('获国家级生态环境表彰次数');
      await dialog.getByLabel('标识').fill('national_honours');
      // A brand-new key is in nobody's data: the default is offered first.
      await expect.poll(() => dialog.locator('input[value=default]').isChecked(), WAIT).toBe(true);
      await dialog.locator('input[value=required]').check();
      await expect
        .poll(() => dialog.getByTestId('add-input-warning').innerText(), WAIT)
        .toContain('12 个地区');
      await dialog.locator('input[value=default]').check();
      await screenshot(page, 'ux-add-input');
      await dialog.getByRole('button', { name: '添加' }).click();
      const keys = page.locator('input[data-path^="/inputs/"][data-path$="/key"]');
      await expect
        .poll(() => keys.evaluateAll((l) => l.map((e) => (e as HTMLInputElement).value)), WAIT)
        .toContain('national_honours');
      await page.waitForTimeout(800);
      await expect.poll(() => scored.count(), WAIT).toBe(12);
      expect(await page.locator('.preview td.err').count()).toBe(0);
      await context.close();
    },
    STEP,
  );

  it(
    'the data grid works like a spreadsheet: arrows and Enter move, Shift+arrows select a range that copies and clears, Ctrl+Z undoes',
    async () => {
      const { context, page } = await openPage(browser);
      await signIn(page, server);
      await page.goto(`${server.base}/data?year=2024`);
      const cell = (r: number, c: number) => page.locator(`[data-cell="${r}:${c}"]`);
      await cell(0, 0).waitFor();
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-cell'));
      const original = await cell(0, 0).inputValue();

      await cell(0, 0).fill('77.7');
      await page.keyboard.press('Enter');
      await expect.poll(focused, WAIT).toBe('1:0');
      await page.keyboard.press('ArrowRight'); // the moved-to text is selected whole: the caret is at its end
      await expect.poll(focused, WAIT).toBe('1:1');
      await page.keyboard.press('ArrowUp');
      await expect.poll(focused, WAIT).toBe('0:1');

      await page.keyboard.press('Control+z');
      await expect.poll(() => cell(0, 0).inputValue(), WAIT).toBe(original);
      await page.keyboard.press('Control+y');
      await expect.poll(() => cell(0, 0).inputValue(), WAIT).toBe('77.7');

      // A range: from 0:0 two cells down and one right.
      await cell(0, 0).focus();
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+ArrowRight');
      await expect.poll(() => page.locator('td.selected').count(), WAIT).toBe(4);
      const texts = [
        [await cell(0, 0).inputValue(), await cell(0, 1).inputValue()],
        [await cell(1, 0).inputValue(), await cell(1, 1).inputValue()],
      ];
      const copied = await page.evaluate(() => {
        const dt = new DataTransfer();
        document.activeElement!.dispatchEvent(
          new ClipboardEvent('copy', { clipboardData: dt, bubbles: true }),
        );
        return dt.getData('text/plain');
      });
      expect(copied).toBe(texts.map((r) => r.join('\t')).join('\n'));
      await screenshot(page, 'ux-grid-range');

      await page.keyboard.press('Delete');
      await expect.poll(() => cell(1, 1).inputValue(), WAIT).toBe('');
      await page.getByTestId('grid-undo').click();
      await expect.poll(() => cell(1, 1).inputValue(), WAIT).toBe(texts[1][1]);
      await expect.poll(() => cell(0, 0).inputValue(), WAIT).toBe('77.7');
      await context.close();
    },
    STEP,
  );

  it(
    'in English, results and the data grid name regions in English',
    async () => {
      const { context, page } = await openPage(browser);
      await signIn(page, server);
      await page.goto(`${server.base}/runs/${run2024}`);
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('table').first().innerText(), WAIT).toContain('Changchun');
      await page.goto(`${server.base}/runs/${run2024}/regions/220100`);
      await expect.poll(() => page.getByTestId('region-title').innerText(), WAIT).toContain('Changchun');
      await page.goto(`${server.base}/data?year=2024`);
      await expect.poll(() => page.locator('th.rowhead').first().innerText(), WAIT).toContain('Changchun');
      await page.getByRole('button', { name: '中文' }).click();
      await expect.poll(() => page.locator('th.rowhead').first().innerText(), WAIT).toContain('长春市');
      await context.close();
    },
    STEP,
  );
});
