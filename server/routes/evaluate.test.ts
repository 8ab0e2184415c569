import { describe, expect, it } from 'vitest';
import { evaluate, fillPrevious } from '../../engine/index.ts';
import { datasetForYear } from '../db/datasets.ts';
import { useFixture, sampleData, sampleDocument, schemaProblems } from './test-helpers.ts';

describe('evaluate and diff', () => {
  const f = useFixture();

  it('evaluates a document on a given dataset, exactly as the engine does', async () => {
    const doc = sampleDocument(2024);
    const data = sampleData(2024);
    const r = await f.as('reviewer').json('POST', '/api/evaluate', { document: doc, dataset: data });
    expect(r.status).toBe(200);
    // The data gives last year's values; the server fills only what it lacks from the stored year before.
    const filled = fillPrevious(doc, data, await datasetForYear(f.opened.db, 2023), 2023);
    expect(JSON.stringify(r.body)).toBe(JSON.stringify(evaluate(doc, filled)));
    expect(schemaProblems(f.app, 'POST', '/api/evaluate', 200, r.body)).toEqual([]);
    // The second call hits the prepared-document cache and must answer the same.
    const again = await f.as('reviewer').json('POST', '/api/evaluate', { document: doc, dataset: data });
    expect(again.body).toEqual(r.body);
  });

  it('evaluates a version on the stored data of a year, with or without traces', async () => {
    const r = await f
      .as('assessor')
      .json('POST', '/api/evaluate', { versionId: f.draft2025.id, trace: false });
    expect(r.status).toBe(200);
    const stored = await datasetForYear(f.opened.db, 2025);
    const last = await datasetForYear(f.opened.db, 2024);
    const expected = evaluate(f.draft2025.document, fillPrevious(f.draft2025.document, stored, last, 2024), {
      trace: false,
    });
    expect(r.body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(JSON.stringify(r.body)).not.toContain('"trace"');
    const y = await f
      .as('assessor')
      .json('POST', '/api/evaluate', { versionId: f.published[2024].id, year: 2024 });
    expect(y.body.dataset.year).toBe(2024);
    expect(y.body.results[0].categories[0].items[0].trace).toBeDefined();
  });

  it('sees a data change at once although stored data is cached between previews', async () => {
    const as = f.as('assessor');
    const score = async () =>
      (
        (await as.json('POST', '/api/evaluate', { versionId: f.draft2025.id, trace: false })).body
          .results as { region: string; total: number }[]
      ).find((r) => r.region === '220100')!.total;
    const before = await score();
    expect(await score()).toBe(before);
    const grid = (await as.json('GET', '/api/datasets/2025')).body.regions.find(
      (r: { code: string }) => r.code === '220100',
    );
    const worse = { pm25: grid.values.pm25 + 20 };
    expect(
      (
        await as.json('PUT', `/api/datasets/2025?versionId=${f.draft2025.id}`, {
          regions: [{ code: '220100', values: worse }],
        })
      ).status,
    ).toBe(200);
    const after = await score();
    expect(after).toBeLessThan(before);
    await as.json('PUT', `/api/datasets/2025?versionId=${f.draft2025.id}`, {
      regions: [{ code: '220100', values: { pm25: grid.values.pm25 } }],
    });
    expect(await score()).toBe(before);
  });

  it('refuses an invalid document with every problem, and bad requests', async () => {
    const rev = f.as('reviewer');
    const doc = sampleDocument(2024);
    doc.categories[0].items[0].logic = { sqrt: [4] };
    const r = await rev.json('POST', '/api/evaluate', { document: doc, dataset: { regions: [] } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_document');
    expect(r.body.errors.map((e: { code: string }) => e.code)).toContain('unknown_operation');
    expect(r.body.errors[0].path).toMatch(/^\/categories\/0\/items\/0\/logic/);

    const schemaBad = await rev.json('POST', '/api/evaluate', {
      document: { schemaVersion: 3 },
      dataset: { regions: [] },
    });
    expect(schemaBad.status).toBe(422);
    expect(schemaBad.body.errors.some((e: { path: string }) => e.path === '/document/schemaVersion')).toBe(
      true,
    );

    const neither = await rev.json('POST', '/api/evaluate', { year: 2024 });
    expect(neither.status).toBe(422);
    expect(neither.body.code).toBe('document_or_version');
    const both = await rev.json('POST', '/api/evaluate', { document: sampleDocument(2024), versionId: 1 });
    expect(both.status).toBe(422);
    expect((await rev.json('POST', '/api/evaluate', { versionId: 999 })).status).toBe(404);
    const badData = await rev.json('POST', '/api/evaluate', {
      versionId: 1,
      dataset: { regions: [{ values: {} }] },
    });
    expect(badData.status).toBe(422);
    expect(badData.body.errors[0]).toMatchObject({ path: '/dataset/regions/0/code', code: 'missing_field' });
  });

  it('reports per-region data errors without failing the request', async () => {
    const data = sampleData(2024);
    delete data.regions[0].values.pm25;
    const r = await f
      .as('reviewer')
      .json('POST', '/api/evaluate', { document: sampleDocument(2024), dataset: data });
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([expect.objectContaining({ region: data.regions[0].code, key: 'pm25' })]);
    expect(r.body.results).toHaveLength(data.regions.length - 1);
  });

  it("diffs two versions, with the impact on a year's data", async () => {
    const rev = f.as('reviewer');
    const r = await rev.json('GET', `/api/diff?from=${f.published[2024].id}&to=${f.draft2025.id}&year=2025`);
    expect(r.status).toBe(200);
    expect(r.body.changes.length).toBeGreaterThan(0);
    expect(r.body.changes[0]).toMatchObject({
      kind: expect.stringMatching(/added|removed|changed/),
      target: expect.any(String),
      id: expect.any(String),
    });
    expect(r.body.impact).toHaveLength(12);
    expect(r.body.impact[0]).toMatchObject({
      region: expect.any(String),
      from: expect.any(Object),
      to: expect.any(Object),
    });
    expect(schemaProblems(f.app, 'GET', '/api/diff', 200, r.body)).toEqual([]);

    const same = await rev.json('GET', `/api/diff?from=${f.published[2024].id}&to=${f.published[2024].id}`);
    expect(same.body).toEqual({ changes: [] });
    expect((await rev.json('GET', `/api/diff?from=${f.published[2024].id}`)).status).toBe(400);
    expect((await rev.json('GET', `/api/diff?from=999&to=${f.published[2024].id}`)).status).toBe(404);
  });
});

describe('last year values filled from the stored data of year − 1 (schema version 2)', () => {
  const f = useFixture();

  /** The 2025 sample reading last year's PM2.5 as prev.pm25 (declared `required`). */
  const v2Document = () => {
    const doc = sampleDocument(2025);
    doc.schemaVersion = 2;
    delete doc.tests;
    doc.inputs.find((i) => i.key === 'pm25')!.previous = 'required';
    const item = doc.categories[0].items.find((i) => i.id === 'pm25')!;
    item.logic = { if: [{ '>': [{ var: 'pm25' }, { var: 'prev.pm25' }] }, 0, item.maxPoints] };
    return doc;
  };

  it('fills prev.KEY from the stored data, says where it came from, and names a missing one', async () => {
    const rev = f.as('reviewer');
    const stored2024 = await datasetForYear(f.opened.db, 2024);
    const doc = v2Document();
    const keys = doc.inputs.filter((i) => i.previous).map((i) => i.key);
    expect(keys).toContain('pm25');
    const r = await rev.json('POST', '/api/evaluate', { document: doc, year: 2025 });
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([]);
    for (const res of r.body.results) {
      const lastValues = stored2024.regions.find((x) => x.code === res.region)!.values;
      expect(res.previousValues).toEqual(Object.fromEntries(keys.map((k) => [k, lastValues[k]])));
      expect(res.previousSources).toEqual(
        Object.fromEntries(keys.map((k) => [k, { from: 'stored', year: 2024 }])),
      );
      const item = res.categories[0].items.find((i: { id: string }) => i.id === 'pm25');
      expect(item.trace.vars['prev.pm25']).toBe(lastValues.pm25);
    }
    // given with the data: kept, said so; a region without last year's data: missing_previous
    const data = sampleData(2025);
    for (const region of data.regions) delete region.previous; // the stored 2024 values fill them
    data.regions[0].previous = { pm25: 1 };
    data.regions.push({ code: '229999', name: '新设地区', values: { ...data.regions[1].values } });
    const given = await rev.json('POST', '/api/evaluate', { document: v2Document(), dataset: data });
    const first = given.body.results.find((x: { region: string }) => x.region === data.regions[0].code);
    expect(first.previousSources.pm25).toEqual({ from: 'data' });
    expect(first.previousValues.pm25).toBe(1);
    for (const k of keys.filter((k) => k !== 'pm25'))
      expect(first.previousSources[k]).toEqual({ from: 'stored', year: 2024 });
    expect(given.body.errors).toContainEqual(
      expect.objectContaining({ region: '229999', key: 'prev.pm25', code: 'missing_previous' }),
    );
    expect(given.body.errors.every((e: { region: string }) => e.region === '229999')).toBe(true);
    expect(given.body.errors[0].message).toContain('新设地区');
  });
});
