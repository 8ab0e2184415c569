/**
 * Test fixtures for the store: a fresh in-memory database with the project's regions loaded, and a
 * small valid rule document exercising every input type.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import type { RuleDocument } from '../../engine/types.ts';
import { openDatabase, type OpenedDatabase } from './client.ts';
import { loadRegions, parseRegionsCsv } from './regions.ts';
import { type Version } from './versions.ts';
import { approveVersion, requestPublication } from './version-publication.ts';
import type { Db } from './client.ts';

export const REGIONS_CSV = fileURLToPath(new URL('../../rules/regions.csv', import.meta.url));

/** A fresh `:memory:` database, with the regions of rules/regions.csv unless `regions` is false. */
export async function freshDb(opts: { regions?: boolean } = {}): Promise<OpenedDatabase> {
  const opened = openDatabase(':memory:');
  if (opts.regions !== false)
    await loadRegions(opened.db, parseRegionsCsv(readFileSync(REGIONS_CSV, 'utf8')), 'system');
  return opened;
}

/**
 * Something a test file or `describe` block makes in a hook (`before`, e.g. beforeAll / beforeEach)
 * and closes in the matching `after`. The returned object reads the fields `keys` of the current one
 * when a test runs, so the tests use it like the thing itself.
 */
export function hooked<T extends { close(): void }>(
  make: () => T | Promise<T>,
  hooks: { before: (fn: () => Promise<void>) => void; after: (fn: () => void) => void },
  keys: readonly (keyof T)[],
): T {
  let current: T | undefined;
  hooks.before(async () => {
    current = await make();
  });
  hooks.after(() => current?.close());
  const out = {} as T;
  for (const key of keys)
    Object.defineProperty(out, key, {
      enumerable: true,
      get() {
        if (!current)
          throw new Error(`${String(key)}: made in a hook, read it inside a test or a later hook`);
        const value = current[key];
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
  return out;
}

/** A fresh database (freshDb) for each test of the file or `describe` block, closed after it. */
export function useFreshDb(opts: { regions?: boolean } = {}): OpenedDatabase {
  return hooked(() => freshDb(opts), { before: beforeEach, after: afterEach }, [
    'db',
    'sqlite',
    'path',
    'close',
  ]);
}

/** A small valid document: number, integer, boolean and enum inputs, one item, a veto, three grades, one test. */
export function demoDocument(year = 2024, family = 'demo'): RuleDocument {
  return {
    schemaVersion: 1,
    family,
    year,
    title: { zh: `${year}年度演示细则`, en: `${year} demo rules` },
    maxScore: 10,
    precision: 2,
    inputs: [
      {
        key: 'pm25_target',
        label: { zh: 'PM2.5浓度目标' },
        unit: 'μg/m³',
        type: 'number',
        min: 0,
        role: 'target',
      },
      {
        key: 'pm25',
        label: { zh: 'PM2.5年均浓度' },
        unit: 'μg/m³',
        type: 'number',
        min: 0,
        max: 500,
        role: 'actual',
        source: 'national',
      },
      { key: 'projects', label: { zh: '按期完成项目数' }, type: 'integer', min: 0, max: 100, role: 'actual' },
      { key: 'incident', label: { zh: '发生重大环境事件' }, type: 'boolean', default: false, role: 'event' },
      {
        key: 'level',
        label: { zh: '事件等级' },
        type: 'string',
        enum: ['none', 'major'],
        required: false,
        role: 'event',
      },
    ],
    categories: [
      {
        id: 'main',
        label: { zh: '主要指标' },
        maxPoints: 10,
        items: [
          {
            id: 'pm25',
            label: { zh: 'PM2.5浓度' },
            maxPoints: 8,
            logic: {
              max: [
                0,
                {
                  '-': [8, { '*': [0.5, { max: [0, { '-': [{ var: 'pm25' }, { var: 'pm25_target' }] }] }] }],
                },
              ],
            },
          },
          {
            id: 'projects',
            label: { zh: '项目' },
            maxPoints: 2,
            logic: { min: [2, { '*': [0.5, { var: 'projects' }] }] },
          },
        ],
      },
    ],
    vetoes: [{ id: 'incident', label: { zh: '发生重大环境事件' }, when: { var: 'incident' } }],
    grades: [
      { id: 'excellent', label: { zh: '优秀' }, min: 9 },
      { id: 'good', label: { zh: '良好' }, min: 6 },
      { id: 'unqualified', label: { zh: '不合格' }, min: 0 },
    ],
    tests: [
      {
        name: 'targets met',
        inputs: { pm25: 30, pm25_target: 34, projects: 4 },
        expect: { total: 10, grade: 'excellent' },
      },
    ],
  };
}

/**
 * Publishes a draft the four-eyes way: requested by `requester`, approved by `approver`, with a 文号
 * and effective date (defaults made from the version id and year).
 */
export async function publishApproved(
  db: Db,
  id: number,
  opts: { requester?: string; approver?: string; docNumber?: string; effectiveDate?: string } = {},
): Promise<Version> {
  await requestPublication(db, id, {}, opts.requester ?? 'a');
  return await approveVersion(
    db,
    id,
    {
      docNumber: opts.docNumber ?? `吉环考〔2026〕${id}号`,
      effectiveDate: opts.effectiveDate ?? '2026-01-01',
    },
    opts.approver ?? 'b',
  );
}
