import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentCoverage } from './index.ts';
import { flawedDocument } from './test-fixture.ts';
import type { RuleDocument } from '../types.ts';

describe('documentCoverage', () => {
  it('lists the items, branches and conditions the tests exercise, and the rest as uncovered', () => {
    const doc: RuleDocument = flawedDocument();
    doc.categories[0].items[1].logic = {
      if: [{ '>': [{ var: 'rate' }, 90] }, 5, { '>': [{ var: 'rate' }, 50] }, 2, 0],
    };
    doc.tests = [
      { name: 'high', inputs: { rate: 95, target: 90, satisfaction: 90 }, expect: { items: { zero: 5 } } },
      {
        name: 'missed',
        inputs: { rate: 60, target: 90, satisfaction: 70 },
        expect: { downgrades: ['always', 'missed'] },
      },
    ];
    const c = documentCoverage(doc);
    expect(c.tests).toBe(2);
    expect(c.items.find((i) => i.id === 'zero')).toEqual({ id: 'zero', covered: true, tests: ['high'] });
    expect(c.items.find((i) => i.id === 'capped')!.covered).toBe(false);
    const br = c.branches.filter((b) => b.id === 'zero');
    expect(br.map((b) => [b.label, b.tests])).toEqual([
      ['then 1', ['high']],
      ['then 2', ['missed']],
      ['else', []],
    ]);
    expect(br[0].path).toBe('/categories/0/items/1/logic');
    expect(c.downgrades).toEqual([
      { id: 'always', covered: true, tests: ['high', 'missed'] },
      { id: 'missed', covered: true, tests: ['missed'] },
    ]);
    expect(c.caps[0]).toEqual({ id: 'unhappy', covered: true, tests: ['missed'] });
    expect(c.uncovered).toContainEqual({
      target: 'item',
      id: 'zero',
      path: '/categories/0/items/1/logic',
      branch: 'else',
    });
    expect(c.uncovered).toContainEqual({ target: 'veto', id: 'incident' });
    expect(c.uncovered).not.toContainEqual({ target: 'item', id: 'zero' });
  });

  it('follows nested ifs, derived values and tests that cannot be scored', () => {
    const doc: RuleDocument = flawedDocument();
    doc.derived = [
      {
        key: 'gap',
        label: { zh: '差距' },
        logic: {
          if: [
            { '<': [{ var: 'rate' }, { var: 'target' }] },
            { '-': [{ var: 'target' }, { var: 'rate' }] },
            0,
          ],
        },
      },
    ];
    doc.categories[0].items[1].logic = {
      if: [{ '>': [{ var: 'gap' }, 0] }, { if: [{ '>': [{ var: 'gap' }, 10] }, 0, 1] }, 5],
    };
    doc.tests = [
      { name: 'small gap', inputs: { rate: 85, target: 90, satisfaction: 90 }, expect: {} },
      {
        name: 'broken',
        inputs: { rate: 'x' as unknown as number, target: 90, satisfaction: 90 },
        expect: {},
      },
    ];
    const c = documentCoverage(doc);
    expect(c.failedTests).toEqual(['broken']);
    const inner = c.branches.filter((b) => b.path === '/categories/0/items/1/logic/if/1');
    expect(inner.map((b) => b.covered)).toEqual([false, true]);
    expect(c.branches.filter((b) => b.target === 'derived').map((b) => b.covered)).toEqual([true, false]);
  });

  it('covers every condition of the 2025 sample but the 特别重大 and data-fraud vetoes and the low-satisfaction cap', () => {
    const doc = JSON.parse(
      readFileSync(new URL('../../rules/jilin-eco-target/2025.json', import.meta.url), 'utf8'),
    );
    const c = documentCoverage(doc);
    expect(c.tests).toBe(6);
    const un = c.uncovered.filter((u) => ['veto', 'downgrade', 'cap'].includes(u.target)).map((u) => u.id);
    // its veto test is a 重大 incident (serious_incident); both downgrade triggers are tested
    expect(un.sort()).toEqual(['data_fraud', 'major_incident', 'satisfaction_low'].sort());
  });
});
