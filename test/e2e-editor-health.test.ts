/**
 * The 规则体检 panel and the 整改路径 card in a real browser (Debian's Chromium) against the real
 * server: a veto made impossible in the 2025 draft is found live and shown on its field; the full
 * check lists the overlapping downgrades with their example inputs, one of which becomes a test;
 * the tests tab shows the coverage; the publish dialog shows the findings; a region's result page
 * shows its path to the next grade.
 * Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshot, type TestServer } from './browser.ts';
import { signedInPage, startE2e, stopE2e, versionIdOf, waiters, type Api } from './helpers/e2e.ts';

const STEP = 180_000;
const WAIT = { timeout: 90_000, interval: 200 };
const { countOf, textOf, visible } = waiters(WAIT);

const shot = (page: Page, name: string, fullPage = false) => screenshot(page, name, { fullPage });

describe('editor: 规则体检 and 整改路径 in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  let v2025 = 0;
  let runId = 0;
  let fraudIndex = -1;

  beforeAll(async () => {
    let admin: Api;
    ({ server, browser, admin } = await startE2e());
    ({
      context,
      page,
      errors: pageErrors,
    } = await signedInPage(browser, server, { width: 1440, height: 900 }));
    const api = context.request;
    v2025 = await versionIdOf(admin, 2025, 'draft');
    const v2024 = await versionIdOf(admin, 2024, 'published');
    // The draft's data-fraud veto rewritten so that it can never fire (satisfaction is at most 100).
    const draft = await (await api.get(`${server.base}/api/versions/${v2025}`)).json();
    const doc = draft.document;
    // The 数据造假 veto made impossible: satisfaction is at most 100.
    fraudIndex = doc.vetoes.findIndex((v: { id: string }) => v.id === 'data_fraud');
    expect(fraudIndex).toBeGreaterThanOrEqual(0);
    doc.vetoes[fraudIndex].when = { '>': [{ var: 'satisfaction' }, 150] };
    const put = await api.put(`${server.base}/api/versions/${v2025}`, {
      data: { document: doc },
      headers: { 'If-Match': `"${draft.revision}"` },
    });
    expect(put.status()).toBe(200);
    const run = await api.post(`${server.base}/api/runs`, { data: { versionId: v2024, year: 2024 } });
    expect(run.status()).toBe(201);
    runId = (await run.json()).id;
  }, STEP);

  afterAll(() => stopE2e(browser, server));

  it(
    'finds the impossible veto live, shows it on its field, and turns an overlap into a test',
    async () => {
      await page.goto(`${server.base}/rules/${v2025}`);
      await page.click('[data-side=health]');
      const panel = page.locator('[data-testid=health-panel]');
      await visible(panel);
      // The interval analysis proves it at once, the full check (server, worker thread) agrees.
      await countOf(panel.locator('[data-code=veto_never_fires][data-id=data_fraud]')).toBe(1);
      await textOf(page.locator('[data-testid=health-source]')).toContain('完整体检');
      // Two 降档项 triggers and two caps that can fire together: 1 + 2 × 2 pairs (as `ecoscore check` says).
      await countOf(panel.locator('[data-code=conditions_overlap]')).toBe(5);
      expect(await panel.locator('[data-code=veto_never_fires]').innerText()).toContain('永远不会触发');
      await shot(page, 'health-panel');

      // On its field: the adjustments tab, the veto's condition.
      await panel.locator('[data-code=veto_never_fires] button', { hasText: '定位' }).click();
      const onField = page.locator(`[data-health-for="/vetoes/${fraudIndex}/when"]`);
      await visible(onField);
      expect(await onField.innerText()).toContain('体检');
      await shot(page, 'health-on-field');

      // The first overlap's example inputs become a test, whose expectations the engine filled in.
      await page.click('[data-side=health]');
      const overlap = panel.locator('[data-code=conditions_overlap]').first();
      await overlap.locator('summary').click();
      await overlap.locator('[data-testid=add-witness-test]').click();
      await textOf(overlap.locator('[data-testid=add-witness-test]')).toContain('已添加');
      await page.click('[data-tab=tests]');
      await countOf(page.locator('[data-path^="/tests/"][data-path$="/name"]')).toBeGreaterThan(6);
      const coverage = page.locator('.content [data-testid=test-coverage]');
      await visible(coverage);
      await textOf(coverage.locator('[data-testid=coverage-items]')).toMatch(/\d+ \/ 30/);
      await shot(page, 'health-coverage', true);

      // The publish dialog shows the findings to whoever confirms (without blocking).
      await page.click('[data-testid=open-publish]');
      const inDialog = page.locator('[data-testid=publish-health]');
      await textOf(inDialog).toContain('问题 1');
      expect(await page.locator('[data-testid=publish-tests]').innerText()).toContain('7');
      await shot(page, 'health-publish');
      await page.keyboard.press('Escape');
      expect(pageErrors).toEqual([]);
    },
    STEP,
  );

  it(
    "shows a region's path to the next grade, checked by the engine",
    async () => {
      await page.goto(`${server.base}/runs/${runId}/regions/220700`);
      const card = page.locator('[data-testid=improvement-path]');
      await visible(card);
      const changes = card.locator('[data-testid=path-changes]');
      await visible(changes);
      expect(await changes.innerText()).toContain('non_fossil_share');
      expect(await card.innerText()).toContain('已由计分引擎验证');
      // Whether the solver proved the path minimal, in words (and the note when it did not).
      const minimal = card.locator('[data-testid=path-minimal]');
      await visible(minimal);
      const proven = (await minimal.getAttribute('data-minimal')) === 'true';
      expect(await minimal.innerText()).toContain(proven ? '已证明最少' : '未证明最少');
      if (!proven) await visible(card.locator('[data-testid=path-note]'));
      await card.scrollIntoViewIfNeeded();
      await shot(page, 'health-path');
      // A region a downgrade holds back: out of reach, with the reason.
      await page.goto(`${server.base}/runs/${runId}/regions/220100`);
      await visible(card.locator('[data-testid=path-unreachable]'));
      expect(await card.innerText()).toContain('降档项「未按期完成生态环境保护督察问题整改任务」触发');
      await card.scrollIntoViewIfNeeded();
      await shot(page, 'health-path-unreachable');
      expect(pageErrors).toEqual([]);
    },
    STEP,
  );
});
