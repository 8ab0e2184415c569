/**
 * Stored XSS (issue 11): script planted through the API in every label-like field — rule title,
 * category and item names, grade labels, adjustment labels, region names, test names, 文号, a
 * user's display name — then every page of the editor opened, its tabs clicked and its charts
 * hovered (tooltips are HTML). Twice: once under the editor's Content-Security-Policy (any
 * violation fails: it would mean injected markup, or a CSP that breaks the editor), once with the
 * CSP bypassed (so escaping alone must keep the script from running). Fails on any dialog, the
 * `window.__xss` flag, a request for the payload's image, or a CSP violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiSession, screenshot, signIn, type TestServer } from './browser.ts';
import { startE2e, stopE2e, type Api } from './helpers/e2e.ts';

const STEP = 240_000;

/** The payload: an image whose error handler, a script element and an attribute break-out. */
const P = (tag: string) =>
  `${tag}<img src=x onerror=window.__xss=1><script>window.__xss=2</script>"><svg onload=window.__xss=3>`;

interface Findings {
  dialogs: string[];
  csp: string[];
  errors: string[];
  payloadRequests: string[];
  flags: string[];
  tooltipsWithPayload: number;
}

describe('stored XSS through every label-like field', () => {
  let server: TestServer;
  let browser: Browser;
  let api: Api;
  let publishedId = 0;
  let draftId = 0;
  let runId = 0;
  let v2024 = 0;
  const REGION = '220100';

  beforeAll(async () => {
    ({ server, browser, admin: api } = await startE2e());

    const ok = (r: { status: number; body: unknown }, what: string) => {
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as Record<string, never>;
    };
    ok(
      await api('POST', '/api/users', {
        username: 'mallory',
        password: 'mallory-password',
        role: 'editor',
        displayName: P('用户'),
      }),
      'user',
    );
    const region = ok(await api('GET', '/api/regions'), 'regions').regions as unknown as Record<
      string,
      unknown
    >[];
    const r0 = region.find((r) => r.code === REGION)!;
    ok(await api('PUT', `/api/regions/${REGION}`, { ...r0, nameZh: P('市'), nameEn: P('city') }), 'region');

    const versions = ok(await api('GET', '/api/versions'), 'versions').versions as unknown as {
      id: number;
      year: number;
      status: string;
    }[];
    v2024 = versions.find((v) => v.year === 2024 && v.status === 'published')!.id;
    const draft = ok(await api('POST', '/api/versions', { from: v2024 }), 'draft') as unknown as {
      id: number;
      revision: number;
      document: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const doc = draft.document;
    doc.title = { zh: P('标题'), en: P('title') };
    doc.basis = P('依据');
    doc.categories[0].label = { zh: P('类'), en: P('cat') };
    for (const c of doc.categories)
      for (const it of c.items) it.label = { zh: P(`项${it.id}`.slice(0, 4)), en: P('item') };
    doc.grades = doc.grades.map((g: { id: string }, i: number) => ({
      ...g,
      label: { zh: P(`等${i}`), en: P(`g${i}`) },
    }));
    for (const list of ['downgrades', 'caps', 'vetoes'])
      for (const a of doc[list] ?? []) a.label = { zh: P('调'), en: P('adj') };
    for (const input of doc.inputs) input.label = { zh: P('入'), en: P('in') };
    doc.tests[0].name = P('测试');
    ok(
      await api('PUT', `/api/versions/${draft.id}`, { document: doc }, { 'If-Match': `"${draft.revision}"` }),
      'put',
    );
    // Four eyes: the admin asks, a second editor approves. A 文号 must have the form 吉环考〔2024〕1号,
    // so script cannot be stored in it at all (422 invalid_doc_number).
    ok(await api('POST', `/api/versions/${draft.id}/publish`, {}), 'publish');
    ok(
      await api('POST', '/api/users', {
        username: 'second',
        displayName: P('二审'),
        role: 'editor',
        password: 'second-editor-1',
      }),
      'second editor',
    );
    const second = await apiSession(server, 'second', 'second-editor-1');
    ok(
      await second('POST', `/api/versions/${draft.id}/approve`, {
        docNumber: '吉环考〔2024〕1号',
        effectiveDate: '2024-03-01',
      }),
      'approve',
    );
    publishedId = draft.id;
    const run = ok(
      await api('POST', '/api/runs', { versionId: publishedId, year: 2024 }),
      'run',
    ) as unknown as {
      id: number;
    };
    runId = run.id;
    // A draft from the hostile version, for the draft editor (forms, preview, tests, sensitivity).
    draftId = (
      ok(await api('POST', '/api/versions', { from: publishedId, year: 2025 }), 'draft 2') as unknown as {
        id: number;
      }
    ).id;
  }, 600_000);

  afterAll(() => stopE2e(browser, server));

  /** Records everything that would show script running or markup injected. */
  async function watch(bypassCSP: boolean): Promise<{ context: BrowserContext; page: Page; f: Findings }> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      acceptDownloads: true,
      bypassCSP,
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
      });
    });
    const page = await context.newPage();
    const f: Findings = {
      dialogs: [],
      csp: [],
      errors: [],
      payloadRequests: [],
      flags: [],
      tooltipsWithPayload: 0,
    };
    page.on('dialog', (d) => {
      f.dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      const text = m.text();
      if (/Content Security Policy|Refused to/i.test(text)) f.csp.push(`${page.url()}: ${text}`);
    });
    page.on('pageerror', (e) => f.errors.push(`${page.url()}: ${e.message}`));
    page.on('request', (r) => {
      if (/\/x$/.test(new URL(r.url()).pathname)) f.payloadRequests.push(`${page.url()}: ${r.url()}`);
    });
    return { context, page, f };
  }

  /** After each page: the flag the payload sets, and violations the page recorded. */
  async function check(page: Page, f: Findings, name: string): Promise<void> {
    const { xss, csp } = await page.evaluate(() => {
      const w = window as unknown as { __xss?: unknown; __csp?: string[] };
      return { xss: w.__xss, csp: w.__csp ?? [] };
    });
    if (xss !== undefined) f.flags.push(`${name}: window.__xss = ${String(xss)}`);
    f.csp.push(...csp.map((c) => `${name}: ${c}`));
  }

  /** Moves the mouse over every chart on the page; counts tooltips that show the payload as text. */
  async function hoverCharts(page: Page, f: Findings): Promise<void> {
    const charts = page.locator('.chart');
    const n = await charts.count();
    for (let i = 0; i < n; i++) {
      const box = await charts.nth(i).boundingBox();
      if (!box) continue;
      await charts.nth(i).scrollIntoViewIfNeeded();
      const b = (await charts.nth(i).boundingBox())!;
      for (const fy of [0.1, 0.3, 0.5, 0.7, 0.9])
        for (const fx of [0.2, 0.35, 0.5, 0.65, 0.8]) {
          await page.mouse.move(b.x + b.width * fx, b.y + b.height * fy);
          await page.waitForTimeout(40);
          const shown = await charts
            .nth(i)
            .evaluate((el) =>
              Array.from(el.querySelectorAll('div')).some(
                (d) => d.style.display !== 'none' && /<img src=x onerror/.test(d.textContent ?? ''),
              ),
            );
          if (shown) f.tooltipsWithPayload++;
        }
    }
  }

  async function visit(page: Page, f: Findings, path: string, name: string, ready: string): Promise<void> {
    await page.goto(server.base + path);
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await check(page, f, name);
  }

  async function crawl(bypassCSP: boolean): Promise<Findings> {
    const { context, page, f } = await watch(bypassCSP);
    const tag = bypassCSP ? 'nocsp' : 'csp';
    await signIn(page, server);
    await check(page, f, 'login');

    await visit(page, f, '/rules', 'rules', 'section.family');
    expect(await page.locator('main').innerText()).toContain('<img src=x onerror');

    // The draft editor: every tab, the preview with a region opened, the tests run, sensitivity.
    await visit(page, f, `/rules/${draftId}`, 'draft', '.editor[data-status="draft"]');
    for (const tab of await page
      .locator('[data-tab]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')))) {
      await page.click(`[data-tab="${tab}"]`);
      await page.waitForTimeout(200);
      if (tab === 'tests') {
        await page.getByTestId('run-tests').click();
        await page.waitForTimeout(1000);
      }
      await check(page, f, `draft tab ${tab}`);
    }
    await page.click('[data-tab=categories]');
    // Unfold every row that has details (formulas rendered with labels).
    // Only the visible toggles (a hidden menu's toggle would wait out every click), each clicked once.
    const toggles = await page.locator('main button[aria-expanded=false]:visible').all();
    for (const toggle of toggles.slice(0, 40)) await toggle.click({ timeout: 2000 }).catch(() => {});
    await check(page, f, 'draft rows unfolded');
    await page.click('[data-side=preview]');
    await page.getByTestId('preview-table').waitFor({ timeout: 30_000 });
    await page.locator(`tr[data-region="${REGION}"]`).click();
    await page.waitForTimeout(500);
    await check(page, f, 'draft preview');
    await screenshot(page, `xss-${tag}-01-draft-preview`);
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });
    await page.click('[data-side=sensitivity]');
    const panel = page.locator('.side-content :has(> #sensitivity-title)');
    await panel.getByRole('button', { name: '运行分析' }).click();
    await expect.poll(() => panel.locator('p.summary').count(), { timeout: 60_000 }).toBe(1);
    await hoverCharts(page, f);
    await check(page, f, 'draft sensitivity');
    await screenshot(page, `xss-${tag}-02-sensitivity`);

    await visit(page, f, `/rules/${publishedId}`, 'version view', '.editor[data-status="published"]');
    await visit(page, f, `/data?year=2024&version=${publishedId}`, 'data', 'table');
    await visit(page, f, '/runs', 'runs', 'main h1');
    await visit(page, f, `/runs/${runId}`, 'run', '[data-testid=ranking]');
    await page.locator('.chart svg').first().waitFor();
    await hoverCharts(page, f);
    await check(page, f, 'run charts hovered');
    await screenshot(page, `xss-${tag}-03-run`);
    await visit(page, f, `/runs/${runId}/regions/${REGION}`, 'run region', 'main h1');
    await page.waitForTimeout(500);
    await hoverCharts(page, f);
    await check(page, f, 'run region charts hovered');
    await screenshot(page, `xss-${tag}-04-region`);
    await visit(page, f, `/runs/${runId}/notice`, 'notice', 'main');
    await visit(page, f, `/runs/${runId}/regions/${REGION}/statement`, 'statement', 'main');
    await visit(page, f, '/reports', 'reports', 'main');
    await visit(
      page,
      f,
      `/reports/letter?year=2024&version=${publishedId}&region=${REGION}`,
      'letter',
      'main',
    );
    await visit(page, f, `/diff?from=${v2024}&to=${publishedId}&year=2024`, 'diff', 'main h1');
    await page.waitForTimeout(1500);
    await check(page, f, 'diff loaded');
    await screenshot(page, `xss-${tag}-05-diff`);
    await visit(page, f, '/regions', 'regions', 'table');
    await visit(page, f, '/audit', 'audit', 'table');
    await visit(page, f, '/users', 'users', 'table');
    // The display name is shown in its edit field.
    expect(
      await page
        .locator('main input')
        .evaluateAll((els) =>
          els.some((e) => (e as HTMLInputElement).value.startsWith('用户<img src=x onerror')),
        ),
    ).toBe(true);
    await screenshot(page, `xss-${tag}-06-users`);
    await context.close();
    return f;
  }

  it(
    'under the CSP: no dialog, no script, no violation, and the payload shown as text in chart tooltips',
    async () => {
      const f = await crawl(false);
      expect(f.dialogs).toEqual([]);
      expect(f.flags).toEqual([]);
      expect(f.payloadRequests).toEqual([]);
      expect(f.csp).toEqual([]);
      expect(f.errors).toEqual([]);
      expect(f.tooltipsWithPayload).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'with the CSP bypassed: escaping alone keeps every payload inert',
    async () => {
      const f = await crawl(true);
      expect(f.dialogs).toEqual([]);
      expect(f.flags).toEqual([]);
      expect(f.payloadRequests).toEqual([]);
      expect(f.errors).toEqual([]);
      expect(f.tooltipsWithPayload).toBeGreaterThan(0);
    },
    STEP,
  );

  it('serves the editor with a CSP that allows no inline script', async () => {
    const html = await (await fetch(`${server.base}/rules`)).text();
    const csp = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[^']+'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
  });
});
