import { describe, expect, it } from 'vitest';
import { contentHash, datasetHash, ENGINE_VERSION, evaluate } from '../../engine/index.ts';
import { resultsHashOf } from '../trust/integrity.ts';
import { listAudit } from './audit.ts';
import { datasetForYear, saveDatasetGrid } from './datasets.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { listRegions } from './regions.ts';
import {
  createRun,
  getRun,
  getRunDataset,
  getRunRegion,
  getRunResultTexts,
  getRunRow,
  listRuns,
  orderEvaluation,
} from './runs.ts';
import { demoDocument, publishApproved, useFreshDb } from './test-fixture.ts';
import { createDraft } from './versions.ts';

const h = useFreshDb();

async function publish(year = 2024): Promise<number> {
  return (await publishApproved(h.db, (await createDraft(h.db, { document: demoDocument(year) }, 'a')).id))
    .id;
}

/** Every region gets data; the region at index `skip` none (it becomes a run error). */
async function fill(versionId: number, year = 2024, skip = -1): Promise<void> {
  const regions = (await listRegions(h.db))
    .filter((_, i) => i !== skip)
    .map((r, i) => ({
      code: r.code,
      values: { pm25_target: 35, pm25: 30 + (i % 5) * 2, projects: i % 4, incident: i === 2 },
    }));
  await saveDatasetGrid(h.db, year, { regions }, { versionId, actor: 'a' });
}

describe('createRun', () => {
  it('stores a finished run with hashes, engine version, counts and audit', async () => {
    const v = await publish();
    await fill(v, 2024, 0);
    const dataset = await datasetForYear(h.db, 2024);
    const run = await createRun(h.db, { versionId: v, year: 2024 }, 'eve');
    expect(run).toMatchObject({
      versionId: v,
      family: 'demo',
      year: 2024,
      version: 1,
      status: 'finished',
      datasetHash: datasetHash(dataset),
      documentHash: contentHash(demoDocument()),
      engineVersion: ENGINE_VERSION,
      createdBy: 'eve',
    });
    expect(run.counts.scored).toBe(11);
    expect(run.counts.errors).toBe(1);
    expect(Object.values(run.counts.byGrade).reduce((a, b) => a + b, 0)).toBe(11);
    expect(await getRunDataset(h.db, run.id)).toEqual(dataset);
    const [entry] = (await listAudit(h.db, { entity: 'run' })).entries;
    expect(entry).toMatchObject({ action: 'run.create', user: 'eve', entityId: String(run.id) });
    expect(entry.detail).toMatchObject({
      datasetHash: run.datasetHash,
      documentHash: run.documentHash,
      scored: 11,
      errors: 1,
    });
  });

  it('stores, group by group, the texts of the whole evaluation in order, and their results hash', async () => {
    const v = await publish();
    await fill(v, 2024, 3);
    const dataset = await datasetForYear(h.db, 2024);
    const run = await createRun(h.db, { versionId: v, year: 2024 }, 'a');
    const whole = orderEvaluation(evaluate(demoDocument(), dataset, { trace: true }));
    const texts = await getRunResultTexts(h.db, run.id);
    expect(texts.results).toEqual(whole.results.map((r) => JSON.stringify(r)));
    expect(texts.errors).toEqual(whole.errors.map((e) => JSON.stringify(e)));
    expect(texts.errors.length).toBeGreaterThan(0);
    expect((await getRunRow(h.db, run.id)).resultsHash).toBe(resultsHashOf(texts));
  });

  it('orders results by rank then region code, errors by region', async () => {
    const v = await publish();
    await fill(v, 2024, 5);
    const run = await getRun(h.db, (await createRun(h.db, { versionId: v, year: 2024 }, 'a')).id);
    const keys = run.results.map((r) => [r.rank, r.region]);
    expect(keys).toEqual(
      [...keys].sort(
        (a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1])),
      ),
    );
    expect(run.results[0].rank).toBe(1);
    expect(run.results.at(-1)!.grade).toBe('unqualified'); // the vetoed region is last
    expect(
      run.results.every((r) => r.categories.every((c) => c.items.every((i) => i.trace === undefined))),
    ).toBe(true);
    expect(run.errors.length).toBeGreaterThan(0);
    expect(new Set(run.errors.map((e) => e.region))).toEqual(new Set([(await listRegions(h.db))[5].code]));
    expect(run.errors.map((e) => e.key)).toContain('pm25');
    expect(run.grades.map((g) => g.id)).toEqual(['excellent', 'good', 'unqualified']);
  });

  it('same version and same data give byte-identical stored results', async () => {
    const v = await publish();
    await fill(v, 2024, 3);
    const a = await createRun(h.db, { versionId: v, year: 2024 }, 'a');
    const b = await createRun(h.db, { versionId: v, year: 2024 }, 'b');
    expect(b.id).not.toBe(a.id);
    expect(b.datasetHash).toBe(a.datasetHash);
    const ta = await getRunResultTexts(h.db, a.id);
    const tb = await getRunResultTexts(h.db, b.id);
    expect(ta.results.length).toBe(11);
    expect(tb).toEqual(ta);
    expect(Buffer.from(JSON.stringify(tb))).toEqual(Buffer.from(JSON.stringify(ta)));
    // Changing one figure changes the dataset hash and the results.
    await saveDatasetGrid(
      h.db,
      2024,
      { regions: [{ code: (await listRegions(h.db))[0].code, values: { pm25: 60 } }] },
      { versionId: v, actor: 'a' },
    );
    const c = await createRun(h.db, { versionId: v, year: 2024 }, 'a');
    expect(c.datasetHash).not.toBe(a.datasetHash);
    expect(await getRunResultTexts(h.db, c.id)).not.toEqual(ta);
  });

  it('refuses a draft version and an unknown one', async () => {
    const d = await createDraft(h.db, { document: demoDocument() }, 'a');
    await expect(async () => await createRun(h.db, { versionId: d.id, year: 2024 }, 'a')).rejects.toThrow(
      ConflictError,
    );
    await expect(async () => await createRun(h.db, { versionId: 999, year: 2024 }, 'a')).rejects.toThrow(
      NotFoundError,
    );
    expect(await listRuns(h.db)).toEqual([]);
  });
});

describe('reading runs', () => {
  it('lists runs newest first with filters', async () => {
    const v24 = await publish(2024);
    const v23 = await publish(2023);
    await fill(v24, 2024);
    await fill(v23, 2023);
    const r1 = await createRun(h.db, { versionId: v23, year: 2023 }, 'a');
    const r2 = await createRun(h.db, { versionId: v24, year: 2024 }, 'a');
    expect((await listRuns(h.db)).map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect((await listRuns(h.db, { year: 2023 })).map((r) => r.id)).toEqual([r1.id]);
    expect((await listRuns(h.db, { versionId: v24 })).map((r) => r.id)).toEqual([r2.id]);
    expect(await listRuns(h.db, { family: 'nope' })).toEqual([]);
  });

  it("gives a region's result with traces and last year's result", async () => {
    const v24 = await publish(2024);
    const v23 = await publish(2023);
    await fill(v24, 2024);
    await fill(v23, 2023);
    const code = (await listRegions(h.db))[0].code;
    const r23 = await createRun(h.db, { versionId: v23, year: 2023 }, 'a');
    const r24 = await createRun(h.db, { versionId: v24, year: 2024 }, 'a');
    const detail = await getRunRegion(h.db, r24.id, code);
    expect(detail.region).toBe(code);
    expect(detail.categories[0].items[0].trace).toMatchObject({ vars: expect.any(Object) });
    expect(detail.previous).toMatchObject({ runId: r23.id, year: 2023, result: { region: code } });
    expect((await getRunRegion(h.db, r23.id, code)).previous).toBeNull();
    await expect(async () => await getRunRegion(h.db, r24.id, 'nope')).rejects.toThrow(NotFoundError);
    await expect(async () => await getRun(h.db, 999)).rejects.toThrow(NotFoundError);
  });
});
