/**
 * After the appeals are decided (SPEC section 10): the correction run compared with an independent
 * evaluation, its seal, the impact, its own publication, consequences, verification of the whole
 * cycle — and the deadline. The cycle up to the decisions is replayed by `decidedCycle`; the
 * filing, evidence and decisions themselves are tested in appeals.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../engine/index.ts';
import type { Dataset, RegionResult, RuleDocument } from '../../engine/types.ts';
import { todayInChina } from '../db/appeal-window.ts';
import { addEvidence, fileAppeal } from '../db/appeals.ts';
import { getRunDataset } from '../db/runs.ts';
import { verifySealedRun } from '../trust/sealed.ts';
import { verifyDatabase } from '../trust/verify.ts';
import { decidedCycle, PDF, publish } from './appeals-cycle.ts';
import { schemaProblems, type Fixture } from './test-helpers.ts';

describe('corrections after the appeals', () => {
  let f: Fixture;
  let runId: number;
  let doc: RuleDocument;
  let ids: Record<string, number> = {};
  beforeAll(async () => {
    ({ f, runId, doc, ids } = await decidedCycle());
  });
  afterAll(() => f.close());

  it('the correction run applies the accepted appeals and matches an independent evaluation', async () => {
    const as = f.as('assessor');
    const notAccepted = await as.json('POST', `/api/runs/${runId}/corrections`, {
      appeals: [ids.input, ids.rejected],
    });
    expect([notAccepted.status, notAccepted.body.code, notAccepted.body.errors[0].path]).toEqual([
      409,
      'not_accepted',
      '/appeals/1',
    ]);
    const c = await as.json('POST', `/api/runs/${runId}/corrections`, {
      appeals: [ids.input, ids.downgrade, ids.item],
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      supersedes: runId,
      corrections: { appeals: [ids.input, ids.downgrade, ids.item] },
    });
    const newId = c.body.id as number;

    const before = (await f.as('reviewer').json('GET', `/api/runs/${runId}`)).body;
    expect(before.supersededBy).toBe(newId);
    const after = (await f.as('reviewer').json('GET', `/api/runs/${newId}`)).body;
    expect(after.supersedes).toBe(runId);

    // The corrected input is a new revision of the year's data, its source the appeal.
    const data = await f.as('reviewer').json('GET', '/api/datasets/2024/regions/220100');
    expect(schemaProblems(f.app, 'GET', '/api/datasets/{year}/regions/{code}', 200, data.body)).toEqual([]);
    expect(data.body.values.air_task_shortfalls).toBe(0);
    expect(data.body.sources.air_task_shortfalls).toBe(`appeal:${ids.input}`);

    // Independent evaluation: the engine on the superseded run's dataset with the corrected value.
    const base = await getRunDataset(f.opened.db, runId);
    const corrected: Dataset = JSON.parse(JSON.stringify(base));
    corrected.regions.find((r) => r.code === '220100')!.values.air_task_shortfalls = 0;
    const independent = new Map(evaluate(doc, corrected, { trace: false }).results.map((r) => [r.region, r]));
    const original = new Map(evaluate(doc, base, { trace: false }).results.map((r) => [r.region, r]));
    const got = new Map((after.results as RegionResult[]).map((r) => [r.region, r]));
    const old = new Map((before.results as RegionResult[]).map((r) => [r.region, r]));
    const strip = (r: RegionResult) => ({
      total: r.total,
      base: r.base,
      bonus: r.bonus,
      scoreGrade: r.scoreGrade,
      grade: r.grade,
      categories: r.categories,
    });
    // Untouched regions keep exactly their results (rank may move).
    for (const code of [
      '220300',
      '220400',
      '220500',
      '220600',
      '220700',
      '220800',
      '222400',
      'CBS001',
      '220581',
      '220184',
    ])
      expect(strip(got.get(code)!), code).toEqual(strip(old.get(code)!));

    // 220100: the corrected air_task_shortfalls, and the downgrade lifted: final grade = score grade.
    const cc = got.get('220100')!;
    const ccIndependent = independent.get('220100')!;
    expect(ccIndependent.downgrades).toEqual(['inspection_overdue']);
    expect(cc.total).toBe(ccIndependent.total);
    expect(cc.categories).toEqual(ccIndependent.categories);
    expect(cc.downgrades).toEqual([]);
    expect(cc.waivers).toEqual([
      { kind: 'downgrade', id: 'inspection_overdue', appeal: ids.downgrade, reason: '已整改' },
    ]);
    expect(cc.grade).toBe(ccIndependent.scoreGrade);
    expect(cc.total).not.toBe(original.get('220100')!.total);

    // 220200: the computed points kept, the adjustment beside them, sums and grade from effective points.
    const jl = got.get('220200')!;
    const sat = jl.categories.find((c) => c.id === 'satisfaction')!;
    const item = sat.items.find((i) => i.id === 'satisfaction')!;
    const computed = independent.get('220200')!.categories.find((c) => c.id === 'satisfaction')!.items[0];
    expect(item.points).toBe(computed.points);
    expect(item.adjustment).toEqual({ points: 4.5, appeal: ids.item, reason: '样本重算' });
    const round2 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9)) / 100;
    const expectedBase = round2(
      independent
        .get('220200')!
        .categories.map((cat) => (cat.id === 'satisfaction' ? 4.5 : cat.points))
        .reduce((s, x) => s + x, 0),
    );
    expect(jl.base).toBeCloseTo(expectedBase, 9);
    expect(jl.total).toBe(round2(jl.base + jl.bonus));
    const grade = doc.grades.find((g) => g.min <= jl.total)!.id;
    expect(jl.scoreGrade).toBe(grade);
    // 220200 misses binding targets in 2024 (the one 降档项): one grade below its score grade
    expect(jl.downgrades).toEqual(['binding_target_missed']);
    expect(jl.caps).toEqual([]);
    expect(jl.vetoes).toEqual([]);
    const gi = doc.grades.findIndex((g) => g.id === grade);
    expect(jl.grade).toBe(doc.grades[Math.min(gi + 1, doc.grades.length - 1)].id);

    // Ranking follows the effective totals and grades.
    const order = (after.results as RegionResult[]).map((r) => r.rank);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const idx = (g: string) => doc.grades.findIndex((x) => x.id === g);
    for (const r of after.results as RegionResult[]) {
      const better = (after.results as RegionResult[]).filter(
        (o) => idx(o.grade) < idx(r.grade) || (o.grade === r.grade && o.total > r.total),
      ).length;
      expect(r.rank, r.region).toBe(better + 1);
    }

    // Both ends know the appeals applied; each applies once; one correction per run.
    expect((await as.json('GET', `/api/appeals/${ids.input}`)).body.appliedIn).toEqual([newId]);
    const twice = await as.json('POST', `/api/runs/${runId}/corrections`, { appeals: [ids.input] });
    expect([twice.status, twice.body.code]).toEqual([409, 'already_superseded']);
    const superseded = await f.as('region').json('POST', '/api/appeals', {
      runId,
      region: '220100',
      target: { kind: 'input', key: 'satisfaction' },
      claim: '再申诉',
    });
    expect([superseded.status, superseded.body.code]).toEqual([409, 'superseded']);
    ids.correction = newId;
  });

  it('the sealed correction run re-evaluates to the same bytes, adjustments included', async () => {
    const sealed = await f.as('reviewer').json('GET', `/api/runs/${ids.correction}/sealed`);
    expect(sealed.body.corrections).toMatchObject({
      supersedes: runId,
      appeals: [ids.input, ids.downgrade, ids.item],
    });
    expect(verifySealedRun(sealed.body)).toEqual([]);
    const forged = JSON.parse(JSON.stringify(sealed.body));
    forged.corrections.adjustments['220200'].items.satisfaction.points = 5;
    expect(verifySealedRun(forged).map((p) => p.code)).toContain('results_differ');
  });

  it('impact: the regions the correction moved, and a region account sees only its own row', async () => {
    const impact = await f.as('reviewer').json('GET', `/api/runs/${ids.correction}/impact`);
    expect(impact.status).toBe(200);
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/impact', 200, impact.body)).toEqual([]);
    expect(impact.body).toMatchObject({ from: runId, to: ids.correction });
    const changed = impact.body.regions
      .filter((r: { changed: boolean }) => r.changed)
      .map((r: { region: string }) => r.region);
    expect(changed.sort()).toEqual(['220100', '220200']);
    const cc = impact.body.regions.find((r: { region: string }) => r.region === '220100');
    expect(cc.inputs).toEqual([{ key: 'air_task_shortfalls', before: 1, after: 0, appeal: ids.input }]);
    expect(cc.waivers).toEqual([{ kind: 'downgrade', id: 'inspection_overdue', appeal: ids.downgrade }]);
    expect((await f.as('reviewer').json('GET', `/api/runs/${runId}/impact`)).body.code).toBe(
      'not_a_correction',
    );
    // Not published yet: invisible to the region account; after publication its own row only.
    expect((await f.as('region').json('GET', `/api/runs/${ids.correction}/impact`)).status).toBe(404);
  });

  it('the correction run is published after the run it supersedes (four eyes), with its own window', async () => {
    const today = todayInChina();
    const p = await publish(f, ids.correction, today, 5);
    expect(p).toMatchObject({ status: 'published', appealDays: 5 });
    const region = f.as('region');
    const runs = (await region.json('GET', '/api/runs')).body.runs.map((r: { id: number }) => r.id);
    expect(runs.sort()).toEqual([runId, ids.correction].sort());
    const impact = await region.json('GET', `/api/runs/${ids.correction}/impact`);
    expect(impact.body.regions.map((r: { region: string }) => r.region)).toEqual(['220100']);
    const history = await region.json('GET', `/api/runs/${ids.correction}/regions/220100/history`);
    expect(history.body.points.map((p: { runId: number }) => p.runId)).toEqual([ids.correction]);
    const notice = await region.request('GET', `/api/runs/${ids.correction}/documents/correction.docx`);
    expect(notice.status).toBe(200);
    // Appeals now go against the correction run.
    const again = await region.json('POST', '/api/appeals', {
      runId: ids.correction,
      region: '220100',
      target: { kind: 'item', id: 'soil_tasks' },
      claim: '土壤任务已完成',
    });
    expect(again.status).toBe(201);
    // A run that is neither the original nor a correction cannot be published for the same year.
    const third = await f
      .as('assessor')
      .json('POST', '/api/runs', { versionId: f.published[2024].id, year: 2024 });
    const req = await f.as('assessor').json('POST', `/api/runs/${third.body.id}/publish`, {
      docNumber: '吉环考〔2025〕9号',
      publishedOn: today,
    });
    expect([req.status, req.body.code]).toEqual([409, 'already_published']);
  });

  it('consequences: computed from the results, configured per family, recorded once, exported', async () => {
    const rev = f.as('reviewer');
    const c = await rev.json('GET', `/api/runs/${runId}/consequences`);
    expect(c.body.recorded).toBeNull();
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/consequences', 200, c.body)).toEqual([]);
    const interview = c.body.lists.find((l: { kind: string }) => l.kind === 'interview');
    const byRegion = new Map(
      interview.regions.map((r: { region: string; reasons: { criterion: string }[] }) => [
        r.region,
        r.reasons.map((x) => x.criterion),
      ]),
    );
    expect(byRegion.get('220581')).toEqual(expect.arrayContaining(['failed', 'vetoed']));
    expect(byRegion.get('220100')).toEqual(['downgraded']);
    expect(byRegion.has('220500')).toBe(false);
    const criticism = c.body.lists.find((l: { kind: string }) => l.kind === 'criticism');
    // 不合格 in 2024: 公主岭 by score, 梅河口 by veto, 四平 and 松原 合格 by score but downgraded for
    // missed binding targets
    expect(criticism.regions.map((r: { region: string }) => r.region).sort()).toEqual([
      '220184',
      '220300',
      '220581',
      '220700',
    ]);

    expect((await rev.json('PUT', '/api/families/jilin-eco-target/consequences', { lists: [] })).status).toBe(
      403,
    );
    const cfg = await f.as('admin').json('PUT', '/api/families/jilin-eco-target/consequences', {
      lists: [{ kind: 'restriction', criteria: ['vetoed'] }],
    });
    expect(cfg.status).toBe(200);
    expect(schemaProblems(f.app, 'PUT', '/api/families/{family}/consequences', 200, cfg.body)).toEqual([]);
    const rec = await f.as('assessor').json('POST', `/api/runs/${runId}/consequences`);
    expect(rec.status).toBe(201);
    expect(schemaProblems(f.app, 'POST', '/api/runs/{id}/consequences', 201, rec.body)).toEqual([]);
    expect(rec.body.lists).toEqual([
      expect.objectContaining({
        kind: 'restriction',
        regions: [expect.objectContaining({ region: '220581' })],
      }),
    ]);
    expect((await f.as('assessor').json('POST', `/api/runs/${runId}/consequences`)).body.code).toBe(
      'already_recorded',
    );
    // Recorded: a later configuration does not change it.
    await f.as('admin').json('PUT', '/api/families/jilin-eco-target/consequences', {
      lists: [{ kind: 'interview', criteria: ['failed'] }],
    });
    expect((await rev.json('GET', `/api/runs/${runId}/consequences`)).body.lists[0].kind).toBe('restriction');
    const csv = await rev.request('GET', `/api/runs/${runId}/consequences/export?format=csv`);
    const text = await csv.text();
    expect(text).toContain('区域限批,220581');
    const xlsx = await rev.request('GET', `/api/runs/${runId}/consequences/export?format=xlsx`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(() => f.opened.sqlite.exec(`DELETE FROM run_consequences WHERE run_id = ${runId}`)).toThrow(
      /immutable/,
    );
  });

  it('verify --db holds for the whole cycle, and catches evidence changed behind the triggers', async () => {
    expect((await verifyDatabase(f.opened.db)).problems).toEqual([]);
    const db = f.opened.sqlite;
    db.exec('DROP TRIGGER appeal_evidence_append_only_update');
    db.exec(
      `UPDATE appeal_evidence SET content = zeroblob(size) WHERE appeal_id = ${ids.input} AND content_type = 'application/pdf'`,
    );
    db.exec('DROP TRIGGER appeal_decisions_append_only_update');
    db.exec(`UPDATE appeal_decisions SET decided_by = 'cc' WHERE appeal_id = ${ids.input}`);
    const codes = (await verifyDatabase(f.opened.db)).problems.map((p) => `${p.table} ${p.code}`);
    expect(codes).toContain('appeal_evidence evidence_hash_mismatch');
    expect(codes).toContain('appeal_decisions same_person');
  });

  it('the deadline: no appeal and no evidence after the window (appeal_closed)', async () => {
    const actor = { username: 'cc', role: 'region' as const, region: '220100' };
    const far = '2999-01-01';
    await expect(
      async () =>
        await fileAppeal(
          f.opened.db,
          { runId: ids.correction, region: '220100', target: { kind: 'input', key: 'pm25' }, claim: 'x' },
          actor,
          far,
        ),
    ).rejects.toThrow(/appeal window closed/);
    try {
      await addEvidence(
        f.opened.db,
        ids.own,
        { filename: 'a.pdf', bytes: PDF },
        { username: 'admin', role: 'admin', region: null },
        far,
      );
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('appeal_closed');
    }
  });
});
