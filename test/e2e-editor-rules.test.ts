/**
 * The rule editor in a real browser against the real server (SPEC section 7, issue [editor-rules]):
 * sign in; draft 2025 from 2024; a points change shows the sum warning where it is; a formula with
 * an unknown variable shows the problem on that formula, and fixing it changes the live preview;
 * a test made from a region's data is run; publish with 文号 and date. Then the safety nets: a save
 * conflict keeps both versions, an expired session loses nothing typed, the English switch is stored
 * for the user, a reviewer gets a read-only editor. Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiSession, openPage, screenshot, signIn, type OpenedPage, type TestServer } from './browser.ts';
import { startE2e, stopE2e, type Api } from './helpers/e2e.ts';

const STEP = 60_000;

/** The number of problems the editor shows (the badge of the problems panel). */
const problemCount = (page: Page) => page.locator('[data-testid=problem-count]').innerText();

/** Replaces the text of the CodeMirror editor inside `scope` (typed as one insertion). */
async function setCode(page: Page, scope: string, text: string): Promise<void> {
  const content = page.locator(`${scope} .cm-content`);
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe('rule editor in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let main: OpenedPage;
  let page: Page;
  let draftId = 0;
  /** The 2025 draft the server seeded (not the one made here). */
  let seededDraftId = 0;
  let api: Api;

  beforeAll(async () => {
    ({ server, browser, admin: api } = await startE2e());
    main = await openPage(browser);
    page = main.page;
  });

  afterAll(() => stopE2e(browser, server));

  it(
    'opens / on the Chinese sign-in page and signs in',
    async () => {
      await page.goto(server.base + '/');
      await page.waitForURL(/\/login/);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.locator('h1').innerText()).toContain('生态环境保护目标责任制考核');
      expect(await page.locator('button[type=submit]').innerText()).toBe('登录');
      await screenshot(page, 'editor-rules-01-login');

      // A wrong password is refused in words, on the page.
      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('button[type=submit]');
      await expect.poll(() => page.locator('[role=alert]').innerText()).toContain('用户名或密码不正确');

      await signIn(page, server);
      await page.waitForURL(/\/rules$/);
      await page.waitForSelector('section.family[data-family="jilin-eco-target"]');
    },
    STEP,
  );

  it(
    'lists the family with its versions by year, status and the effective one marked',
    async () => {
      const row2024 = page.locator('tr[data-year="2024"][data-status="published"]');
      await expect.poll(() => row2024.count()).toBe(1);
      expect(await row2024.innerText()).toContain('已发布');
      expect(await row2024.locator('.badge.effective').count()).toBe(1);
      expect(await page.locator('tr[data-year="2025"][data-status="draft"]').innerText()).toContain('草稿');
      // The navigation is the admin's: rules and users.
      expect(await page.locator('nav a').allInnerTexts()).toEqual(expect.arrayContaining(['规则', '用户']));
      await screenshot(page, 'editor-rules-02-overview');
    },
    STEP,
  );

  it(
    'creates the 2025 draft from the 2024 version',
    async () => {
      await page
        .locator('tr[data-year="2024"][data-status="published"]')
        .getByRole('button', { name: '新建草稿' })
        .click();
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor();
      expect(await dialog.locator('input[type=radio]:checked').getAttribute('value')).toBe('2025');
      await dialog.locator('[data-testid=create-draft]').click();
      await page.waitForURL(/\/rules\/\d+$/);
      draftId = Number(new URL(page.url()).pathname.split('/').pop());
      await page.waitForSelector('.editor[data-status="draft"]');
      const meta = page.locator('.editor .meta');
      expect(await meta.innerText()).toContain('2025');
      await expect.poll(() => meta.innerText()).toContain('上一版本：2024 年第');
      expect(await page.locator('[data-save-state]').innerText()).toContain('已保存');
      // Validation ran in the browser: the copy of 2024 has no problems.
      await expect.poll(() => problemCount(page)).toBe('0');
      // The copied title still names 2024: the editor says so and offers the fix.
      const hint = page.locator('[data-testid=title-year]');
      expect(await hint.innerText()).toContain('2024');
      await hint.getByRole('button').click();
      expect(await page.locator('input[data-path="/title/zh"]').inputValue()).toContain('2025年度');
      expect(await hint.count()).toBe(0);
      await screenshot(page, 'editor-rules-03-draft');

      const v = await api('GET', `/api/versions/${draftId}`);
      expect(v.body).toMatchObject({ year: 2025, status: 'draft', family: 'jilin-eco-target' });
      expect(v.body.document.year).toBe(2025);
    },
    STEP,
  );

  it(
    "shows the sum warning on the category when an item's points change, and clears it",
    async () => {
      await page.click('[data-tab=categories]');
      const points = page.locator('input[data-path="/categories/0/items/0/maxPoints"]');
      const original = await points.inputValue();
      await points.fill(String(Number(original) + 1));

      const sum = page.locator('[data-sum="/categories/0"]');
      await expect.poll(() => sum.innerText()).toContain('不一致');
      expect(await sum.getAttribute('class')).toContain('bad');
      // The engine's problem is on the category's points field, and in the list.
      const onField = page.locator(
        '[data-problems-for="/categories/0/maxPoints"] [data-code=points_mismatch]',
      );
      await onField.waitFor();
      expect(await page.locator('button.problem[data-code=points_mismatch]').count()).toBeGreaterThan(0);
      // The categories still add up to the maximum score: only this category is off.
      expect(await page.locator('[data-sum=total]').innerText()).not.toContain('不一致');
      await screenshot(page, 'editor-rules-04-sum-warning');

      // Jumping from the problem list focuses the field concerned.
      await page.locator('button.problem[data-problem-path="/categories/0/maxPoints"]').click();
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-path')))
        .toBe('/categories/0/maxPoints');

      await points.fill(original);
      await expect.poll(() => sum.innerText()).not.toContain('不一致');
      await expect.poll(() => problemCount(page)).toBe('0');
    },
    STEP,
  );

  it(
    'shows an unknown variable on its formula, completes variable names, and the fix changes the preview',
    async () => {
      // The preview on the 2024 data (every region scored), compared with the parent version.
      await page.click('[data-side=preview]');
      await page.locator('.preview select').selectOption('2024');
      const siping = page.locator('tr[data-region="220300"]');
      await expect.poll(() => siping.locator('td.total').count()).toBe(1);
      const before = await siping.locator('td.total').innerText();
      expect(await siping.locator('td.change').innerText()).toBe('0');

      // The heavy-pollution item (third of the first category): open its formula.
      const row = page.locator('tr[data-path="/categories/0/items/2"]');
      await row.getByRole('button', { name: '公式', exact: true }).click();
      const scope = '.formula[data-path="/categories/0/items/2/logic"]';
      await page.locator(`${scope} .cm-content`).waitFor();

      // Completion offers declared variables with their labels.
      await setCode(page, scope, '{"var": "heavy_ra');
      await page.keyboard.press('Control+Space');
      const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'heavy_rate_target' });
      await option.waitFor();
      expect(await page.locator('.cm-tooltip-autocomplete').innerText()).toContain('重度及以上污染天数比率');
      await page.keyboard.press('Escape');

      // Text that is not JSON yet: shown on the field, and the draft is not saved meanwhile (kept locally).
      await setCode(page, scope, '{"if": [{"<=": [');
      await page
        .locator('[data-problems-for="/categories/0/items/2/logic"] [data-code=json_syntax]')
        .waitFor();
      // Said in words with its place, not the browser's parser message; no reading of a broken formula.
      const syntax = await page
        .locator('[data-problems-for="/categories/0/items/2/logic"] [data-code=json_syntax]')
        .innerText();
      expect(syntax).toContain('第 1 行第 17 列：公式不完整');
      expect(syntax).not.toMatch(/position|JSON/);
      expect(await page.locator('[data-readable-for="/categories/0/items/2/logic"]').innerText()).toBe(
        '公式写法有误，改正后显示为文字',
      );
      await expect
        .poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'))
        .toBe('syntax');
      // Folding the row keeps the unfinished text.
      await row.getByRole('button', { name: '收起', exact: true }).click();
      await row.getByRole('button', { name: '公式', exact: true }).click();
      expect(await page.locator(`${scope} .cm-content`).innerText()).toBe('{"if": [{"<=": [');

      await setCode(
        page,
        scope,
        '{"if": [{"<=": [{"var": "heavy_rate"}, {"var": "heavy_rate_targt"}]}, 3, {"max": [0, {"-": [3, {"*": [1, {"-": [{"var": "heavy_rate"}, {"var": "heavy_rate_target"}]}]}]}]}]}',
      );
      const problem = page.locator(
        '[data-problems-for="/categories/0/items/2/logic"] [data-code=unknown_variable]',
      );
      await problem.waitFor();
      expect(await problem.innerText()).toContain('heavy_rate_targt');
      await page.waitForSelector('[data-testid=preview-blocked]');
      await screenshot(page, 'editor-rules-05-unknown-variable');
      // Drafts may be saved with problems, but never silently: the list says so.
      await page.click('[data-side=problems]');
      expect(await page.locator('button.problem[data-code=unknown_variable]').innerText()).toContain(
        '计算公式',
      );

      await setCode(
        page,
        scope,
        '{"if": [{"<=": [{"var": "heavy_rate"}, {"var": "heavy_rate_target"}]}, 3, {"max": [0, {"-": [3, {"*": [1, {"-": [{"var": "heavy_rate"}, {"var": "heavy_rate_target"}]}]}]}]}]}',
      );
      // The formula now differs from the one its 计分规则 was written for (a rate of 1 instead of the
      // parameter): a warning on the rubric, not an error, which "由公式生成" clears.
      await expect.poll(() => problemCount(page)).toBe('1');
      await page
        .locator('[data-problems-for="/categories/0/items/2/rubric"] [data-code=rubric_stale]')
        .waitFor();
      await page.locator('[data-v2-fields="/categories/0/items/2"] [data-testid=rubric-generate]').click();
      await expect.poll(() => problemCount(page)).toBe('0');
      expect(await page.locator(`${scope} [data-readable-for]`).innerText()).toContain(
        '重度及以上污染天数比率',
      );

      await page.click('[data-side=preview]');
      await expect.poll(() => siping.locator('td.total').innerText()).not.toBe(before);
      expect(Number(await siping.locator('td.total').innerText())).toBeGreaterThan(Number(before));
      expect(await siping.locator('td.change').innerText()).toMatch(/^\+/);
      await screenshot(page, 'editor-rules-06-preview');
    },
    STEP,
  );

  it(
    "analyses how robust the grades are to the items' points (weight sensitivity)",
    async () => {
      await page.click('[data-side=sensitivity]');
      const panel = page.locator('.side-content :has(> #sensitivity-title)');
      await panel.getByRole('button', { name: '运行分析' }).click();
      await expect.poll(() => panel.locator('p.summary').count(), { timeout: 20_000 }).toBe(1);
      // One row per region of the preview's year, each with the share of variants moving its grade.
      const rows = panel.locator('table.grid').first().locator('tbody tr');
      expect(await rows.count()).toBe(12);
      expect(await rows.first().innerText()).toMatch(/%/);
      await screenshot(page, 'editor-rules-06c-sensitivity');
      await page.click('[data-side=preview]');
    },
    STEP,
  );

  it(
    'inserts a scoring pattern, and keeps the JSON view and the forms in sync both ways',
    async () => {
      // A pattern on the good-air-days item, then undone: the draft is as before.
      await page.click('[data-tab=categories]');
      await page
        .locator('tr[data-path="/categories/0/items/0"]')
        .getByRole('button', { name: '公式', exact: true })
        .click();
      const scope = '.formula[data-path="/categories/0/items/0/logic"]';
      const readable = page.locator(`${scope} [data-readable-for]`);
      const before = await readable.innerText();
      await page.locator(scope).getByRole('button', { name: '常用模式…' }).click();
      const dialog = page.locator('dialog[open]');
      await dialog.locator('input[value=shortfall]').check();
      await dialog.locator('select[name=actual]').selectOption('good_days_rate');
      await dialog.locator('select[name=target]').selectOption('good_days_target');
      await dialog.locator('input[name=perUnit]').fill('0.2');
      expect(await dialog.innerText()).toContain('0.2 ×');
      await screenshot(page, 'editor-rules-06b-pattern');
      await dialog.getByRole('button', { name: '插入公式' }).click();
      await expect.poll(() => readable.innerText()).toContain('0.2 ×');
      // A new formula under the old 计分规则: only that warning.
      await expect.poll(() => problemCount(page)).toBe('1');
      await page
        .locator('[data-problems-for="/categories/0/items/0/rubric"] [data-code=rubric_stale]')
        .waitFor();
      await page.getByRole('button', { name: 'undo' }).click();
      await expect.poll(() => readable.innerText()).toBe(before);

      // Forms → JSON.
      await page.click('[data-tab=overview]');
      await page
        .locator('input[data-path="/title/zh"]')
        .fill('2025年度市(州)政府生态环境保护目标责任制考核细则');
      await page.click('[data-tab=json]');
      const json = page.locator('.cm-content[aria-label="JSON（专家模式）"]');
      await expect
        .poll(() => json.innerText())
        .toContain('"zh": "2025年度市(州)政府生态环境保护目标责任制考核细则"');
      // JSON → forms: edit the text of the precision.
      expect(await json.innerText()).toContain('"precision": 2');
      await page.locator('.cm-line', { hasText: '"precision": 2,' }).click();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Backspace');
      await page.keyboard.insertText('1');
      await page.click('[data-tab=overview]');
      await expect.poll(() => page.locator('input[data-path="/precision"]').inputValue()).toBe('1');
      // … and back to 2 from the form.
      await page.locator('input[data-path="/precision"]').fill('2');
      await expect.poll(() => problemCount(page)).toBe('0');
      await page.click('[data-tab=categories]');
    },
    STEP,
  );

  it(
    "adds a test from a region's data, sees a wrong expectation fail and why, and runs all green",
    async () => {
      await page.locator('tr[data-region="220300"]').click();
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor();
      expect(await dialog.locator('[data-testid=breakdown-summary]').innerText()).toContain('总分');
      expect(await dialog.locator('tr[data-item="heavy_pollution"]').innerText()).toContain(
        '重度及以上污染天数比率',
      );
      await screenshot(page, 'editor-rules-07-breakdown');
      await dialog.locator('[data-testid=add-test-from-region]').click();
      await dialog.getByRole('button', { name: '测试用例 →' }).click();

      const tests = page.locator('.test[data-path^="/tests/"]');
      const count = await tests.count();
      const added = tests.nth(count - 1);
      expect(await added.getAttribute('data-test-name')).toContain('四平市');
      const p = `/tests/${count - 1}`;

      // A wrong expectation fails, and says why.
      const total = page.locator(`input[data-path="${p}/expect/total"]`);
      const right = await total.inputValue();
      await total.fill(String(Number(right) + 1));
      await page.click('[data-testid=run-tests]');
      await expect.poll(() => added.locator('[data-status]').getAttribute('data-status')).toBe('failed');
      expect(await added.locator('.failures').innerText()).toContain(
        `总分预期${Number(right) + 1}，实际${right}`,
      );
      await screenshot(page, 'editor-rules-08-test-failed');

      // After a deliberate change the computed result becomes the expectation in one click.
      await added.getByTestId('adopt-actual').click();
      await expect.poll(() => total.inputValue()).toBe(right);
      await page.click('[data-testid=run-tests]');
      await expect
        .poll(() => page.locator('[data-testid=tests-summary]').innerText())
        .toContain(`${count} 个通过，0 个未通过`);
      expect(await page.locator('.test [data-status=failed]').count()).toBe(0);
      await screenshot(page, 'editor-rules-09-tests');
    },
    STEP,
  );

  it(
    'publishes after a confirmation with validation, tests and the diff against the effective version',
    async () => {
      await page.waitForSelector('[data-save-state=saved]');
      const saved = await api('GET', `/api/versions/${draftId}`);
      expect(saved.body.document.categories[0].items[2].logic.if[2].max[1]['-'][1]['*'][0]).toBe(1);
      expect(saved.body.document.tests.at(-1).name).toContain('四平市');

      await page.click('[data-testid=open-publish]');
      const dialog = page.locator('dialog[open]');
      await dialog.locator('[data-testid=publish-valid]').waitFor();
      expect(await dialog.locator('[data-testid=publish-tests]').innerText()).toContain('0 个未通过');
      expect(await dialog.locator('[data-change="changed:item:heavy_pollution"]').innerText()).toContain(
        'logic',
      );
      await screenshot(page, 'editor-rules-10-publish');
      // Four eyes: the admin's publish is a request; another editor approves it with the 文号 and date
      // (the approval dialog itself is driven in test/e2e-editor-trust.test.ts).
      await dialog.locator('[data-testid=confirm-publish]').click();
      await page.waitForSelector('[data-testid=pending-banner]');
      const created = await api('POST', '/api/users', {
        username: 'approver',
        displayName: '审批人',
        password: 'approver-password-1',
        role: 'editor',
      });
      expect(created.status).toBe(201);
      const approver = await apiSession(server, 'approver', 'approver-password-1');
      const approved = await approver('POST', `/api/versions/${draftId}/approve`, {
        docNumber: '吉环发〔2025〕12号',
        effectiveDate: '2025-03-01',
      });
      expect(approved.status).toBe(200);
      await page.reload();

      await page.waitForSelector('.editor[data-status="published"]');
      expect(await page.locator('.editor .meta').innerText()).toContain('吉环发〔2025〕12号');
      // Published versions open read-only.
      expect(await page.locator('[data-testid=open-publish]').count()).toBe(0);
      await page.click('[data-tab=overview]');
      expect(await page.locator('input[data-path="/title/zh"]').isDisabled()).toBe(true);
      await screenshot(page, 'editor-rules-11-published');

      const v = await api('GET', `/api/versions/${draftId}`);
      expect(v.body).toMatchObject({
        status: 'published',
        docNumber: '吉环发〔2025〕12号',
        effectiveDate: '2025-03-01',
      });
    },
    STEP,
  );

  it(
    'on a save conflict shows both versions and keeps the one chosen, the other downloaded',
    async () => {
      const seeded = (await api('GET', '/api/versions?family=jilin-eco-target&year=2025&status=draft')).body
        .versions;
      const draft = seeded.find((v: { id: number }) => v.id !== draftId);
      expect(draft).toBeDefined();
      seededDraftId = draft.id;
      await page.goto(`${server.base}/rules/${draft.id}`);
      await page.waitForSelector('.editor[data-status="draft"]');

      // Someone else saves first, changing the same field (different fields are merged: see
      // e2e-editor-conflict.test.ts).
      const current = await api('GET', `/api/versions/${draft.id}`);
      const theirs = structuredClone(current.body.document);
      theirs.basis = '对方修改的依据';
      const put = await api(
        'PUT',
        `/api/versions/${draft.id}`,
        { document: theirs },
        { 'If-Match': `"${current.body.revision}"` },
      );
      expect(put.status).toBe(200);

      await page.locator('textarea[data-path="/basis"]').fill('我的依据修改');
      const dialog = page.locator('dialog[open]');
      await dialog.locator('[data-testid=keep-mine]').waitFor({ timeout: 15_000 });
      expect(await dialog.innerText()).toContain('对方修改的依据');
      expect(await dialog.innerText()).toContain('我的依据修改');
      await screenshot(page, 'editor-rules-12-conflict');
      const download = page.waitForEvent('download');
      await dialog.locator('[data-testid=keep-mine]').click();
      expect((await download).suggestedFilename()).toContain('theirs');
      await page.waitForSelector('[data-save-state=saved]');

      const after = await api('GET', `/api/versions/${draft.id}`);
      expect(after.body.document.basis).toBe('我的依据修改');
      expect(after.body.revision).toBeGreaterThan(put.body.revision);
    },
    STEP,
  );

  it(
    'sends an expired session back to sign-in and keeps what was typed',
    async () => {
      const editorUrl = page.url();
      await main.context.clearCookies();
      await page.locator('input[data-path="/title/en"]').fill('Kept through an expired session');
      await page.waitForURL(/\/login\?next=/, { timeout: 15_000 });
      expect(await page.locator('[role=status]').innerText()).toContain('登录已过期');
      await screenshot(page, 'editor-rules-13-expired');

      await page.fill('input[name=username]', 'admin');
      await page.fill('input[name=password]', server.adminPassword);
      await page.click('button[type=submit]');
      await page.waitForURL(editorUrl);
      await page.waitForSelector('.editor[data-status="draft"]');
      expect(await page.locator('input[data-path="/title/en"]').inputValue()).toBe(
        'Kept through an expired session',
      );
      await page.waitForSelector('[data-save-state=saved]', { timeout: 15_000 });
      const id = Number(new URL(editorUrl).pathname.split('/').pop());
      const v = await api('GET', `/api/versions/${id}`);
      expect(v.body.document.title.en).toBe('Kept through an expired session');
    },
    STEP,
  );

  it(
    'switches to English and stores the choice for the user',
    async () => {
      await page.goto(`${server.base}/rules`);
      await page.waitForSelector('section.family');
      await page.click('header.top button.lang');
      await expect.poll(() => page.locator('nav a').first().innerText()).toBe('Rules');
      expect(await page.locator('h1').innerText()).toBe('Assessment rules');
      await screenshot(page, 'editor-rules-14-english');
      const me = await fetch(`${server.base}/api/auth/me`, {
        headers: { cookie: (await main.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      }).then((r) => r.json());
      expect(me.user.locale).toBe('en');
      await page.click('header.top button.lang');
      await expect.poll(() => page.locator('nav a').first().innerText()).toBe('规则');
    },
    STEP,
  );

  it(
    'gives a reviewer the rules read-only',
    async () => {
      const created = await api('POST', '/api/users', {
        username: 'reviewer1',
        displayName: '审阅人',
        role: 'reviewer',
        password: 'reviewer-password',
      });
      expect(created.status).toBe(201);
      const other = await openPage(browser);
      await other.page.goto(`${server.base}/login`);
      await signIn(other.page, server, { username: 'reviewer1', password: 'reviewer-password' });
      await other.page.waitForSelector('section.family');
      expect(await other.page.getByRole('button', { name: '新建草稿' }).count()).toBe(0);
      expect(await other.page.locator('nav a').allInnerTexts()).not.toContain('用户');
      await other.page.goto(`${server.base}/rules/${seededDraftId}`);
      await other.page.waitForSelector('.editor[data-status="draft"]');
      expect(await other.page.locator('.editor').innerText()).toContain('您的角色只能查看规则');
      expect(await other.page.locator('input[data-path="/title/zh"]').isDisabled()).toBe(true);
      expect(await other.page.locator('[data-testid=open-publish]').count()).toBe(0);
      expect(other.errors).toEqual([]);
      await other.context.close();
    },
    STEP,
  );

  it('ran without uncaught errors in the page', () => {
    expect(main.errors).toEqual([]);
  });
});
