import { describe, expect, it } from 'vitest';
import { checkDocumentExact } from './check.ts';
import { checkDocument } from '../check.ts';
import { prepareDocument } from '../../evaluate/prepare.ts';
import { scoreRegion } from '../../evaluate/score.ts';
import type { RuleDocument } from '../../types.ts';
import { category, documentHead, grades, item } from '../../test-fixtures.ts';

/**
 * Ratios of two inputs against comparisons of the same two ("diagonals"): what intervals cannot
 * settle box by box near a = t.
 */
function diagonalDoc(): RuleDocument {
  const ratio = { '/': [{ var: 'a' }, { var: 't' }] };
  return {
    ...documentHead(1, 'health-diagonal', 2025, '对角', 10),
    precision: 2,
    inputs: [
      { key: 'a', label: { zh: '实际' }, type: 'number', role: 'actual', min: 0, max: 100 },
      { key: 't', label: { zh: '目标' }, type: 'number', role: 'target', min: 1, max: 100 },
    ],
    categories: [
      category('c', '类', 10, [
        // full points at a ≥ t, otherwise in proportion
        item('ratio', '完成比', 10, { min: [10, { '*': [10, ratio] }] }),
      ]),
    ],
    grades: grades(['good', '良好', 5], ['poor', '较差', 0]),
    downgrades: [
      // below target by the ratio, yet at or above it by the values: never
      {
        id: 'contradiction',
        label: { zh: '矛盾' },
        when: { and: [{ '<': [ratio, 1] }, { '>=': [{ var: 'a' }, { var: 't' }] }] },
      },
      // the same two readings agreeing: can fire, can stay quiet
      {
        id: 'missed',
        label: { zh: '未完成' },
        when: { and: [{ '<': [ratio, 1] }, { '<': [{ var: 'a' }, { var: 't' }] }] },
      },
    ],
    caps: [
      // at or above target by the ratio, or below it by the values: always
      {
        id: 'always',
        label: { zh: '恒真' },
        maxGrade: 'good',
        when: { or: [{ '>=': [ratio, 1] }, { '<': [{ var: 'a' }, { var: 't' }] }] },
      },
    ],
  } as unknown as RuleDocument;
}

describe('checkDocumentExact', () => {
  it('decides diagonals through a ratio that bounds leave open, soundly', async () => {
    const doc = diagonalDoc();
    const plain = checkDocument(doc, { timeLimitMs: 1500 });
    const exact = await checkDocumentExact(doc, { timeLimitMs: 30_000 });
    // Whatever the search left open, the solver settles here.
    expect(exact.unknown).toEqual([]);
    const codes = exact.findings.map((f) => `${f.code}:${f.id}`);
    expect(codes).toContain('downgrade_never_fires:contradiction');
    expect(codes).toContain('cap_always_fires:always');
    expect(codes).not.toContain('downgrade_never_fires:missed');
    expect(codes).not.toContain('downgrade_always_fires:missed');
    // The solver only adds to what the check proved; it never drops a finding.
    for (const f of plain.findings) expect(codes).toContain(`${f.code}:${f.id}`);
    // Soundness on a grid, including the diagonal a = t: the claims hold for the engine.
    const p = prepareDocument(doc);
    for (let a = 0; a <= 100; a += 2.5)
      for (const t of [1, 2.5, 3, 7, 10, 33.3, 50, 99.9, 100]) {
        for (const x of [a, t]) {
          const r = scoreRegion(p, { code: 'r', name: 'r', values: { a: x, t } }, false).result!;
          expect(r.downgrades).not.toContain('contradiction');
          expect(r.caps).toContain('always');
        }
      }
  }, 120_000);
});
