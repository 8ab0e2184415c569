/**
 * Appeals in the browser (SPEC section 10, issue 16): an admin creates a region account for 长春市
 * on the users page; an assessor asks to publish the 2024 results (the dialog shows the 文号 and
 * the dates) and an admin approves them; the region account lands on its own page (nothing else in
 * the bar, another region's page sends it back), files an appeal against an input of its own data
 * with evidence (a renamed file is refused in the browser, the image is shown from the server);
 * an appeal the admin filed for 吉林市 cannot be decided by the admin; a reviewer accepts the
 * region's appeal with the corrected value (and, through the API, the admin's with adjusted points,
 * and rejects a third); the assessor makes the correction run, whose impact view and 更正通报 show
 * 长春市 corrected, whose 吉林市 page shows the adjusted points beside the computed ones, and whose
 * totals equal an independent evaluation of the corrected data (plus the adjustment) with every
 * other region's result unchanged. Screenshots go to test-artifacts/.
 */
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { evaluate, fillPrevious, splitStoredPrevious } from '../engine/index.ts';
import type { RuleDocument } from '../engine/types.ts';
import { apiSession, openPage, screenshot, signIn, type TestServer } from './browser.ts';
import { addUsers, startE2e, stopE2e, versionIdOf, type Api } from './helpers/e2e.ts';

const STEP = 180_000;
/** Polls wait for the page's own requests, which take their time on a busy machine. */
const WAIT = { timeout: 30_000, interval: 200 };
const REGION = '220100'; // 长春市: one inspection finding overdue, so downgraded (inspection_overdue)
const OTHER = '220200';

/** A small PNG (stripes), made here so that the evidence is a real image. */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) {
      const band = Math.floor(x / 20) % 3;
      rows.push(band === 0 ? 47 : 230, band === 1 ? 143 : 230, band === 2 ? 91 : 230);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a line of text (offsets in the cross-reference table computed). */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 120] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 14 Tf 20 60 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 14 Tf 20 60 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Today in China (UTC+8), as the server counts appeal deadlines. */
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe('one appeal from filing to the correction run, in the editor', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Api;
  let runId = 0;
  let versionId = 0;
  let appealId = 0;
  let adminAppealId = 0;
  let correctionId = 0;

  beforeAll(async () => {
    ({ server, browser, admin } = await startE2e());
    await addUsers(admin, [
      { username: 'sun', role: 'assessor', displayName: '孙考核' },
      { username: 'zhou', role: 'reviewer', displayName: '周复核' },
    ]);
    versionId = await versionIdOf(admin, 2024, 'published');
  }, 300_000);

  afterAll(() => stopE2e(browser, server));

  async function as(username: string, password: string): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await openPage(browser);
    await signIn(page, server, { username, password });
    return { page, errors };
  }

  it(
    'an admin creates a region account bound to 长春市 on the users page',
    async () => {
      const { page, errors } = await as('admin', server.adminPassword);
      await page.goto(`${server.base}/users`);
      await page.click('button:has-text("添加用户")');
      const dialog = page.locator('dialog[open]');
      await dialog.locator('input[name=newUsername]').fill('changchun');
      await dialog.locator('input[name=newDisplayName]').fill('长春市生态环境局');
      await dialog.locator('select[name=role]').selectOption('region');
      await dialog.locator(`select[name=region] option[value="${REGION}"]`).waitFor({ state: 'attached' });
      await dialog.locator('select[name=region]').selectOption(REGION);
      await dialog.locator('input[name=newUserPassword]').fill('changchun-password-1');
      await screenshot(page, 'appeals-01-region-account');
      await dialog.locator('button[type=submit]').click();
      const row = page.locator('tr[data-user=changchun]');
      await row.waitFor();
      expect(await row.locator('[data-testid=user-region]').inputValue()).toBe(REGION);
      const users = (await admin('GET', '/api/users')).body.users;
      expect(users.find((u: { username: string }) => u.username === 'changchun')).toMatchObject({
        role: 'region',
        region: REGION,
      });
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'the results are published with four eyes: the dialogs show the 文号, the date and the appeal deadline',
    async () => {
      const sun = await apiSession(server, 'sun', 'sun-password-1');
      const run = await sun('POST', '/api/runs', { versionId, year: 2024 });
      expect(run.status).toBe(201);
      runId = run.body.id;

      const { page, errors } = await as('sun', 'sun-password-1');
      await page.goto(`${server.base}/runs/${runId}`);
      await page.click('[data-testid=request-run]');
      const dialog = page.locator('dialog[open]');
      await dialog.locator('input[name=runDocNumber]').fill('吉环考〔2025〕7号');
      await dialog.locator('input[name=publishedOn]').fill(today);
      await dialog.locator('[data-testid=confirm-request-run]').click();
      const check = await dialog.locator('[data-testid=run-request-check]').innerText();
      expect(check).toContain('吉环考〔2025〕7号');
      const [y, m, d] = today.split('-').map(Number);
      expect(check).toContain(`${y}年${m}月${d}日`);
      await screenshot(page, 'appeals-02-request-publication');
      await dialog.locator('[data-testid=confirm-request-run]').click();
      await page.waitForSelector('[data-testid=run-publication][data-state=pending]');
      expect(await page.locator('[data-testid=approve-run]').count()).toBe(0);

      const other = await as('admin', server.adminPassword);
      await other.page.goto(`${server.base}/runs/${runId}`);
      await other.page.click('[data-testid=approve-run]');
      const approve = other.page.locator('dialog[open] [data-testid=run-approve-check]');
      expect(await approve.innerText()).toContain('吉环考〔2025〕7号');
      await screenshot(other.page, 'appeals-03-approve-publication');
      await other.page.click('dialog[open] [data-testid=confirm-approve-run]');
      await other.page.waitForSelector('[data-testid=run-publication][data-state=published]');
      const ends = await other.page.locator('[data-testid=appeal-ends]').getAttribute('data-date');
      const expected = new Date(`${today}T00:00:00Z`);
      expected.setUTCDate(expected.getUTCDate() + 15);
      expect(ends).toBe(expected.toISOString().slice(0, 10));
      expect([...errors, ...other.errors]).toEqual([]);
    },
    STEP,
  );

  it(
    'the region account sees only its own pages and files an appeal with evidence',
    async () => {
      const { page, errors } = await as('changchun', 'changchun-password-1');
      await page.waitForURL((u) => u.pathname === '/my');
      expect(await page.locator('#main-nav a').count()).toBe(1);
      await page.locator('[data-testid=my-heading]').waitFor();
      expect(await page.locator('[data-testid=my-heading]').innerText()).toContain('长春市');
      expect(await page.locator('[data-testid=my-ranking] tbody tr').count()).toBe(12);
      expect(await page.locator('[data-testid=my-letter-pdf]').getAttribute('href')).toContain(
        `/letters/${REGION}.pdf`,
      );
      await screenshot(page, 'appeals-04-region-landing', { manual: 'region-landing' });

      // Another region's page sends it back; the server refuses it too.
      await page.goto(`${server.base}/runs/${runId}/regions/${OTHER}`);
      await page.waitForURL((u) => u.pathname === '/my');
      const refused = await page.evaluate(
        async ([id, code]) => (await fetch(`/api/runs/${id}/regions/${code}`)).status,
        [runId, OTHER] as const,
      );
      expect(refused).toBe(403);

      await page.locator('[data-testid=my-heading]').waitFor();
      await page.click('[data-testid=file-appeal]');
      await page.waitForURL((u) => u.pathname === `/runs/${runId}/appeals`);
      const form = page.locator('[data-testid=appeal-form]');
      expect(await form.locator('[data-testid=appeal-region]').innerText()).toBe('长春市');
      await form.locator('input[name=kind][value=input]').check();
      await form.locator('select[name=target] option[value="input:inspection_overdue"]').waitFor({
        state: 'attached',
      });
      await form.locator('select[name=target]').selectOption('input:inspection_overdue');
      expect(await form.locator('[data-testid=target-current]').innerText()).toContain('1 项');
      await form.locator('input[name=requestedValue]').fill('0.5');
      expect(await form.locator('[data-testid=requested-problem]').innerText()).toBe('请填写整数');
      expect(await form.locator('[data-testid=submit-appeal]').isDisabled()).toBe(true);
      await form.locator('input[name=requestedValue]').fill('0');
      await form
        .locator('textarea[name=claim]')
        .fill('督察反馈问题已于2024年12月20日完成整改并经省督察办销号，见销号通知。<b>不是标记</b>');
      await form.locator('input[name=evidence]').setInputFiles([
        { name: '销号通知.png', mimeType: 'image/png', buffer: png(240, 120) },
        { name: '伪装.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') },
      ]);
      await form.locator('[data-testid=evidence-refused]').waitFor();
      expect(await form.locator('[data-testid=evidence-refused]').innerText()).toContain('伪装.pdf');
      expect(await form.locator('[data-testid=evidence-chosen] li').count()).toBe(1);
      await form.locator('[data-testid=evidence-chosen]').scrollIntoViewIfNeeded();
      await screenshot(page, 'appeals-05-filing', { manual: 'appeal-filing' });
      await form.locator('[data-testid=submit-appeal]').click();
      await page.waitForURL((u) => /\/appeals\/\d+$/.test(u.pathname));
      appealId = Number(page.url().split('/').pop());
      await page.locator('[data-testid=appeal-state][data-state=open]').waitFor();
      // The claim is shown as text, never as markup.
      expect(await page.locator('[data-testid=appeal-claim]').innerText()).toContain('<b>不是标记</b>');
      expect(await page.locator('[data-testid=appeal-claim] b').count()).toBe(0);
      const img = page.locator('[data-testid=evidence-image]');
      await img.waitFor();
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), WAIT).toBe(240);
      expect(await page.locator('[data-testid=evidence-list]').innerText()).toMatch(/[0-9a-f]{64}/);
      expect(await page.locator('[data-testid=appeal-target]').innerText()).toContain(
        '生态环境保护督察问题逾期未完成整改数',
      );
      // A region account does not review: the decision section only shows the state.
      expect(await page.locator('[data-testid=decision]').innerText()).toContain('待复核');
      expect(await page.locator('[data-testid=decision-form]').count()).toBe(0);
      // More evidence while the appeal is open: a PDF, previewed in the page.
      await page.locator('input[name=evidence]').setInputFiles([
        {
          name: 'rectification.pdf',
          mimeType: 'application/pdf',
          buffer: pdf('Rectification closed 2024-12-20'),
        },
      ]);
      await page.click('[data-testid=upload-evidence]');
      await expect.poll(() => page.locator('[data-testid=evidence-list] > li').count(), WAIT).toBe(2);
      await page.locator('[data-testid=evidence-list] > li:last-child button').click();
      const frame = page.locator('[data-testid=evidence-pdf]');
      await frame.waitFor();
      expect(await frame.getAttribute('src')).toMatch(new RegExp(`^/api/appeals/${appealId}/evidence/\\d+$`));
      await screenshot(page, 'appeals-06-filed');
      // The English switch: the same page in English, the labels from the rule document's `en`.
      await page.click('button.lang');
      await expect
        .poll(() => page.locator('[data-testid=appeal-state]').innerText(), WAIT)
        .toBe('Awaiting review');
      expect(await page.locator('[data-testid=appeal-target]').innerText()).toContain(
        'Inspection findings not rectified on time',
      );
      await screenshot(page, 'appeals-06-filed-en');
      await page.click('button.lang');
      await expect.poll(() => page.locator('[data-testid=appeal-state]').innerText(), WAIT).toBe('待复核');
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'an appeal filed by the admin on a region’s behalf cannot be decided by the admin',
    async () => {
      const filed = await admin('POST', '/api/appeals', {
        runId,
        region: OTHER,
        target: { kind: 'item', id: 'air_tasks' },
        claim: '大气污染防治任务已全部完成。',
        requested: { points: 4 },
      });
      expect(filed.status).toBe(201);
      adminAppealId = filed.body.id;
      const { page, errors } = await as('admin', server.adminPassword);
      await page.goto(`${server.base}/runs/${runId}/appeals/${adminAppealId}`);
      const why = page.locator('[data-testid=decision-disabled]');
      await why.waitFor();
      expect(await why.innerText()).toContain('不能复核自己的申诉');
      expect(await page.locator('[data-testid=submit-decision]').isDisabled()).toBe(true);
      await screenshot(page, 'appeals-07-same-person');
      const self = await admin('POST', `/api/appeals/${adminAppealId}/decision`, {
        decision: 'rejected',
        reason: '自己复核',
      });
      expect(self).toMatchObject({ status: 403, body: { code: 'same_person' } });
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'a reviewer sees the counts by state and accepts the region’s appeal with the corrected value',
    async () => {
      const { page, errors } = await as('zhou', 'zhou-password-1');
      await page.goto(`${server.base}/runs/${runId}`);
      const counts = page.locator('[data-testid=appeal-counts][data-loaded=true]');
      await counts.waitFor();
      await expect.poll(() => counts.locator('[data-state=open] .n').innerText(), WAIT).toBe('2');
      await page.locator('[data-testid=appeals-panel]').scrollIntoViewIfNeeded();
      await screenshot(page, 'appeals-08-run-appeals', { manual: 'appeals-list' });
      await page.click(
        `[data-testid=appeals-table] tr[data-appeal="${appealId}"] a[href$="/appeals/${appealId}"]`,
      );
      const form = page.locator('[data-testid=decision-form][data-disabled=false]');
      await form.waitFor();
      await form.locator('input[name=decision][value=accepted]').check();
      expect(await form.locator('input[name=decisionValue]').inputValue()).toBe('0');
      await form
        .locator('textarea[name=reason]')
        .fill('经核查省督察办销号文件，该问题已按期完成整改，采纳申诉。');
      await form.locator('[data-testid=submit-decision]').click();
      await form.locator('[data-testid=decision-confirm]').waitFor();
      await form.locator('[data-testid=submit-decision]').click();
      await page.locator('[data-testid=appeal-state][data-state=accepted]').waitFor();
      expect(await page.locator('[data-testid=decision-made]').innerText()).toContain('周复核');
      await screenshot(page, 'appeals-09-accepted', { manual: 'appeal-decision' });

      // The admin's appeal for 吉林市 is accepted with adjusted points; an assessor's for 四平市 is rejected.
      const zhou = await apiSession(server, 'zhou', 'zhou-password-1');
      const accepted = await zhou('POST', `/api/appeals/${adminAppealId}/decision`, {
        decision: 'accepted',
        reason: '经核查，大气污染防治任务已按期完成，得分调整为4分。',
        points: 4,
      });
      expect(accepted.status).toBe(200);
      const sun = await apiSession(server, 'sun', 'sun-password-1');
      const third = await sun('POST', '/api/appeals', {
        runId,
        region: '220300',
        target: { kind: 'cap', id: 'satisfaction_low' },
        claim: '满意度调查样本不足，请求不适用封顶项。',
      });
      expect(third.status).toBe(201);
      const rejected = await zhou('POST', `/api/appeals/${third.body.id}/decision`, {
        decision: 'rejected',
        reason: '调查样本符合要求，驳回。',
      });
      expect(rejected.status).toBe(200);
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'the assessor makes the correction run; its impact and 更正通报 show 长春市 corrected, the others unchanged',
    async () => {
      const { page, errors } = await as('sun', 'sun-password-1');
      await page.goto(`${server.base}/runs/${runId}`);
      const counts = page.locator('[data-testid=appeal-counts][data-loaded=true]');
      await counts.waitFor();
      await expect.poll(() => counts.locator('[data-state=accepted] .n').innerText(), WAIT).toBe('2');
      expect(await counts.locator('[data-state=rejected] .n').innerText()).toBe('1');
      expect(await counts.locator('[data-state=open] .n').innerText()).toBe('0');
      await page.locator('[data-testid=consequences] [data-kind=interview]').waitFor();
      await page.locator('[data-testid=consequences]').scrollIntoViewIfNeeded();
      await screenshot(page, 'appeals-10-consequences');

      await page.click('[data-testid=open-correction]');
      const dialog = page.locator('dialog[open]');
      for (const id of [appealId, adminAppealId])
        expect(await dialog.locator(`input[type=checkbox][value="${id}"]`).isChecked()).toBe(true);
      await screenshot(page, 'appeals-11-correction');
      await dialog.locator('[data-testid=confirm-correction]').click();
      await page.waitForURL((u) => /^\/runs\/\d+$/.test(u.pathname) && u.pathname !== `/runs/${runId}`);
      correctionId = Number(page.url().split('/').pop());
      await page.locator('[data-testid=supersedes]').waitFor();

      await page.click('[data-testid=open-impact]');
      await page.waitForURL((u) => u.pathname === `/runs/${correctionId}/impact`);
      const row = page.locator(`[data-testid=impact-table] tr[data-region="${REGION}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-changed')).toBe('true');
      expect(await row.innerText()).toContain('生态环境保护督察问题逾期未完成整改数');
      await screenshot(page, 'appeals-12-impact', { manual: 'correction-impact' });

      await page.goto(`${server.base}/runs/${correctionId}/correction`);
      const notice = page.locator('[data-testid=correction-notice]');
      await notice.waitFor();
      expect(await notice.locator('[data-testid=correction-changes]').innerText()).toContain('长春市');
      expect(await notice.innerText()).toContain('共受理申诉 3 项，采纳 2 项，驳回 1 项');
      await screenshot(page, 'appeals-13-correction-notice');

      // The adjusted item shows its adjusted points beside the computed ones, with the appeal.
      await page.goto(`${server.base}/runs/${correctionId}/regions/${OTHER}`);
      const adjusted = page.locator('tr[data-item=air_tasks] [data-testid=item-adjusted]');
      await adjusted.waitFor();
      expect(await adjusted.innerText()).toBe('4.00');
      expect(await page.locator('tr[data-item=air_tasks]').innerText()).toContain(
        '大气污染防治任务已按期完成',
      );
      await page.locator('tr[data-item=air_tasks]').scrollIntoViewIfNeeded();
      await screenshot(page, 'appeals-14-adjusted-item');

      await page.goto(`${server.base}/runs/${runId}`);
      await page.locator('[data-testid=superseded-by]').waitFor();
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'the correction run equals an independent evaluation of the corrected data plus the adjusted points; no other region’s result moved',
    async () => {
      const before = (await admin('GET', `/api/runs/${runId}`)).body;
      const after = (await admin('GET', `/api/runs/${correctionId}`)).body;
      expect(after.supersedes).toBe(runId);
      expect(before.supersededBy).toBe(correctionId);

      const doc = (await admin('GET', `/api/versions/${versionId}`)).body.document as RuleDocument;
      const stored = (await admin('GET', '/api/datasets/2024')).body;
      expect(stored.regions.find((r: { code: string }) => r.code === REGION).values.inspection_overdue).toBe(
        0,
      );
      const sources = stored.regions.find((r: { code: string }) => r.code === REGION).sources ?? {};
      expect(sources.inspection_overdue).toBe(`appeal:${appealId}`);
      // Last year's values as SPEC 9 has them: the year's own prev.KEY cells, else the stored 2023 values.
      const lastYear = {
        year: 2023,
        regions: stored.regions.map((r: { code: string; lastYear?: Record<string, unknown> }) => ({
          code: r.code,
          values: r.lastYear ?? {},
        })),
      };
      const own = evaluate(
        doc,
        fillPrevious(doc, splitStoredPrevious({ year: 2024, regions: stored.regions }), lastYear, 2023),
      );
      const byRegion = new Map(own.results.map((r) => [r.region, r]));
      for (const r of after.results) {
        if (r.region === OTHER) continue;
        expect(r.total, r.region).toBe(byRegion.get(r.region)!.total);
        expect(r.grade, r.region).toBe(byRegion.get(r.region)!.grade);
      }
      // 吉林市: the item's effective points are the adjusted 4 instead of the computed 2.5.
      const jl = after.results.find((x: { region: string }) => x.region === OTHER);
      expect(jl.total).toBeCloseTo(byRegion.get(OTHER)!.total + 1.5, 6);
      const air = jl.categories
        .flatMap((c: { items: unknown[] }) => c.items)
        .find((i: { id: string }) => i.id === 'air_tasks');
      expect(air).toMatchObject({ points: 2.5, adjustment: { points: 4, appeal: adminAppealId } });
      for (const b of before.results) {
        if (b.region === REGION || b.region === OTHER) continue;
        const a = after.results.find((x: { region: string }) => x.region === b.region);
        expect({ total: a.total, grade: a.grade, base: a.base }, b.region).toEqual({
          total: b.total,
          grade: b.grade,
          base: b.base,
        });
      }
      const cc = after.results.find((x: { region: string }) => x.region === REGION);
      expect(cc.downgrades).toEqual([]);
    },
    STEP,
  );
});
