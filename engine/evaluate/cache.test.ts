/**
 * The document cache: one validation, preparation and compilation per content; never stale when
 * a caller changes its object; bounded; frozen objects found by identity.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Dataset, RuleDocument } from '../types.ts';
import { InvalidDocumentError } from '../validate/index.ts';
import { freezeValue, isFrozenValue } from '../cache/frozen.ts';
import { cachedDatasetHash, clearDocumentCache, DOCUMENT_CACHE_SIZE, preparedDocumentFor } from './cache.ts';
import { evaluate } from './index.ts';
import { prepareDocument } from './prepare.ts';
import { datasetHash } from '../dataset/hash.ts';

const root = new URL('../../', import.meta.url);
const load = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as T;
const doc = () => load<RuleDocument>('rules/jilin-eco-target/2024.json');
const data = () => load<Dataset>('rules/sample-data/2024.json');

describe('preparedDocumentFor', () => {
  it('prepares a content once: an equal copy gets the same prepared document', () => {
    clearDocumentCache();
    const a = preparedDocumentFor(doc());
    expect(preparedDocumentFor(doc())).toBe(a);
    expect(a.hash).toBe(prepareDocument(doc()).hash);
  });

  it('keeps a private copy: changing the caller’s object afterwards changes nothing cached', () => {
    clearDocumentCache();
    const mine = doc();
    const before = JSON.stringify(evaluate(mine, data()));
    mine.categories[0].items[0].logic = 0;
    const changed = JSON.stringify(evaluate(mine, data()));
    expect(changed).not.toBe(before);
    expect(JSON.stringify(evaluate(doc(), data()))).toBe(before);
    expect(JSON.stringify(evaluate(doc(), data()))).toBe(
      JSON.stringify(evaluate(structuredClone(doc()), data())),
    );
  });

  it('throws every problem of an invalid document, each time', () => {
    const bad = { ...doc(), grades: [] } as unknown as RuleDocument;
    for (let i = 0; i < 2; i++) {
      const e = (() => {
        try {
          preparedDocumentFor(bad);
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(InvalidDocumentError);
      expect((e as InvalidDocumentError).problems.length).toBeGreaterThan(0);
    }
  });

  it('is bounded: the least recently used content goes first', () => {
    clearDocumentCache();
    const first = preparedDocumentFor(doc());
    for (let i = 0; i < DOCUMENT_CACHE_SIZE; i++)
      preparedDocumentFor({ ...doc(), title: { zh: `v-${i}`, en: `v-${i}` } } as never);
    expect(preparedDocumentFor(doc())).not.toBe(first);
  });

  it('finds a frozen document by identity, and frozen means deeply frozen', () => {
    const frozen = freezeValue(doc());
    expect(isFrozenValue(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.categories[0].items[0].logic)).toBe(true);
    expect(preparedDocumentFor(frozen)).toBe(preparedDocumentFor(frozen));
    clearDocumentCache();
    const alone = freezeValue(doc());
    expect(preparedDocumentFor(alone).doc).toBe(alone);
    expect(() => {
      (frozen.categories[0].items[0] as { maxPoints: number }).maxPoints = 1;
    }).toThrow(TypeError);
  });
});

describe('dataset hashes', () => {
  it('keeps a frozen dataset’s hash, computes an unfrozen one’s each time', () => {
    const ds = data();
    const h = cachedDatasetHash(ds);
    ds.regions[0].values.pm25 = 99;
    expect(cachedDatasetHash(ds)).not.toBe(h);
    const frozen = freezeValue(data());
    expect(cachedDatasetHash(frozen)).toBe(h);
    expect(cachedDatasetHash(frozen)).toBe(datasetHash(data()));
  });

  it('takes a known hash from the caller (a stored dataset keeps its hash)', () => {
    const ev = evaluate(doc(), data(), { datasetHash: 'abc' });
    expect(ev.dataset.hash).toBe('abc');
    expect(evaluate(doc(), data()).dataset.hash).toBe(datasetHash(data()));
  });
});
