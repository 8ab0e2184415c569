import { describe, expect, it } from 'vitest';
import { checkDocument } from './index.ts';
import { flawedDocument } from './test-fixture.ts';
import { exactOf } from './relations.ts';

describe('relations between inputs (exact difference constraints)', () => {
  it('decides that complementary conditions on two inputs never fire together', () => {
    const doc = flawedDocument();
    doc.downgrades = [
      { id: 'missed', label: { zh: '未达目标' }, when: { '<': [{ var: 'rate' }, { var: 'target' }] } },
      { id: 'met', label: { zh: '达到目标' }, when: { '>=': [{ var: 'rate' }, { var: 'target' }] } },
    ];
    doc.caps = [
      {
        id: 'met_cap',
        label: { zh: '达标封顶' },
        when: { '!': { '<': [{ var: 'rate' }, { var: 'target' }] } },
        maxGrade: 'good',
      },
    ];
    const r = checkDocument(doc, { timeLimitMs: 60_000 });
    expect(r.unknown).toEqual([]);
    const overlaps = r.findings
      .filter((f) => f.code === 'conditions_overlap')
      .map((f) => `${f.id}+${f.with!.id}`);
    expect(overlaps).toEqual(['met+met_cap']);
  });

  it('proves a cycle of comparisons, and integer gaps, never fire', () => {
    const doc = flawedDocument();
    doc.inputs.push({ key: 'count', label: { zh: '数量' }, type: 'integer', min: 0 });
    doc.vetoes = [
      {
        id: 'cycle',
        label: { zh: '循环' },
        when: {
          and: [
            { '<': [{ var: 'rate' }, { var: 'target' }] },
            { '<=': [{ var: 'target' }, { var: 'satisfaction' }] },
            { '<': [{ var: 'satisfaction' }, { var: 'rate' }] },
          ],
        },
      },
      // count > overdue ≥ 0 means count ≥ 1 for integers, so count < 1 cannot hold with it
      {
        id: 'between',
        label: { zh: '整数之间' },
        when: { and: [{ '>': [{ var: 'count' }, { var: 'overdue' }] }, { '<': [{ var: 'count' }, 1] }] },
      },
      {
        id: 'equal_ok',
        label: { zh: '相等可触发' },
        when: {
          and: [
            { '<=': [{ var: 'rate' }, { var: 'target' }] },
            { '>=': [{ var: 'rate' }, { var: 'target' }] },
          ],
        },
      },
    ];
    const r = checkDocument(doc, { timeLimitMs: 60_000 });
    const veto = (id: string) => r.findings.filter((f) => f.id === id).map((f) => f.code);
    expect(veto('cycle')).toEqual(['veto_never_fires']);
    expect(veto('between')).toEqual(['veto_never_fires']);
    expect(veto('equal_ok')).toEqual([]); // rate = target fires it: found and replayed
    expect(r.unknown).toEqual([]);
  });

  it('adds doubles exactly', () => {
    expect(exactOf(0.1) + exactOf(0.2) === exactOf(0.1 + 0.2)).toBe(false); // the reals differ from floats
    expect(exactOf(0.5) + exactOf(0.25)).toBe(exactOf(0.75));
    expect(exactOf(-3)).toBe(-exactOf(3));
    expect(exactOf(Number.MIN_VALUE)).toBe(1n);
  });
});
