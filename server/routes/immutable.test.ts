/**
 * Immutable things served as immutable: a finished run and a published version with strong ETags,
 * 304 on If-None-Match, gzip and brotli when asked; one region's result read without the stored
 * dataset, the same text as the repository's `getRunRegion`; a stored dataset hashed once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { saveDatasetGrid } from '../db/datasets.ts';
import { getRunRegion } from '../db/runs.ts';
import { runRegionText } from '../db/run-reads.ts';
import { storedDataset } from '../db/dataset-cache.ts';
import { datasetForYear } from '../db/datasets.ts';
import { datasetHash } from '../../engine/dataset/hash.ts';
import { isFrozenValue } from '../../engine/cache/frozen.ts';
import { sampleData, sampleDocument, startRun, useFixture, withStoredPrevious } from './test-helpers.ts';
import { withPreviousYear } from '../db/previous-year.ts';
import { noneMatch, pickEncoding } from './immutable.ts';

describe('immutable responses', () => {
  const f = useFixture();
  let run2023: number;
  let run2024: number;
  beforeAll(async () => {
    const data = sampleData(2023);
    await saveDatasetGrid(
      f.opened.db,
      2023,
      // 2022 is not stored: 2023's last-year values come with it
      { regions: data.regions.map((r) => ({ code: r.code, values: withStoredPrevious(r) })) },
      { versionId: f.published[2023].id, actor: 'system', source: 'provincial' },
    );
    run2023 = await startRun(f, 2023);
    run2024 = await startRun(f, 2024);
  });

  it('a finished run: strong ETag, 304 when the client has it, the same body every time', async () => {
    const rev = f.as('reviewer');
    const a = await rev.request('GET', `/api/runs/${run2024}`);
    const etag = a.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const body = await a.text();
    expect(JSON.parse(body).id).toBe(run2024);
    const b = await rev.request('GET', `/api/runs/${run2024}`);
    expect(await b.text()).toBe(body);
    expect(b.headers.get('etag')).toBe(etag);
    const c = await rev.request('GET', `/api/runs/${run2024}`, undefined, { 'If-None-Match': etag });
    expect(c.status).toBe(304);
    expect(await c.text()).toBe('');
    expect(c.headers.get('etag')).toBe(etag);
    const other = await rev.request('GET', `/api/runs/${run2024}`, undefined, { 'If-None-Match': '"nope"' });
    expect(other.status).toBe(200);
    // Another run has another tag.
    expect((await rev.request('GET', `/api/runs/${run2023}`)).headers.get('etag')).not.toBe(etag);
  });

  it("a run's summary is read once per database state: a publication request shows at once", async () => {
    const rev = f.as('reviewer');
    const before = await rev.request('GET', `/api/runs/${run2023}`);
    expect((await before.json()).publication).toBeNull();
    const again = await rev.request('GET', `/api/runs/${run2023}`);
    expect(again.headers.get('etag')).toBe(before.headers.get('etag'));
    const req = await f.as('assessor').json('POST', `/api/runs/${run2023}/publish`, {
      docNumber: '吉环考〔2023〕9号',
      publishedOn: '2024-04-30',
    });
    expect([200, 202]).toContain(req.status);
    const after = await rev.request('GET', `/api/runs/${run2023}`);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect((await after.json()).publication).toMatchObject({ docNumber: '吉环考〔2023〕9号' });
  });

  it('compresses with brotli or gzip when asked, to the same JSON', async () => {
    const rev = f.as('reviewer');
    const plain = await (await rev.request('GET', `/api/runs/${run2024}`)).text();
    const br = await rev.request('GET', `/api/runs/${run2024}`, undefined, { 'Accept-Encoding': 'gzip, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toContain('Accept-Encoding');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString('utf8')).toBe(plain);
    const gz = await rev.request('GET', `/api/runs/${run2024}`, undefined, {
      'Accept-Encoding': 'gzip, br;q=0',
    });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(plain);
    const none = await rev.request('GET', `/api/runs/${run2024}`, undefined, {
      'Accept-Encoding': 'identity',
    });
    expect(none.headers.get('content-encoding')).toBeNull();
  });

  it('a published version: strong ETag and 304; retiring it changes the tag; a draft keeps its revision tag', async () => {
    const rev = f.as('reviewer');
    const id = f.published[2023].id;
    const a = await rev.request('GET', `/api/versions/${id}`);
    const etag = a.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(
      (await rev.request('GET', `/api/versions/${id}`, undefined, { 'If-None-Match': etag })).status,
    ).toBe(304);
    expect((await f.as('editor').request('POST', `/api/versions/${id}/retire`)).status).toBe(200);
    const after = await rev.request('GET', `/api/versions/${id}`, undefined, { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect((await after.json()).status).toBe('retired');
    expect(after.headers.get('etag')).not.toBe(etag);
    const draft = await rev.json('GET', `/api/versions/${f.draft2025.id}`);
    expect(draft.res.headers.get('etag')).toBe(`"${draft.body.revision}"`);
  });

  it("one region's result: the repository's answer, byte for byte, without reading the stored dataset", async () => {
    const { db } = f.opened;
    const seen: string[] = [];
    const sqlite = f.opened.sqlite;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((sql: string) => (seen.push(sql), prepare(sql))) as typeof sqlite.prepare;
    try {
      const codes = sampleData(2024).regions.map((r) => r.code);
      let withPrevious = 0;
      for (const code of codes) {
        let expected: string;
        try {
          expected = JSON.stringify(await getRunRegion(db, run2024, code));
        } catch {
          continue;
        }
        seen.length = 0;
        const text = await runRegionText(db, run2024, code);
        expect(text).toBe(expected);
        expect(seen.join('\n')).not.toMatch(/dataset/i);
        if (JSON.parse(text).previous) withPrevious++;
        const res = await f.as('reviewer').request('GET', `/api/runs/${run2024}/regions/${code}`);
        expect(await res.text()).toBe(expected);
      }
      expect(withPrevious).toBeGreaterThan(0);
    } finally {
      sqlite.prepare = prepare as typeof sqlite.prepare;
    }
    expect((await f.as('reviewer').request('GET', `/api/runs/${run2024}/regions/XX`)).status).toBe(404);
    expect((await f.as('reviewer').request('GET', `/api/runs/9999/regions/220100`)).status).toBe(404);
  });

  it("a year's stored dataset is read and hashed once per change of the data", async () => {
    const { db } = f.opened;
    const a = await storedDataset(db, 2024);
    expect(await storedDataset(db, 2024)).toBe(a);
    expect(isFrozenValue(a.dataset)).toBe(true);
    expect(a.hash).toBe(datasetHash(await datasetForYear(db, 2024)));
    const data = sampleData(2024);
    const first = data.regions[0];
    await saveDatasetGrid(
      db,
      2024,
      {
        regions: [
          { code: first.code, values: { ...first.values, pm25: 1 + Number(first.values.pm25 ?? 30) } },
        ],
      },
      { versionId: f.published[2024].id, actor: 'system', source: 'provincial' },
    );
    const b = await storedDataset(db, 2024);
    expect(b).not.toBe(a);
    expect(b.hash).not.toBe(a.hash);
    expect(b.hash).toBe(datasetHash(await datasetForYear(db, 2024)));
  });

  it('POST /api/evaluate on stored data: the same bytes while nothing changes, new ones once the data does', async () => {
    const rev = f.as('reviewer');
    const ask = async () =>
      (
        await rev.request('POST', '/api/evaluate', {
          versionId: f.published[2024].id,
          year: 2024,
          trace: false,
        })
      ).text();
    const a = await ask();
    expect(await ask()).toBe(a);
    const first = sampleData(2024).regions[1];
    await saveDatasetGrid(
      f.opened.db,
      2024,
      {
        regions: [
          { code: first.code, values: { ...first.values, pm25: 3 + Number(first.values.pm25 ?? 30) } },
        ],
      },
      { versionId: f.published[2024].id, actor: 'system', source: 'provincial' },
    );
    const b = await ask();
    expect(b).not.toBe(a);
    // The hash of the data scored: the stored year with its last-year values as the run reads them.
    const scored = await withPreviousYear(
      f.opened.db,
      sampleDocument(2024),
      await datasetForYear(f.opened.db, 2024),
      2024,
    );
    expect(JSON.parse(b).dataset.hash).toBe(datasetHash(scored));
    expect(JSON.parse(b).dataset.hash).not.toBe(JSON.parse(a).dataset.hash);
  });

  it('header parsing: If-None-Match lists and weak forms, Accept-Encoding q-values', () => {
    expect(noneMatch('"a", W/"b"', '"b"')).toBe(true);
    expect(noneMatch('*', '"x"')).toBe(true);
    expect(noneMatch('"a"', '"b"')).toBe(false);
    expect(noneMatch(undefined, '"b"')).toBe(false);
    expect(pickEncoding('gzip;q=0.5, br;q=0')).toBe('gzip');
    expect(pickEncoding('deflate')).toBeUndefined();
    expect(pickEncoding('br')).toBe('br');
  });
});
