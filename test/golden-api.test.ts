/** The golden cases through the HTTP API: `POST /api/evaluate` with the document and the data. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluate, fillPrevious } from '../engine/index.ts';
import { compareWithExpected, loadCases } from './cases/load.ts';
import { makeFixture, type Fixture } from '../server/routes/test-helpers.ts';

const cases = loadCases();
let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture({ seedData: false, app: { log: () => {} } });
});
afterAll(() => fx?.close());

describe('golden cases: HTTP API', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { status, body } = await fx
      .as('assessor')
      .json('POST', '/api/evaluate', { document: c.document, dataset: c.data });
    expect(status).toBe(200);
    expect(compareWithExpected(c, body)).toEqual([]);
    // Byte-identical to the engine called directly — on the data as the server gives it: last year's
    // values (schema version 2) marked with where they came from (no stored data of year − 1 here).
    const year = c.data.year ?? c.document.year;
    const served = fillPrevious(c.document, c.data, null, year - 1);
    expect(JSON.stringify(body)).toBe(JSON.stringify(evaluate(c.document, served)));
  });
});
