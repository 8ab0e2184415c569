/**
 * Two people on one draft (issue 11, "conflicts never lose work"): two browser contexts — the admin
 * and a second editor, each with their own cookies and storage — edit the seeded 2025 draft.
 * A conflicting edit of one field shows the dialog; "采用对方的" takes theirs and the dialog does not
 * come back after a reload; "保留我的" really saves (a reload and the API show it), also when the
 * conflict is found on reopening with unsaved edits in the local backup; edits of different fields
 * are merged automatically and the user is told. Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openPage, screenshot, signIn, type OpenedPage, type TestServer } from './browser.ts';
import { addUsers, startE2e, stopE2e, versionIdOf, type Api } from './helpers/e2e.ts';

const STEP = 90_000;
const EDITOR2 = { username: 'editor2', password: 'editor2-password' };

describe('two people editing one draft', () => {
  let server: TestServer;
  let browser: Browser;
  let a: OpenedPage;
  let b: OpenedPage;
  let draftId = 0;
  let api: Api;

  const stored = async () => (await api('GET', `/api/versions/${draftId}`)).body;
  const basis = (page: Page) => page.locator('textarea[data-path="/basis"]');
  const titleEn = (page: Page) => page.locator('input[data-path="/title/en"]');
  const dialog = (page: Page) => page.locator('dialog[open]');

  async function open(page: Page): Promise<void> {
    await page.goto(`${server.base}/rules/${draftId}`);
    await page.waitForSelector('.editor[data-status="draft"]');
  }

  /** Waits until the page says 已保存 and the server holds `check`. */
  async function savedOn(page: Page, check: (doc: Record<string, unknown>) => boolean): Promise<void> {
    await expect.poll(async () => check((await stored()).document), { timeout: 20_000 }).toBe(true);
    await expect
      .poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 20_000 })
      .toBe('saved');
  }

  beforeAll(async () => {
    ({ server, browser, admin: api } = await startE2e());
    await addUsers(api, [{ ...EDITOR2, displayName: '第二位编辑', role: 'editor' }]);
    draftId = await versionIdOf(api, 2025, 'draft');
    a = await openPage(browser);
    b = await openPage(browser);
    await signIn(a.page, server);
    await signIn(b.page, server, EDITOR2);
    await open(a.page);
    await open(b.page);
  });

  afterAll(() => stopE2e(browser, server));

  it(
    'a conflicting edit of one field asks; "采用对方的" takes theirs and the dialog stays gone after a reload',
    async () => {
      await basis(a.page).fill('甲的依据');
      await savedOn(a.page, (d) => d.basis === '甲的依据');

      // B still holds the older revision: its save of the same field is refused and it is asked.
      await basis(b.page).fill('乙的依据');
      await dialog(b.page).locator('[data-testid=keep-theirs]').waitFor({ timeout: 20_000 });
      expect(await dialog(b.page).innerText()).toContain('甲的依据');
      expect(await dialog(b.page).innerText()).toContain('乙的依据');
      // The field both changed is named (the merge found it).
      expect(await dialog(b.page).getByTestId('conflict-fields').innerText()).toContain('依据');
      await screenshot(b.page, 'editor-conflict-01-dialog');

      const download = b.page.waitForEvent('download');
      await dialog(b.page).locator('[data-testid=keep-theirs]').click();
      expect((await download).suggestedFilename()).toContain('mine');
      await expect.poll(() => dialog(b.page).count()).toBe(0);
      expect(await basis(b.page).inputValue()).toBe('甲的依据');
      expect(await b.page.locator('[data-save-state]').getAttribute('data-save-state')).toBe('saved');
      expect(b.errors.filter((e) => /could not be cloned|DataCloneError/.test(e))).toEqual([]);
      expect(await b.page.evaluate((id) => localStorage.getItem(`ecoscore.draft.${id}`), draftId)).toBeNull();
      // What B discarded is kept in its browser.
      expect(
        await b.page.evaluate((id) => localStorage.getItem(`ecoscore.discarded.${id}`), draftId),
      ).toContain('乙的依据');

      await b.page.reload();
      await b.page.waitForSelector('.editor[data-status="draft"]');
      await b.page.waitForTimeout(1500);
      expect(await dialog(b.page).count()).toBe(0);
      expect(await basis(b.page).inputValue()).toBe('甲的依据');
      expect((await stored()).document.basis).toBe('甲的依据');
    },
    STEP,
  );

  it(
    '"保留我的" saves mine over their revision: the API and a reload show it',
    async () => {
      // B is now current; A's page still holds the revision before B took theirs (unchanged), so
      // let B save first to put A behind.
      await basis(b.page).fill('乙第二次的依据');
      await savedOn(b.page, (d) => d.basis === '乙第二次的依据');
      const before = (await stored()).revision;

      await basis(a.page).fill('甲坚持的依据');
      await dialog(a.page).locator('[data-testid=keep-mine]').waitFor({ timeout: 20_000 });
      const download = a.page.waitForEvent('download');
      await dialog(a.page).locator('[data-testid=keep-mine]').click();
      expect((await download).suggestedFilename()).toContain('theirs');
      await savedOn(a.page, (d) => d.basis === '甲坚持的依据');
      expect((await stored()).revision).toBeGreaterThan(before);

      await a.page.reload();
      await a.page.waitForSelector('.editor[data-status="draft"]');
      await a.page.waitForTimeout(1500);
      expect(await dialog(a.page).count()).toBe(0);
      expect(await basis(a.page).inputValue()).toBe('甲坚持的依据');
    },
    STEP,
  );

  it(
    'unsaved edits found in the backup on reopening: "保留我的" really saves, and the dialog does not come back',
    async () => {
      await open(b.page); // B reloads: current revision
      // A's saves fail (the network refuses them): its edit stays in this browser only.
      await open(a.page);
      await a.page.route('**/api/versions/*', (route) =>
        route.request().method() === 'PUT' ? route.abort() : route.continue(),
      );
      await basis(a.page).fill('甲离线时的依据');
      await expect
        .poll(() => a.page.evaluate((id) => localStorage.getItem(`ecoscore.draft.${id}`), draftId))
        .toContain('甲离线时的依据');
      await a.page.waitForTimeout(2500); // the autosave tried and failed
      expect((await stored()).document.basis).not.toBe('甲离线时的依据');

      // Meanwhile B changes the same field.
      await basis(b.page).fill('乙在此期间的依据');
      await savedOn(b.page, (d) => d.basis === '乙在此期间的依据');

      // A reopens the draft: its backup starts from an older revision and touches the same field.
      await a.page.unroute('**/api/versions/*');
      await open(a.page);
      await dialog(a.page).locator('[data-testid=keep-mine]').waitFor({ timeout: 20_000 });
      await screenshot(a.page, 'editor-conflict-02-reopened');
      await dialog(a.page).locator('[data-testid=keep-mine]').click();
      await savedOn(a.page, (d) => d.basis === '甲离线时的依据');

      await open(a.page);
      await a.page.waitForTimeout(1500);
      expect(await dialog(a.page).count()).toBe(0);
      expect(await basis(a.page).inputValue()).toBe('甲离线时的依据');
      expect(await a.page.evaluate((id) => localStorage.getItem(`ecoscore.draft.${id}`), draftId)).toBeNull();
    },
    STEP,
  );

  it(
    'edits of different fields are merged automatically, saved, and the user is told',
    async () => {
      await open(a.page);
      await open(b.page);
      await titleEn(a.page).fill('Title changed by A');
      await savedOn(a.page, (d) => (d.title as { en?: string }).en === 'Title changed by A');

      await basis(b.page).fill('乙改的依据(与甲的标题合并)');
      await savedOn(
        b.page,
        (d) =>
          d.basis === '乙改的依据(与甲的标题合并)' &&
          (d.title as { en?: string }).en === 'Title changed by A',
      );
      expect(await dialog(b.page).count()).toBe(0);
      const notice = b.page.locator('[data-testid=merge-notice]');
      await notice.waitFor();
      const text = await notice.innerText();
      expect(text).toContain('自动合并');
      expect(text).toContain('依据');
      expect(text).toContain('标题');
      // B's form shows A's title now.
      expect(await titleEn(b.page).inputValue()).toBe('Title changed by A');
      await screenshot(b.page, 'editor-conflict-03-merged');

      // A reloads and sees both.
      await open(a.page);
      expect(await basis(a.page).inputValue()).toBe('乙改的依据(与甲的标题合并)');
      expect(await titleEn(a.page).inputValue()).toBe('Title changed by A');
      expect([...a.errors, ...b.errors].filter((e) => /pageerror/.test(e))).toEqual([]);
    },
    STEP,
  );
});
