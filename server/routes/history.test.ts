import { describe, expect, it } from 'vitest';
import { useFixture, sampleData, schemaProblems, withStoredPrevious } from './test-helpers.ts';

describe('GET /api/runs/:id/regions/:code/history', () => {
  const f = useFixture();

  it("gives a region's points over the years in one request, the run's own result for its year", async () => {
    const as = f.as('assessor');
    // 2022 is not stored: 2023's last-year values come with it
    const data2023 = sampleData(2023).regions.map((r) => ({ code: r.code, values: withStoredPrevious(r) }));
    const put = await as.json('PUT', `/api/datasets/2023?versionId=${f.published[2023].id}`, {
      regions: data2023,
    });
    expect(put.status).toBe(200);
    const run = async (year: 2023 | 2024) =>
      (await as.json('POST', '/api/runs', { versionId: f.published[year].id, year })).body.id as number;
    const r2023 = await run(2023);
    const old2024 = await run(2024);
    const new2024 = await run(2024);

    const rev = f.as('reviewer');
    // From the older 2024 run, that run stands for 2024 (not the newer one).
    const res = await rev.json('GET', `/api/runs/${old2024}/regions/220100/history`);
    expect(res.status).toBe(200);
    expect(schemaProblems(f.app, 'GET', '/api/runs/{id}/regions/{code}/history', 200, res.body)).toEqual([]);
    expect(res.body.points.map((p: { year: number; runId: number }) => [p.year, p.runId])).toEqual([
      [2023, r2023],
      [2024, old2024],
    ]);
    // Each point matches the run's own result for the region.
    for (const p of res.body.points) {
      const one = await rev.json('GET', `/api/runs/${p.runId}/regions/220100`);
      expect(p).toMatchObject({
        total: one.body.total,
        grade: one.body.grade,
        scoreGrade: one.body.scoreGrade,
        rank: one.body.rank,
      });
      const whole = await rev.json('GET', `/api/runs/${p.runId}`);
      expect(p.of).toBe(whole.body.results.length);
    }
    const latest = await rev.json('GET', `/api/runs/${r2023}/regions/220100/history`);
    expect(latest.body.points.map((p: { runId: number }) => p.runId)).toEqual([r2023, new2024]);
  });

  it('answers 404 for a run that does not exist and an empty list for an unknown region', async () => {
    const rev = f.as('reviewer');
    expect((await rev.json('GET', '/api/runs/9999/regions/220100/history')).status).toBe(404);
    const runs = (await rev.json('GET', '/api/runs')).body.runs;
    const none = await rev.json('GET', `/api/runs/${runs[0].id}/regions/999999/history`);
    expect(none.body.points).toEqual([]);
  });
});
