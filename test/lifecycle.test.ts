/**
 * The rule lifecycle end to end through the store's API, as a department would live it:
 * last year's published rules → draft for this year → edit → a stale edit refused → validate →
 * publish → import this year's data → run → the same run again gives identical results → the audit
 * log shows each step.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleDocument } from '../engine/types.ts';
import { datasetHash } from '../engine/index.ts';
import { datasetForYear } from '../server/db/datasets.ts';
import { withPreviousYear } from '../server/db/previous-year.ts';
import {
  ConflictError,
  createDraft,
  createRun,
  getDataset,
  getRun,
  getRunResultTexts,
  getVersion,
  importDataset,
  listAudit,
  loadRegions,
  openDatabase,
  parseRegionsCsv,
  approveVersion,
  requestPublication,
  updateDraft,
  validateVersion,
  type OpenedDatabase,
} from '../server/db/index.ts';

const rules = (p: string) => fileURLToPath(new URL(`../rules/${p}`, import.meta.url));
const readDoc = (year: number) =>
  JSON.parse(readFileSync(rules(`jilin-eco-target/${year}.json`), 'utf8')) as RuleDocument;

let h: OpenedDatabase;
beforeAll(async () => {
  h = openDatabase(':memory:');
  await loadRegions(h.db, parseRegionsCsv(readFileSync(rules('regions.csv'), 'utf8')), 'admin');
});
afterAll(() => h.close());

describe('rule lifecycle', () => {
  it('runs from last year to this year with every step audited', async () => {
    // Last year's rules, published.
    const first = await createDraft(h.db, { document: readDoc(2023) }, 'editor1');
    await requestPublication(h.db, first.id, {}, 'editor1');
    const last = await approveVersion(
      h.db,
      first.id,
      { docNumber: '吉环考〔2023〕1号', effectiveDate: '2023-01-01' },
      'chief',
    );
    expect(last.status).toBe('published');

    // 1. Draft for this year from last year's version.
    const draft = await createDraft(h.db, { from: last.id, year: 2024 }, 'editor1');
    expect(draft).toMatchObject({ year: 2024, status: 'draft', revision: 1, parentId: last.id });
    expect(draft.document.year).toBe(2024);

    // 2. Edit: this year's changes (the sample 2024 document), read at revision 1.
    const edited = await updateDraft(h.db, draft.id, readDoc(2024), draft.revision, 'editor1');
    expect(edited.revision).toBe(2);

    // 3. A colleague's edit based on the stale revision 1 is refused; nothing is lost.
    let conflict: unknown;
    try {
      await updateDraft(h.db, draft.id, { ...draft.document, basis: 'stale' }, 1, 'editor2');
    } catch (e) {
      conflict = e;
    }
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).current).toEqual(edited);
    expect(await getVersion(h.db, draft.id)).toEqual(edited);

    // 4. Validate (schema, semantics and the document's own tests).
    expect(await validateVersion(h.db, draft.id)).toEqual({ valid: true, errors: [] });

    // 5. Publish: editor1 asks, the chief (another person) approves.
    await requestPublication(h.db, draft.id, { expectedRevision: edited.revision }, 'editor1');
    const published = await approveVersion(
      h.db,
      draft.id,
      { docNumber: '吉环考〔2024〕3号', effectiveDate: '2024-03-01' },
      'chief',
    );
    expect(published).toMatchObject({
      status: 'published',
      effective: true,
      publishedBy: 'chief',
      contentHash: edited.contentHash,
    });
    expect((await getVersion(h.db, last.id)).status).toBe('published'); // another year: still effective for 2023

    // 6. Import this year's data (CSV with a # label row), checked against the published version.
    const imported = await importDataset(h.db, {
      year: 2024,
      versionId: published.id,
      format: 'csv',
      data: readFileSync(rules('sample-data/2024.csv')),
      actor: 'assessor1',
      filename: '2024.csv',
    });
    expect(imported.regions).toBe(12);
    const grid = await getDataset(h.db, 2024);
    expect(grid.hash).toBe(imported.hash);

    // 7. Run the assessment.
    const run1 = await createRun(h.db, { versionId: published.id, year: 2024 }, 'assessor1');
    // The run hashes the data it evaluated: the grid's values with its prev.KEY columns read as
    // last year's values (schema version 2), which are part of the dataset hash.
    const evaluated = await withPreviousYear(
      h.db,
      published.document,
      await datasetForYear(h.db, 2024),
      2024,
    );
    expect(run1).toMatchObject({
      status: 'finished',
      documentHash: published.contentHash,
      datasetHash: datasetHash(evaluated),
    });
    expect(run1.counts.scored).toBe(12);
    const detail = await getRun(h.db, run1.id);
    expect(detail.results.map((r) => r.rank)[0]).toBe(1);

    // 8. The same run again gives byte-identical results.
    const run2 = await createRun(h.db, { versionId: published.id, year: 2024 }, 'assessor2');
    expect(run2.id).not.toBe(run1.id);
    expect(run2.datasetHash).toBe(run1.datasetHash);
    expect(JSON.stringify(await getRunResultTexts(h.db, run2.id))).toBe(
      JSON.stringify(await getRunResultTexts(h.db, run1.id)),
    );

    // 9. The audit log shows each step, in order, with who and the content hashes.
    const steps = (await listAudit(h.db, { limit: 1000 })).entries
      .filter((e) => e.action !== 'region.load')
      .reverse()
      .map((e) => [e.action, e.user, e.entityId]);
    expect(steps).toEqual([
      ['family.create', 'editor1', 'jilin-eco-target'],
      ['version.create', 'editor1', String(last.id)],
      ['version.request', 'editor1', String(last.id)],
      ['key.create', 'system', expect.stringMatching(/^[0-9a-f]{16}$/)],
      ['version.publish', 'chief', String(last.id)],
      ['version.create', 'editor1', String(draft.id)],
      ['version.update', 'editor1', String(draft.id)],
      ['version.request', 'editor1', String(draft.id)],
      ['version.publish', 'chief', String(draft.id)],
      ['dataset.import', 'assessor1', '2024'],
      ['run.create', 'assessor1', String(run1.id)],
      ['run.create', 'assessor2', String(run2.id)],
    ]);
    const publish = (await listAudit(h.db, { action: 'version.publish', entityId: draft.id })).entries[0];
    expect(publish).toMatchObject({ beforeHash: edited.contentHash, afterHash: published.contentHash });
    const update = (await listAudit(h.db, { action: 'version.update' })).entries[0];
    expect(update).toMatchObject({ beforeHash: draft.contentHash, afterHash: edited.contentHash });
    const imp = (await listAudit(h.db, { action: 'dataset.import' })).entries[0];
    expect(imp.afterHash).toBe(grid.hash);
    expect(imp.detail).toMatchObject({ versionId: published.id, filename: '2024.csv' });
  });
});
