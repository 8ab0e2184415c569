import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradePath, PathError } from './index.ts';
import { flawedDocument } from './test-fixture.ts';
import { prepareDocument } from '../evaluate/prepare.ts';
import { scoreRegion } from '../evaluate/score.ts';
import type { RuleDocument } from '../types.ts';

/** The flawed document without its always-firing downgrade and with a reachable top grade. */
function doc(): RuleDocument {
  const d = flawedDocument();
  d.downgrades = d.downgrades!.filter((x) => x.id !== 'always');
  d.grades[0].min = 90;
  return d;
}
const region = (values: Record<string, unknown>) => ({ code: '220100', name: '长春市', values });

describe('gradePath', () => {
  it('changes one actual input as little as needed, and the engine confirms the grade', () => {
    // rate 70 → capped 7 + full 5 + ok 56 = 68 (qualified); good (80) needs rate ≥ 85 (8 + 5 + 68 = 81 at 85).
    const path = gradePath(doc(), region({ rate: 70, target: 60, satisfaction: 95 }));
    expect(path.from).toEqual({ total: 68, grade: 'qualified' });
    expect(path.reachable).toBe(true);
    expect(path.changes).toHaveLength(1);
    expect(path.changes[0].key).toBe('rate');
    const to = path.changes[0].to as number;
    expect(to).toBeGreaterThanOrEqual(83.3);
    expect(to).toBeLessThanOrEqual(84);
    expect(path.to.grade).toBe('good');
    const r = scoreRegion(
      prepareDocument(doc()),
      region({ rate: to, target: 60, satisfaction: 95 }),
      false,
    ).result!;
    expect(r.grade).toBe('good');
    expect(r.total).toBe(path.to.total);
  });

  it('never changes targets, events or assessments, and says why a grade is out of reach', () => {
    const d = doc();
    // satisfaction (an assessment) caps the grade at good: excellent is out of reach
    const capped = gradePath(d, region({ rate: 90, target: 60, satisfaction: 70 }), { to: 'excellent' });
    expect(capped.reachable).toBe(false);
    expect(capped.reasons).toEqual([expect.objectContaining({ kind: 'cap', id: 'unhappy', fixed: true })]);
    const vetoed = gradePath(d, region({ rate: 90, target: 60, satisfaction: 90, incident: true }));
    expect(vetoed.reachable).toBe(false);
    expect(vetoed.reasons![0]).toMatchObject({ kind: 'veto', id: 'incident', fixed: true });
    expect(vetoed.reasons![0].message).toMatch(/否决项「.*」触发.* \/ the veto "/);
  });

  it('removes a downgrade by changing the actual value it reads when that is the cheapest way', () => {
    // rate 95 < target 97 fires `missed` (one grade down from excellent)
    const path = gradePath(doc(), region({ rate: 95, target: 97, satisfaction: 90 }), { to: 'excellent' });
    expect(path.from.grade).toBe('qualified');
    expect(path.changes).toEqual([{ key: 'rate', from: 95, to: 97 }]);
  });

  it('returns no change for a grade already reached, and refuses unknown grades and unscorable data', () => {
    const top = gradePath(doc(), region({ rate: 100, target: 60, satisfaction: 90 }));
    expect(top).toMatchObject({ reachable: true, changes: [], to: { grade: 'excellent' } });
    expect(() =>
      gradePath(doc(), region({ rate: 50, target: 60, satisfaction: 90 }), { to: 'nope' }),
    ).toThrow(PathError);
    expect(() => gradePath(doc(), region({ rate: 500, target: 60, satisfaction: 90 }))).toThrow(
      /cannot be scored/,
    );
  });

  it('finds a path for every region of the 2025 sample that can move, each within 2 s', () => {
    const rules = JSON.parse(
      readFileSync(new URL('../../rules/jilin-eco-target/2025.json', import.meta.url), 'utf8'),
    );
    const data = JSON.parse(
      readFileSync(new URL('../../rules/sample-data/2025.json', import.meta.url), 'utf8'),
    );
    const p = prepareDocument(rules);
    const actual = new Set(
      rules.inputs.filter((i: { role?: string }) => i.role === 'actual').map((i: { key: string }) => i.key),
    );
    for (const r of data.regions) {
      const path = gradePath(p, r);
      for (const c of path.changes) expect(actual.has(c.key)).toBe(true);
      if (path.reachable && path.changes.length > 0) {
        const values = { ...r.values, ...Object.fromEntries(path.changes.map((c) => [c.key, c.to])) };
        const res = scoreRegion(p, { ...r, values }, false).result!;
        expect(p.gradeIndex.get(res.grade)).toBeLessThanOrEqual(p.gradeIndex.get(path.to.grade)!);
      }
      if (!path.reachable) expect(path.reasons!.length).toBeGreaterThan(0);
    }
  });
});
