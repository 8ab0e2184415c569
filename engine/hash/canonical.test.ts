/**
 * The fast canonical JSON (canonical.ts) and dataset hash (engine/dataset/hash.ts) give exactly the
 * text of the reference: the RFC 8785 vectors, the `canonicalize` package on random JSON, every
 * sample document and dataset; and node:crypto's SHA-256 gives the pure one's digest.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { readdirSync, readFileSync } from 'node:fs';
import { canonicalJsonOf } from './canonical.ts';
import { contentHash, pureSha256Hex, useSha256 } from './content-hash.ts';
import { canonicalDatasetJson, datasetHash, normalizeDataset } from '../dataset/hash.ts';
import { nodeSha256Hex, nodeSha256Stream } from '../../server/node-hash.ts';
import { parseDatasetCsv } from '../dataset/parse.ts';
import type { Dataset } from '../types.ts';

const root = new URL('../../', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), 'utf8');
const reference = (v: unknown) => canonicalize(v);

describe('RFC 8785 test vectors', () => {
  const dir = new URL('engine/hash/rfc8785/', root);
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.input.json'))
    .map((f) => f.replace('.input.json', ''));
  it.each(names)('%s', (name) => {
    const input = JSON.parse(text(`engine/hash/rfc8785/${name}.input.json`));
    const output = text(`engine/hash/rfc8785/${name}.output.json`).replace(/\n$/, '');
    expect(canonicalJsonOf(input)).toBe(output);
  });

  // RFC 8785 appendix B: IEEE 754 bit patterns and their canonical text.
  const numbers: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(numbers)('number %s', (bits, expected) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${bits}`));
    expect(canonicalJsonOf(view.getFloat64(0))).toBe(expected);
  });

  it('refuses NaN and the infinities, as the reference does', () => {
    for (const n of [NaN, Infinity, -Infinity]) {
      expect(() => reference(n)).toThrow();
      expect(() => canonicalJsonOf(n)).toThrow();
      expect(() => canonicalJsonOf({ a: [n] })).toThrow();
    }
  });
});

describe('the same text as the canonicalize package', () => {
  it('on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJsonOf(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('on random objects with awkward keys and strings (surrogates, controls, index-like keys)', () => {
    const key = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.nat().map(String),
      fc.constantFrom('__proto__', '', '1a'),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(key, tie('v'), { maxKeys: 5 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJsonOf(v)).toBe(reference(v));
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out undefined members, writes undefined elements as null, honours toJSON', () => {
    const v = { b: undefined, a: [undefined, 1], d: new Date(0), c: { toJSON: () => ({ y: 1, x: 2 }) } };
    expect(canonicalJsonOf(v)).toBe(reference(v));
    expect(canonicalJsonOf(undefined)).toBeUndefined();
  });

  it('on every sample rule document', () => {
    const dir = new URL('rules/jilin-eco-target/', root);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const doc = JSON.parse(text(`rules/jilin-eco-target/${f}`));
      expect(canonicalJsonOf(doc), f).toBe(reference(doc));
    }
  });
});

describe('the dataset hash', () => {
  const samples = (): [string, Dataset][] => {
    const out: [string, Dataset][] = [];
    for (const f of readdirSync(new URL('rules/sample-data/', root))) {
      if (f.endsWith('.json')) out.push([f, JSON.parse(text(`rules/sample-data/${f}`)) as Dataset]);
    }
    const doc = JSON.parse(text('rules/jilin-eco-target/2024.json'));
    const csv = parseDatasetCsv(text('rules/sample-data/2024.csv'), doc);
    if (csv.dataset) out.push(['2024.csv', csv.dataset]);
    return out;
  };

  it('writes the canonical JSON of the normalised dataset, for every sample', () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(5);
    for (const [name, ds] of all)
      expect(canonicalDatasetJson(ds), name).toBe(reference(normalizeDataset(ds)));
  });

  it('on random datasets: nulls dropped, odd values, odd keys, no year, regions out of order', () => {
    const scalar = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ unit: 'binary' }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const region = fc.record({
      code: fc.string({ maxLength: 6 }),
      name: fc.string({ unit: 'binary', maxLength: 6 }),
      values: fc.dictionary(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 5 }),
          fc.nat(30).map(String),
          fc.constant('__proto__'),
        ),
        fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 })),
        { maxKeys: 8 },
      ),
    });
    const dataset = fc.record(
      { year: fc.integer({ min: 2000, max: 2030 }), regions: fc.array(region, { maxLength: 6 }) },
      {
        requiredKeys: ['regions'],
      },
    );
    fc.assert(
      fc.property(dataset, (ds) => {
        expect(canonicalDatasetJson(ds as Dataset)).toBe(reference(normalizeDataset(ds as Dataset)));
      }),
      { numRuns: 1500 },
    );
  });

  it('is the pure SHA-256 of that text', () => {
    for (const [name, ds] of samples())
      expect(datasetHash(ds), name).toBe(pureSha256Hex(reference(normalizeDataset(ds))!));
  });
  it('is hashed group by group: a large dataset, its regions of both kinds interleaved, the same digest', () => {
    // Over three groups of 512, regions with last-year values (the general writer) among plain
    // ones (the JSON.stringify path), codes shuffled, some values missing.
    const regions = Array.from({ length: 1300 }, (_, i) => ({
      code: String(900000 - ((i * 7919) % 1300)),
      name: `地区${i}`,
      values: { a: i / 7, b: i % 3 === 0 ? null : 'x\u2028"', c: i % 2 === 0 },
      ...(i % 5 === 0 ? { previous: { a: i, z: null } } : {}),
    }));
    const ds = { year: 2025, regions } as Dataset;
    const text = reference(normalizeDataset(ds))!;
    expect(canonicalDatasetJson(ds)).toBe(text);
    expect(datasetHash(ds)).toBe(pureSha256Hex(text));
    useSha256(nodeSha256Hex, nodeSha256Stream);
    try {
      expect(datasetHash(ds)).toBe(pureSha256Hex(text));
    } finally {
      useSha256(pureSha256Hex);
    }
  });
});

describe('SHA-256 implementations', () => {
  it('node:crypto gives the pure digest, on random text (surrogates included) and every sample', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(nodeSha256Hex(s)).toBe(pureSha256Hex(s));
      }),
      { numRuns: 500 },
    );
    for (const f of readdirSync(new URL('rules/jilin-eco-target/', root))) {
      const doc = JSON.parse(text(`rules/jilin-eco-target/${f}`));
      useSha256(nodeSha256Hex);
      const fast = contentHash(doc);
      useSha256(pureSha256Hex);
      expect(fast, f).toBe(contentHash(doc));
    }
  });
});
