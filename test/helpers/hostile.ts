/**
 * Hostile inputs for test/hostile.test.ts and bench/worst-case.ts, generated (never committed as
 * fixtures): documents that blow up strings or work, oversized tables and workbooks, a zip bomb.
 */
import { deflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { RuleDocument } from '../../engine/types.ts';

const root = new URL('../../', import.meta.url);

/** The 2024 sample document (a fresh copy). */
export function sample(year = 2024): RuleDocument {
  return JSON.parse(readFileSync(new URL(`rules/jilin-eco-target/${year}.json`, root), 'utf8'));
}

/**
 * The document: derived values that double a string with `cat` `doublings` times (25 is
 * 2^25 × 32 characters, a gigabyte of text), read by the first item through `in`.
 */
export function catDoublingDocument(doublings = 25): RuleDocument {
  const doc = sample();
  doc.tests = [];
  doc.derived = [
    ...(doc.derived ?? []),
    { key: 's0', label: { zh: '串0' }, logic: { cat: ['x'.repeat(32)] } },
    ...Array.from({ length: doublings }, (_, i) => ({
      key: `s${i + 1}`,
      label: { zh: `串${i + 1}` },
      logic: { cat: [{ var: `s${i}` }, { var: `s${i}` }] },
    })),
  ];
  const item = doc.categories[0].items[0];
  item.logic = { if: [{ in: ['y', { var: `s${doublings}` }] }, 0, item.maxPoints] };
  return doc;
}

/** A document of `n` items in one category (the others emptied), each a small formula. */
export function manyItemsDocument(n = 2000): RuleDocument {
  const doc = sample();
  doc.tests = [];
  const points = doc.maxScore / n;
  doc.categories = [
    {
      id: 'many',
      label: { zh: '大量考核项' },
      maxPoints: doc.maxScore,
      items: Array.from({ length: n }, (_, i) => ({
        id: `item_${i}`,
        label: { zh: `考核项 ${i}` },
        maxPoints: points,
        logic: { '*': [points, { '/': [{ var: 'good_days_rate' }, 100] }] },
      })),
    },
  ];
  doc.downgrades = [];
  doc.caps = [];
  doc.vetoes = [];
  return doc;
}

/** `n` regions with made-up codes and no values (budgets are checked before values are read). */
export function manyRegions(n: number) {
  return {
    year: 2024,
    regions: Array.from({ length: n }, (_, i) => ({ code: `R${i}`, name: `地区${i}`, values: {} })),
  };
}

/** JSON text nested `depth` arrays deep. */
export function deepJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A CSV whose header has `columns` columns. */
export function wideCsv(columns: number): string {
  const header = ['code', ...Array.from({ length: columns - 1 }, (_, i) => `c${i}`)].join(',');
  return `${header}\n220100${','.repeat(columns - 1)}\n`;
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** The uncompressed size the directory declares (a zip bomb may lie); default the true size. */
  declaredSize?: number;
  /** Already deflated bytes to store instead of deflating `data`. */
  deflated?: Buffer;
}

/** A zip archive of deflated entries (no CRC check is made by our reader; CRC written as 0). */
export function zip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflated ?? deflateRawSync(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/**
 * A zip bomb shaped like a workbook: a worksheet of `mib` MiB of spaces compressed to a few
 * hundred KB, its directory declaring `declaredSize` bytes (a lie) or the truth.
 */
export function zipBomb(mib = 80, declaredSize?: number): Buffer {
  const sheet = Buffer.alloc(mib * 1024 * 1024, 0x20);
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
    { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize },
  ]);
}
