/**
 * Four eyes in the browser (SPEC section 11): an editor asks to publish the 2025 draft (validation,
 * tests and the diff against the version in force shown first); the draft is then locked and the
 * same editor is offered no approval (and the API refuses it, 403 same_person); a second editor sees
 * the request in the navigation badge and on the approvals page, opens it, gives the 文号 and the
 * effective date (a malformed 文号 is refused on the page), confirms both, and the version is
 * published. Then a run is published the same way from the run page, with its appeal window.
 * Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiSession, openPage, screenshot, signIn, type TestServer } from './browser.ts';
import { addUsers, startE2e, stopE2e, versionIdOf, type Api } from './helpers/e2e.ts';

const STEP = 90_000;

describe('four eyes in the editor', () => {
  let server: TestServer;
  let browser: Browser;
  let draftId = 0;
  let admin: Api;

  beforeAll(async () => {
    ({ server, browser, admin } = await startE2e());
    await addUsers(admin, [
      { username: 'zhao', role: 'editor', displayName: 'zhao editor' },
      { username: 'qian', role: 'editor', displayName: 'qian editor' },
      { username: 'sun', role: 'assessor', displayName: 'sun assessor' },
    ]);
    draftId = await versionIdOf(admin, 2025, 'draft');
  }, 300_000);

  afterAll(() => stopE2e(browser, server));

  it(
    'an editor requests publication; the draft is locked and the requester cannot approve',
    async () => {
      const { page, errors } = await openPage(browser);
      await signIn(page, server, { username: 'zhao', password: 'zhao-password-1' });
      await page.goto(`${server.base}/rules/${draftId}`);
      await page.click('[data-testid=open-publish]');
      const dialog = page.locator('dialog[open]');
      await dialog.locator('[data-testid=publish-valid]').waitFor();
      expect(await dialog.locator('input[name=docNumber]').count()).toBe(0); // the approver gives it
      await screenshot(page, 'trust-01-request');
      await dialog.locator('[data-testid=confirm-publish]').click();
      await page.waitForSelector('[data-testid=pending-banner]');
      expect(await page.locator('[data-testid=pending-banner]').innerText()).toContain('zhao editor');
      expect(await page.locator('[data-testid=open-approve]').count()).toBe(0);
      expect(await page.locator('[data-testid=not-you]').count()).toBe(1);
      expect(await page.locator('[data-testid=open-publish]').count()).toBe(0);
      await page.click('[data-tab=overview]');
      expect(await page.locator('input[data-path="/title/zh"]').isDisabled()).toBe(true);
      await screenshot(page, 'trust-02-pending');
      // The API refuses the requester too.
      const self = await page.evaluate(async (id) => {
        const r = await fetch(`/api/versions/${id}/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ docNumber: '吉环考〔2025〕3号', effectiveDate: '2025-03-01' }),
        });
        return { status: r.status, code: (await r.json()).code };
      }, draftId);
      expect(self).toEqual({ status: 403, code: 'same_person' });
      expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
    },
    STEP,
  );

  it(
    'another editor sees the badge, opens the request, gives the 文号 and date, confirms both and publishes',
    async () => {
      const { page, errors } = await openPage(browser);
      await signIn(page, server, { username: 'qian', password: 'qian-password-1' });
      await expect.poll(() => page.locator('[data-testid=approvals-badge]').innerText()).toBe('1');
      await page.click('nav a[href="/approvals"]');
      const row = page.locator(`[data-testid=pending-versions] tr[data-version="${draftId}"]`);
      expect(await row.innerText()).toContain('zhao editor');
      await screenshot(page, 'trust-03-approvals');
      await row.locator('a.btn').click();
      const dialog = page.locator('dialog[open]');
      await dialog.locator('[data-testid=publish-valid]').waitFor();
      expect(await dialog.locator('[data-testid=approve-requested]').innerText()).toContain('zhao editor');
      const confirm = dialog.locator('[data-testid=confirm-publish]');
      await dialog.locator('input[name=docNumber]').fill('吉环考〔2025〕03号');
      await dialog.locator('input[name=effectiveDate]').fill('2025-03-01');
      await dialog.locator('[data-testid=doc-number-problem]').waitFor();
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.locator('input[name=docNumber]').fill('吉环考〔2025〕3号');
      expect(await confirm.isDisabled()).toBe(false);
      await confirm.click();
      const text = await dialog.locator('[data-testid=publish-confirm-text]').innerText();
      expect(text).toContain('吉环考〔2025〕3号');
      expect(text).toContain('2025年3月1日');
      await screenshot(page, 'trust-04-confirm');
      await confirm.click();
      await page.waitForSelector('.editor[data-status="published"]');
      expect(await page.locator('.editor .meta').innerText()).toContain('吉环考〔2025〕3号');
      await screenshot(page, 'trust-05-published');
      const v = await admin('GET', `/api/versions/${draftId}`);
      expect(v.body).toMatchObject({
        status: 'published',
        requestedBy: 'zhao',
        publishedBy: 'qian',
        docNumber: '吉环考〔2025〕3号',
        effectiveDate: '2025-03-01',
        fourEyes: true,
      });
      expect(await page.locator('[data-testid=approvals-badge]').count()).toBe(0);
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'a run is published from the run page with four eyes, showing the appeal window and the sealed file',
    async () => {
      const sun = await apiSession(server, 'sun', 'sun-password-1');
      const run = await sun('POST', '/api/runs', { versionId: draftId, year: 2025 });
      expect(run.status).toBe(201);
      const { page, errors } = await openPage(browser);
      await signIn(page, server, { username: 'sun', password: 'sun-password-1' });
      await page.goto(`${server.base}/runs/${run.body.id}`);
      await page.click('[data-testid=request-run]');
      await page.fill('input[name=runDocNumber]', '吉环考〔2026〕1号');
      await page.fill('input[name=publishedOn]', '2026-04-30');
      // The dialog shows the 文号 and the dates once more before the request is sent.
      await page.click('[data-testid=confirm-request-run]');
      expect(await page.locator('[data-testid=run-request-check]').innerText()).toContain(
        '吉环考〔2026〕1号',
      );
      await page.click('[data-testid=confirm-request-run]');
      await page.waitForSelector('[data-testid=run-publication][data-state=pending]');
      expect(await page.locator('[data-testid=approve-run]').count()).toBe(0);
      const sealed = await page.locator('[data-testid=download-sealed]').getAttribute('href');
      expect(sealed).toBe(`/api/runs/${run.body.id}/sealed`);
      await screenshot(page, 'trust-06-run-pending');

      const other = await openPage(browser);
      await signIn(other.page, server);
      await other.page.goto(`${server.base}/runs/${run.body.id}`);
      await other.page.click('[data-testid=approve-run]');
      expect(await other.page.locator('[data-testid=run-approve-check]').innerText()).toContain(
        '吉环考〔2026〕1号',
      );
      await other.page.click('[data-testid=confirm-approve-run]');
      await other.page.waitForSelector('[data-testid=run-publication][data-state=published]');
      expect(await other.page.locator('[data-testid=appeal-ends]').getAttribute('data-date')).toBe(
        '2026-05-15',
      );
      expect(await other.page.locator('[data-testid=appeal-ends]').innerText()).toContain('2026年5月15日');
      await screenshot(other.page, 'trust-07-run-published');
      expect([...errors, ...other.errors]).toEqual([]);
    },
    STEP,
  );

  it(
    'shows the change history of a region and of one cell in the data grid',
    async () => {
      const sun = await apiSession(server, 'sun', 'sun-password-1');
      const grid = await sun('GET', '/api/datasets/2024');
      const row = grid.body.regions.find((r: { code: string }) => r.code === '220100');
      const key = Object.keys(row.values).find((k) => typeof row.values[k] === 'number')!;
      const versions = (await sun('GET', '/api/versions?year=2024&status=published')).body.versions;
      const put = await sun('PUT', `/api/datasets/2024?versionId=${versions[0].id}`, {
        regions: [{ code: '220100', values: { [key]: row.values[key] + 1 } }],
      });
      expect(put.status).toBe(200);
      const { page, errors } = await openPage(browser);
      await signIn(page, server, { username: 'sun', password: 'sun-password-1' });
      await page.goto(`${server.base}/data?year=2024`);
      await page.locator('tr:has(th.rowhead:has-text("220100")) [data-testid=region-history]').click();
      const table = page.locator('dialog[open] [data-testid=history-table]');
      await table.waitFor();
      expect(await table.innerText()).toContain('sun assessor');
      await page.locator('dialog[open] [data-testid=history-key]').selectOption(key);
      await expect.poll(() => table.getAttribute('data-total')).toBe('2');
      const text = await table.innerText();
      expect(text).toContain(String(row.values[key]));
      expect(text).toContain(String(row.values[key] + 1));
      await screenshot(page, 'trust-08-cell-history');
      expect(errors).toEqual([]);
    },
    STEP,
  );
});
