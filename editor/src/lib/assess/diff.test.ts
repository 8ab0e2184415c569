import { describe, expect, it } from 'vitest';
import type { VersionSummary } from '../api.ts';
import { defaultPair } from './order.ts';

function v(id: number, year: number, status: VersionSummary['status'], effective = false): VersionSummary {
  return {
    id,
    family: 'jilin-eco-target',
    year,
    version: id,
    status,
    revision: 1,
    contentHash: 'h',
    title: { zh: `${year}` },
    parentId: null,
    createdBy: 'editor',
    createdAt: '',
    updatedBy: 'editor',
    updatedAt: '',
    publishedBy: null,
    publishedAt: null,
    retiredBy: null,
    retiredAt: null,
    docNumber: null,
    effectiveDate: null,
    effective,
    requestedBy: null,
    requestedAt: null,
    pending: false,
    fourEyes: false,
    keyId: null,
    signature: null,
  };
}

const versions = [
  v(1, 2023, 'published', true),
  v(2, 2024, 'published', true),
  v(3, 2025, 'published', true),
  v(4, 2026, 'draft'),
];

describe('the default pair of the diff page compares old → new', () => {
  it('without a choice: the newest draft against the version in force the year before', () => {
    const p = defaultPair(versions);
    expect([p.from?.id, p.to?.id]).toEqual([3, 4]);
  });
  it('from a 2025 run (to = the 2025 version): 2024 → 2025, never 2026 → 2025', () => {
    const p = defaultPair(versions, 3);
    expect([p.from?.id, p.to?.id]).toEqual([2, 3]);
  });
  it('the oldest version has nothing older to compare with', () => {
    expect(defaultPair(versions, 1).from).toBeUndefined();
  });
});
