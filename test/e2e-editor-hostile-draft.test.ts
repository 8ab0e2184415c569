/**
 * A hostile draft cannot freeze the editor (issue 11): derived values that double a string with
 * `cat` 25 times, read by `in`, saved as a draft through the API. The editor evaluates it in its
 * engine Web Worker: the page keeps answering while the worker works, the preview says the engine
 * was stopped (time limit) or refused the string, and the next draft opened in the same tab is
 * scored by a fresh worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, screenshot, type OpenedPage, type TestServer } from './browser.ts';
import { signedInPage, startE2e, stopE2e, versionIdOf, type Api } from './helpers/e2e.ts';

/** The 2024 rules with 26 derived strings, each twice the one before (2^25 × 4 characters). */
function hostileDocument(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = JSON.parse(readFileSync(join(ROOT, 'rules/jilin-eco-target/2024.json'), 'utf8')) as any;
  doc.derived.push({ key: 'h0', label: { zh: 'h0' }, logic: { cat: ['ab', 'cd'] } });
  for (let i = 1; i <= 25; i++)
    doc.derived.push({
      key: `h${i}`,
      label: { zh: `h${i}` },
      logic: { cat: [{ var: `h${i - 1}` }, { var: `h${i - 1}` }] },
    });
  const item = doc.categories[0].items[0];
  item.logic = { if: [{ in: ['zz', { var: 'h25' }] }, 0, item.logic] };
  delete doc.tests;
  return doc;
}

/** How long the page takes to run a trivial script (its main thread is free, or not). */
async function responseTime(page: Page): Promise<number> {
  const start = Date.now();
  await page.evaluate(() => 1);
  return Date.now() - start;
}

describe('a hostile draft in the editor', () => {
  let server: TestServer;
  let browser: Browser;
  let opened: OpenedPage;
  let hostileId = 0;
  let seededDraftId = 0;

  beforeAll(async () => {
    let api: Api;
    ({ server, browser, admin: api } = await startE2e());
    const v2024 = await versionIdOf(api, 2024, 'published');
    seededDraftId = await versionIdOf(api, 2025, 'draft');
    const draft = await api('POST', '/api/versions', { from: v2024 });
    expect(draft.status).toBe(201);
    const put = await api(
      'PUT',
      `/api/versions/${draft.body.id}`,
      { document: hostileDocument() },
      { 'If-Match': `"${draft.body.revision}"` },
    );
    expect(put.status).toBe(200);
    hostileId = draft.body.id;
    opened = await signedInPage(browser, server);
  }, 600_000);

  afterAll(() => stopE2e(browser, server));

  it('keeps the tab responsive, says why the preview stopped, and recovers for the next draft', async () => {
    const { page } = opened;
    await page.goto(`${server.base}/rules/${hostileId}`);
    await page.waitForSelector('.editor[data-status="draft"]');
    await page.click('[data-side=preview]');

    // While the worker evaluates, the page answers at once, again and again.
    const times: number[] = [];
    const error = page.getByTestId('preview-error');
    // The worker's time limit stops the evaluation (a preview error), or the engine's string cap
    // (MAX_STRING_LENGTH) refuses the string first and every region shows its formula error.
    const regionErrors = page.locator('.preview td.err');
    const stopped = page.locator('[data-testid=preview-error], .preview td.err');
    for (let i = 0; i < 60 && (await stopped.count()) === 0; i++) {
      times.push(await responseTime(page));
      await page.waitForTimeout(250);
    }
    await stopped.first().waitFor({ timeout: 30_000 });
    if (times.length) expect(Math.max(...times)).toBeLessThan(1000);
    const said =
      (await error.count()) > 0
        ? await error.innerText()
        : ((await regionErrors.first().getAttribute('title')) ?? '') +
          (await regionErrors.first().innerText());
    expect(said).toMatch(/超过 \d+ 秒|字符串|string|公式/i);
    await screenshot(page, 'editor-hostile-draft-01-preview-stopped');
    // The forms still work.
    await page.locator('input[data-path="/title/zh"]').fill('恶意草稿(已停止计算)');
    expect(await page.locator('input[data-path="/title/zh"]').inputValue()).toBe('恶意草稿(已停止计算)');

    // Another draft opened in the same tab (no reload) is scored by a fresh worker.
    await page.click('a.back');
    await page.locator(`a[href="/rules/${seededDraftId}"]`).first().click();
    await page.waitForURL(new RegExp(`/rules/${seededDraftId}$`));
    await page.waitForSelector('.editor[data-status="draft"]');
    await page.click('[data-side=preview]');
    await page.getByTestId('preview-table').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('preview-table').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(opened.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 180_000);
});
