/**
 * Schema version 2 in the editor, in a real browser against the real server, on a small document of
 * its own (not the samples): the parameters table (a parameter formulas read is locked and cannot be
 * removed; a bad key shows its problem on the field; formulas read it by its label), choices edited
 * with Chinese labels, and the data grid — choices shown by their labels, a label typed or pasted
 * into a cell read as its value, and the read-only 上年值 column beside an input that declares
 * `previous`, from last year's stored data or the year's own prev.KEY. Screenshots go to
 * test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RuleDocument } from '../engine/types.ts';
import { screenshot, type TestServer } from './browser.ts';
import { signedInPage, startE2e, stopE2e, waiters, type Api } from './helpers/e2e.ts';

const STEP = 90_000;
const WAIT = { timeout: 20_000, interval: 100 };
const { textOf, visible } = waiters(WAIT);

const YEAR = 2025;
const A = '220100';
const B = '220200';

const doc: RuleDocument = {
  schemaVersion: 2,
  family: 'v2-editor-e2e',
  year: YEAR,
  title: { zh: '第2版编辑器测试' },
  maxScore: 20,
  parameters: [
    { key: 'rate', label: { zh: '每降低1个百分点扣分' }, value: 0.25, unit: '分', basis: '实施方案第三条' },
  ],
  inputs: [
    {
      key: 'ratio',
      label: { zh: '优良天数比例' },
      type: 'number',
      min: 0,
      max: 100,
      unit: '%',
      role: 'actual',
      previous: 'required',
    },
    {
      key: 'level',
      label: { zh: '事件级别' },
      type: 'string',
      role: 'event',
      enum: [
        { value: 'none', label: { zh: '无' } },
        { value: 'general', label: { zh: '一般(Ⅳ级)' } },
        { value: 'larger', label: { zh: '较大(Ⅲ级)' } },
      ],
      default: 'none',
    },
    {
      key: 'tier',
      label: { zh: '整改档次' },
      type: 'integer',
      role: 'assessment',
      enum: [
        { value: 1, label: { zh: '一档' } },
        { value: 2, label: { zh: '二档' } },
      ],
      default: 1,
    },
  ],
  categories: [
    {
      id: 'air',
      label: { zh: '空气' },
      maxPoints: 10,
      items: [
        {
          id: 'ratio',
          label: { zh: '优良天数' },
          maxPoints: 10,
          logic: {
            '-': [
              10,
              { '*': [{ var: 'rate' }, { max: [0, { '-': [{ var: 'prev.ratio' }, { var: 'ratio' }] }] }] },
            ],
          },
        },
      ],
    },
    {
      id: 'events',
      label: { zh: '事件' },
      maxPoints: 10,
      items: [
        {
          id: 'level',
          label: { zh: '突发事件' },
          maxPoints: 10,
          logic: { if: [{ '==': [{ var: 'level' }, 'none'] }, 10, 0] },
        },
      ],
    },
  ],
  grades: [
    { id: 'good', label: { zh: '良好' }, min: 18 },
    { id: 'other', label: { zh: '其他' }, min: 0 },
  ],
};

describe('editor: schema version 2 (parameters, labelled choices, last year values)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let call: Api;
  let versionId = 0;

  beforeAll(async () => {
    ({ server, browser, admin: call } = await startE2e());
    ({ page, errors: pageErrors } = await signedInPage(browser, server, { width: 1440, height: 900 }));
    const created = await call('POST', '/api/versions', { document: doc }, { origin: server.base });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    versionId = created.body.id;
    // Last year's stored value for A; B brings its own prev.ratio with this year's data.
    const put = (year: number, regions: unknown) =>
      call('PUT', `/api/datasets/${year}?versionId=${versionId}`, { regions }, { origin: server.base });
    expect((await put(YEAR - 1, [{ code: A, values: { ratio: 80 } }])).status).toBe(200);
    const now = await put(YEAR, [
      { code: A, values: { ratio: 78, level: 'general' } },
      { code: B, values: { ratio: 75, 'prev.ratio': 70 } },
    ]);
    expect(now.status, JSON.stringify(now.body)).toBe(200);
  }, 240_000);

  afterAll(() => stopE2e(browser, server));

  it(
    'edits parameters: a used one is locked and cannot be removed, a bad key is shown on its field',
    async () => {
      await page.goto(`${server.base}/rules/${versionId}`);
      await page.click('[data-tab=parameters]');
      const table = page.locator('[data-testid=parameters-table]');
      await visible(table);
      const rate = table.locator('tr[data-param=rate]');
      await textOf(rate.locator('[data-testid=param-uses]')).toContain('被 1 个公式引用：ratio');
      expect(
        await rate.locator('input[data-path="/parameters/0/key"]').getAttribute('readonly'),
      ).not.toBeNull();
      await rate.getByRole('button', { name: '移除 rate' }).click();
      await textOf(page.locator('[data-testid=param-remove-refused]')).toContain('不能删除');
      expect(await table.locator('tr[data-param]').count()).toBe(1);

      // A new parameter, its key made invalid: the problem shows on the key field.
      await page.click('[data-testid=param-add]');
      const key = table.locator('input[data-path="/parameters/1/key"]');
      await visible(key);
      await key.fill('Bad Key');
      await expect.poll(() => key.getAttribute('aria-invalid'), WAIT).toBe('true');
      await visible(page.locator('[data-problems-for="/parameters/1/key"]'));
      await key.fill('threshold');
      await expect.poll(() => key.getAttribute('aria-invalid'), WAIT).toBe('false');
      await table.locator('input[aria-label="取值 threshold"]').fill('60');
      await table.locator('input[data-path="/parameters/1/label/zh"]').fill('达标阈值');
      await screenshot(page, 'v2-parameters');
      // Unused, it can be removed.
      await table.getByRole('button', { name: '移除 threshold' }).click();
      await expect.poll(() => table.locator('tr[data-param]').count(), WAIT).toBe(1);

      // The formula reads the parameter by its label and last year's value as 上年….
      await page.click('[data-tab=categories]');
      await page
        .locator('tr[data-path="/categories/0/items/0"]')
        .getByRole('button', { name: '公式', exact: true })
        .click();
      const readable = page.locator('[data-readable-for="/categories/0/items/0/logic"]');
      await textOf(readable).toContain('每降低1个百分点扣分');
      await textOf(readable).toContain('上年优良天数比例');
    },
    STEP,
  );

  it(
    'edits a choice label in the input declarations',
    async () => {
      await page.click('[data-tab=inputs]');
      await page.getByRole('button', { name: '详情 level' }).click();
      const choices = page.locator('[data-path="/inputs/1/enum"][data-testid=choices]');
      await visible(choices);
      const zh = choices.locator('input[data-path="/inputs/1/enum/2/label/zh"]');
      expect(await zh.inputValue()).toBe('较大(Ⅲ级)');
      await zh.fill('较大（Ⅲ级）');
      await zh.press('Tab');
      await screenshot(page, 'v2-choices');
      await page.click('[data-tab=json]');
      await textOf(page.locator('.editor')).toContain('较大（Ⅲ级）');
      // Put it back, so the data grid below reads the document as created.
      await page.click('[data-tab=inputs]');
      const again = page.locator('input[data-path="/inputs/1/enum/2/label/zh"]');
      if (!(await again.isVisible())) await page.getByRole('button', { name: '详情 level' }).click();
      await again.fill('较大(Ⅲ级)');
      await again.press('Tab');
      await expect
        .poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), WAIT)
        .toBe('saved');
    },
    STEP,
  );

  it(
    'shows choices by their labels, reads a typed or pasted label, and last year values read-only',
    async () => {
      await page.goto(`${server.base}/data?year=${YEAR}&version=${versionId}`);
      const grid = page.locator('[data-testid=data-grid]');
      await visible(grid);

      // 上年值: A from last year's stored data, B its own prev.ratio; not editable.
      const prevA = grid.locator(`td[data-prev=ratio][data-region="${A}"]`);
      const prevB = grid.locator(`td[data-prev=ratio][data-region="${B}"]`);
      await textOf(prevA).toBe('80');
      expect(await prevA.getAttribute('title')).toContain(`${YEAR - 1} 年存储的数据`);
      await textOf(prevB).toContain('70');
      expect(await prevB.getAttribute('title')).toContain('随本年数据导入');
      expect(await grid.locator('td[data-prev] input, td[data-prev] select').count()).toBe(0);
      await visible(grid.locator('th[data-prev-of=ratio]'));

      // A choice shows by its label.
      const levelA = grid.locator(`td[data-region="${A}"][data-key=level] select`);
      expect(await levelA.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe(
        '一般(Ⅳ级)',
      );

      // A label pasted into a choice cell is read as its value.
      const levelB = grid.locator(`td[data-region="${B}"][data-key=level] select`);
      await levelB.focus();
      await levelB.evaluate((el) => {
        const data = new DataTransfer();
        data.setData('text/plain', '较大(Ⅲ级)');
        el.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        );
      });
      await expect.poll(() => levelB.inputValue(), WAIT).toBe('larger');

      // A label typed into a text cell of a labelled integer input is accepted.
      const tierA = grid.locator(`td[data-region="${A}"][data-key=tier] input`);
      await tierA.fill('二档');
      expect(
        await grid.locator(`td[data-region="${A}"][data-key=tier] [data-testid=cell-problem]`).count(),
      ).toBe(0);
      // Something that is no choice is refused, the choices named by their labels.
      const tierB = grid.locator(`td[data-region="${B}"][data-key=tier] input`);
      await tierB.fill('三档');
      await textOf(
        grid.locator(`td[data-region="${B}"][data-key=tier] [data-testid=cell-problem]`),
      ).toContain('一档 / 二档');
      await screenshot(page, 'v2-data-grid');
      await tierB.fill('');

      await page.click('[data-testid=grid-save]');
      await expect
        .poll(
          async () =>
            (await call('GET', `/api/datasets/${YEAR}`)).body.regions.find(
              (r: { code: string }) => r.code === A,
            )?.values.tier,
          WAIT,
        )
        .toBe(2);
      const stored = (await call('GET', `/api/datasets/${YEAR}`)).body.regions;
      expect(stored.find((r: { code: string }) => r.code === B).values.level).toBe('larger');
      expect(pageErrors).toEqual([]);
    },
    STEP,
  );
});
