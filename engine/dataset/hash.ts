import type { Dataset, RegionData } from '../types.ts';
import { canonicalJson, sha256OfText } from '../hash/content-hash.ts';
import { canonicalJsonOf, canonicalNumber, canonicalString } from '../hash/canonical.ts';

/**
 * The content hash of a dataset, independent of the file format and of row order: SHA-256 over the
 * canonical JSON of `{ year, regions }` with regions sorted by code and missing values dropped
 * (`normalizeDataset`). Written straight from the dataset, without building the normalised copy:
 * the same text, byte for byte (test/canonical-hash.test.ts).
 */
export function datasetHash(dataset: Dataset): string {
  return sha256OfText(canonicalDatasetJson(dataset));
}

const byCode = (a: RegionData, b: RegionData) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** The canonical JSON of `normalizeDataset(dataset)`. */
export function canonicalDatasetJson(dataset: Dataset): string {
  const regions = [...dataset.regions].sort(byCode);
  return flatDatasetJson(dataset.year, regions) ?? writtenDatasetJson(dataset.year, regions);
}

/**
 * The fast path, for the usual dataset — codes and names strings, every value a string, a finite
 * number, a boolean or null: `JSON.stringify` with the sorted list of every key as its replacer,
 * which writes each object's members in that list's order, hence sorted (RFC 8785 §3.2.3), and
 * strings and numbers exactly as RFC 8785 does. Undefined when the dataset is not of that kind.
 */
function flatDatasetJson(year: unknown, regions: RegionData[]): string | undefined {
  if (year !== undefined && !(typeof year === 'number' && Number.isFinite(year))) return undefined;
  const keys = new Set<string>(['code', 'name', 'regions', 'values', 'year']);
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
  const list = [...keys].sort();
  return JSON.stringify(year !== undefined ? { regions: copies, year } : { regions: copies }, list);
}

/** The general path: every value written by the canonical writer. */
function writtenDatasetJson(year: unknown, regions: RegionData[]): string {
  let out = '{"regions":[';
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
  out += ']';
  if (year !== undefined) out += ',"year":' + canonicalJson(year);
  return out + '}';
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
