import { describe, expect, it } from 'vitest';
import { analyseSensitivity, fillPrevious } from '../../engine/index.ts';
import { datasetForYear } from '../db/datasets.ts';
import { useFixture, sampleData, sampleDocument, schemaProblems } from './test-helpers.ts';

describe('POST /api/sensitivity', () => {
  const f = useFixture();

  it('analyses a document on a dataset exactly as the engine does', async () => {
    const doc = sampleDocument(2025);
    const data = sampleData(2025);
    const mode = { kind: 'random', n: 300, seed: 9, p: 25 } as const;
    const r = await f.as('reviewer').json('POST', '/api/sensitivity', { document: doc, dataset: data, mode });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(analyseSensitivity(doc, data, mode))));
    expect(r.body.variants).toBe(300);
    expect(schemaProblems(f.app, 'POST', '/api/sensitivity', 200, r.body)).toEqual([]);
  });

  it('analyses a stored version on the stored data of its year', async () => {
    const mode = { kind: 'points', k: 1 } as const;
    const r = await f
      .as('assessor')
      .json('POST', '/api/sensitivity', { versionId: f.draft2025.id, mode, topVariants: 3 });
    expect(r.status).toBe(200);
    // The stored year with last year's values filled as every evaluation on stored data has them (SPEC 9).
    const doc = f.draft2025.document;
    const stored = fillPrevious(
      doc,
      await datasetForYear(f.opened.db, 2025),
      await datasetForYear(f.opened.db, 2024),
      2024,
    );
    const expected = analyseSensitivity(doc, stored, mode, { topVariants: 3 });
    expect(r.body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(r.body.topVariants.length).toBeLessThanOrEqual(3);
  });

  it('refuses a bad mode with problems at the right place', async () => {
    const r = await f.as('reviewer').json('POST', '/api/sensitivity', {
      versionId: f.draft2025.id,
      mode: { kind: 'grid', variants: [{ maxPoints: { nope: 2, pm25: -1 } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_mode');
    expect(r.body.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['/mode/variants/0/maxPoints/nope', 'unknown_item'],
      ['/mode/variants/0/maxPoints/pm25', 'invalid_points'],
    ]);
  });

  it('refuses an unknown kind through the body schema, and too much work', async () => {
    const bad = await f
      .as('reviewer')
      .json('POST', '/api/sensitivity', { versionId: f.draft2025.id, mode: { kind: 'all' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('/mode/kind');
    const regions = sampleData(2025).regions;
    // 100,000 variants × 312 regions: above the 30,000,000 pairs allowed.
    const many = {
      regions: Array.from({ length: 26 }, () => regions)
        .flat()
        .map((r, i) => ({ ...r, code: `R${i}` })),
    };
    const big = await f.as('reviewer').json('POST', '/api/sensitivity', {
      versionId: f.draft2025.id,
      mode: { kind: 'random', n: 100_000, seed: 1, p: 10 },
      dataset: many,
    });
    expect(big.status).toBe(422);
    expect(big.body.code).toBe('too_many_variants');
  });

  it('needs exactly one of document and versionId, a valid document, and a session', async () => {
    const none = await f.as('reviewer').json('POST', '/api/sensitivity', { mode: { kind: 'points', k: 1 } });
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('document_or_version');
    const invalid = await f.as('reviewer').json('POST', '/api/sensitivity', {
      document: { ...sampleDocument(2025), maxScore: 99 },
      dataset: sampleData(2025),
      mode: { kind: 'points', k: 1 },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('invalid_document');
    const anonymous = await f
      .as(null)
      .json('POST', '/api/sensitivity', { versionId: 1, mode: { kind: 'points', k: 1 } });
    expect(anonymous.status).toBe(401);
  });
});
