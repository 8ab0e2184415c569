import type { Dataset, RegionData } from '../types.ts';
import { canonicalJson, sha256Stream } from '../hash/content-hash.ts';
import { canonicalJsonOf, canonicalNumber, canonicalString } from '../hash/canonical.ts';

/**
 * The content hash of a dataset, independent of the file format and of row order: SHA-256 over the
 * canonical JSON of `{ year, regions }` with regions sorted by code and missing values dropped
 * (`normalizeDataset`). Written straight from the dataset, without building the normalised copy,
 * and hashed group by group of regions, so memory grows with one group, not the whole text: the
 * same bytes (test/canonical-hash.test.ts, engine/hash/canonical.test.ts).
 */
export function datasetHash(dataset: Dataset): string {
  const h = sha256Stream();
  writeDatasetJson(dataset, (text) => h.update(text));
  return h.digest();
}

const byCode = (a: RegionData, b: RegionData) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** The canonical JSON of `normalizeDataset(dataset)`. */
export function canonicalDatasetJson(dataset: Dataset): string {
  let out = '';
  writeDatasetJson(dataset, (text) => (out += text));
  return out;
}

/** How many regions are written as one piece. */
const GROUP = 512;

/** Writes the canonical JSON of `normalizeDataset(dataset)` piece by piece. */
function writeDatasetJson(dataset: Dataset, write: (text: string) => void): void {
  const regions = [...dataset.regions].sort(byCode);
  const year = dataset.year;
  const flatYear = year === undefined || (typeof year === 'number' && Number.isFinite(year));
  write('{"regions":[');
  for (let from = 0; from < regions.length; from += GROUP) {
    const group = regions.slice(from, from + GROUP);
    write((from > 0 ? ',' : '') + ((flatYear && flatRegionsJson(group)) || writtenRegionsJson(group)));
  }
  write(year !== undefined ? '],"year":' + canonicalJson(year) + '}' : ']}');
}

/**
 * The fast path, for the usual regions — codes and names strings, every value a string, a finite
 * number, a boolean or null: `JSON.stringify` with the sorted list of every key as its replacer,
 * which writes each object's members in that list's order, hence sorted (RFC 8785 §3.2.3), and
 * strings and numbers exactly as RFC 8785 does. The regions' members, comma-separated, without the
 * brackets; undefined when a region is not of that kind.
 */
function flatRegionsJson(regions: RegionData[]): string | undefined {
  const keys = new Set<string>(['code', 'name', 'values']);
  const copies: { code: string; name: string; values: Record<string, unknown> }[] = new Array(regions.length);
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (typeof r.code !== 'string' || typeof r.name !== 'string') return undefined;
    // Last year's values (schema version 2) take the general path.
    if (r.previous !== undefined && r.previous !== null && hasValues(r.previous)) return undefined;
    let values = r.values ?? {};
    if (typeof values !== 'object' || Array.isArray(values)) return undefined;
    let hasNull = false;
    for (const k in values) {
      if (!Object.prototype.hasOwnProperty.call(values, k)) return undefined;
      const v = values[k];
      const t = typeof v;
      if (t === 'number') {
        if (!Number.isFinite(v)) return undefined;
      } else if (v === null || v === undefined) hasNull = true;
      else if (t !== 'string' && t !== 'boolean') return undefined;
      if (k === '__proto__') return undefined;
      keys.add(k);
    }
    if (hasNull) {
      const kept: Record<string, unknown> = Object.create(null);
      for (const k in values) if (values[k] !== null && values[k] !== undefined) kept[k] = values[k];
      values = kept;
    }
    copies[i] = { code: r.code, name: r.name, values };
  }
  return JSON.stringify(copies, [...keys].sort()).slice(1, -1);
}

/** The general path: every value written by the canonical writer (members, without brackets). */
function writtenRegionsJson(regions: RegionData[]): string {
  let out = '';
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (i > 0) out += ',';
    // The keys code < name < values, in canonical order already; absent ones are left out.
    const code = canonicalJsonOf(r.code);
    const name = canonicalJsonOf(r.name);
    out += '{';
    if (code !== undefined) out += '"code":' + code + ',';
    if (name !== undefined) out += '"name":' + name + ',';
    // code < name < previous < values: last year's values, when there are any, before the values.
    if (r.previous && hasValues(r.previous)) out += '"previous":' + valuesJson(r.previous) + ',';
    out += '"values":' + valuesJson(r.values ?? {}) + '}';
  }
  return out;
}

function valuesJson(values: Record<string, unknown>): string {
  const keys = Object.keys(values);
  keys.sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = values[k];
    // normalizeDataset's `values[k] = v` never makes an own `__proto__` member.
    if (v === null || v === undefined || k === '__proto__') continue;
    const text =
      typeof v === 'number'
        ? canonicalNumber(v)
        : typeof v === 'string'
          ? canonicalString(v)
          : canonicalJsonOf(v);
    if (text === undefined) continue;
    out += (first ? '' : ',') + canonicalString(k) + ':' + text;
    first = false;
  }
  return out + '}';
}

/** Whether an object of values has a value that the hash keeps (not null or undefined). */
function hasValues(values: Record<string, unknown>): boolean {
  if (typeof values !== 'object') return false;
  for (const k in values)
    if (Object.prototype.hasOwnProperty.call(values, k) && values[k] !== null && values[k] !== undefined)
      return true;
  return false;
}

/**
 * The canonical form of a dataset that its hash covers: regions by code, missing values dropped,
 * last year's values (schema version 2) kept as `previous` when there are any.
 */
export function normalizeDataset(dataset: Dataset): Dataset {
  const regions = [...dataset.regions].sort(byCode).map((r) => {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.values ?? {})) if (v !== null && v !== undefined) values[k] = v;
    if (!r.previous || !hasValues(r.previous)) return { code: r.code, name: r.name, values };
    const previous: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.previous)) if (v !== null && v !== undefined) previous[k] = v;
    return { code: r.code, name: r.name, previous, values };
  });
  return dataset.year !== undefined ? { year: dataset.year, regions } : { regions };
}
