import { describe, expect, test } from 'vitest';
import { diffDocuments, lineDiff, type Change } from './structural.ts';
import { baseDocument, clone } from './test-fixture.ts';
import type { RuleDocument } from '../types.ts';
import { category, documentHead, grades, item as docItem } from '../test-fixtures.ts';

const base = baseDocument();

function changed(edit: (d: RuleDocument) => void): Change[] {
  const next = clone(base);
  edit(next);
  return diffDocuments(base, next).changes;
}

/** The changes without the derived texts, for exact comparisons. */
function bare(changes: Change[]) {
  return changes.map((c) => ({
    ...c,
    ...(c.fields ? { fields: c.fields.map(({ field, from, to }) => ({ field, from, to })) } : {}),
  }));
}

describe('diffDocuments: no change', () => {
  test('equal documents give no changes', () => {
    expect(diffDocuments(base, clone(base))).toEqual({ changes: [] });
    expect(diffDocuments(base, base).changes).toEqual([]);
  });

  test('reordering every list and every object key is not a change', () => {
    const reversedKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversedKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversedKeys(x)]),
            )
          : v;
    const next = reversedKeys(clone(base)) as RuleDocument;
    next.inputs.reverse();
    next.derived!.reverse();
    next.categories.reverse();
    next.categories.forEach((c) => c.items.reverse());
    next.bonus!.items!.reverse();
    next.downgrades!.reverse();
    next.vetoes!.reverse();
    next.tests![0].expect.vetoes = [];
    expect(diffDocuments(base, next).changes).toEqual([]);
  });

  test('defaults are equivalent to their explicit values', () => {
    const explicit = clone(base);
    explicit.precision = 2;
    explicit.downgradeStacking = 'max';
    explicit.downgrades![0].levels = 1;
    for (const input of explicit.inputs) input.required = input.default === undefined;
    explicit.derived![0].logic = { max: [0, { '-': [{ var: ['pm25'] }, { var: ['pm25_target'] }] }] };
    expect(diffDocuments(base, explicit).changes).toEqual([]);
    expect(diffDocuments(explicit, base).changes).toEqual([]);
  });

  test('absent and empty lists are the same', () => {
    const a = clone(base);
    delete a.tests;
    delete a.caps;
    const b = clone(base);
    b.tests = [];
    b.caps = [];
    expect(diffDocuments(a, b).changes).toEqual([]);
  });

  test('test expectations compare id lists as sets', () => {
    const a = clone(base);
    a.tests![0].expect.downgrades = ['overdue', 'heavy_overdue'];
    const b = clone(base);
    b.tests![0].expect.downgrades = ['heavy_overdue', 'overdue'];
    expect(diffDocuments(a, b).changes).toEqual([]);
  });
});

describe('diffDocuments: exactly the changes made', () => {
  test('a moved item is one change with a category field', () => {
    const changes = changed((d) => {
      const item = d.categories[0].items.splice(2, 1)[0];
      d.categories[1].items.push(item);
      d.categories[0].maxPoints = 40;
      d.categories[1].maxPoints = 50;
    });
    expect(bare(changes)).toEqual([
      {
        kind: 'changed',
        target: 'category',
        id: 'indicators',
        fields: [{ field: 'maxPoints', from: 60, to: 40 }],
      },
      {
        kind: 'changed',
        target: 'category',
        id: 'tasks',
        fields: [{ field: 'maxPoints', from: 30, to: 50 }],
      },
      {
        kind: 'changed',
        target: 'item',
        id: 'forest',
        category: 'tasks',
        fields: [{ field: 'category', from: 'indicators', to: 'tasks' }],
      },
    ]);
  });

  test('removed item, points moved, threshold raised, stacking changed', () => {
    const changes = changed((d) => {
      d.categories[0].items = d.categories[0].items.filter((i) => i.id !== 'forest');
      d.categories[0].items[0].maxPoints = 25; // pm25 20 → 25
      d.categories[0].items[1].maxPoints = 25; // good_days 20 → 25
      d.grades[0].min = 92;
      d.downgradeStacking = 'sum';
    });
    expect(bare(changes)).toEqual([
      {
        kind: 'changed',
        target: 'document',
        id: 'downgradeStacking',
        fields: [{ field: 'downgradeStacking', from: 'max', to: 'sum' }],
      },
      {
        kind: 'changed',
        target: 'item',
        id: 'pm25',
        category: 'indicators',
        fields: [{ field: 'maxPoints', from: 20, to: 25 }],
      },
      {
        kind: 'changed',
        target: 'item',
        id: 'good_days',
        category: 'indicators',
        fields: [{ field: 'maxPoints', from: 20, to: 25 }],
      },
      { kind: 'removed', target: 'item', id: 'forest', category: 'indicators' },
      { kind: 'changed', target: 'grade', id: 'excellent', fields: [{ field: 'min', from: 90, to: 92 }] },
    ]);
  });

  test('formula changes carry readable text and a line diff', () => {
    const changes = changed((d) => {
      d.categories[0].items[0].logic = { max: [0, { '-': [20, { '*': [2.5, { var: 'pm25_excess' }] }] }] };
    });
    expect(changes).toHaveLength(1);
    const [field] = changes[0].fields!;
    expect(field).toMatchObject({
      field: 'logic',
      from: base.categories[0].items[0].logic,
      fromText: 'max(0, 20 − 2 × pm25_excess)',
      toText: 'max(0, 20 − 2.5 × pm25_excess)',
      fromTextZh: 'max(0, 20 − 2 × pm25_excess)',
      toTextZh: 'max(0, 20 − 2.5 × pm25_excess)',
    });
    expect(field.lineDiff).toContain('-            2,');
    expect(field.lineDiff).toContain('+            2.5,');
    expect(field.lineDiff).toMatch(/^@@ -6,7 \+6,7 @@\n/);
  });

  test('conditions of downgrades, caps and vetoes are formulas too', () => {
    const changes = changed((d) => {
      d.caps![0].when = { '<': [{ var: 'satisfaction' }, 85] };
      d.vetoes![0].when = { '!!': [{ var: 'incident' }] };
    });
    expect(
      changes.map((c) => [c.target, c.id, c.fields!.map((f) => [f.field, f.fromText, f.toText])]),
    ).toEqual([
      ['cap', 'satisfaction_low', [['when', 'satisfaction < 80', 'satisfaction < 85']]],
      ['veto', 'incident', [['when', 'incident', 'bool(incident)']]],
    ]);
  });

  test('label changes are field changes', () => {
    const changes = changed((d) => {
      d.inputs[0].label = { zh: 'PM2.5平均浓度', en: 'PM2.5 mean' };
      d.grades[1].label.en = 'Fine';
    });
    expect(bare(changes)).toEqual([
      {
        kind: 'changed',
        target: 'input',
        id: 'pm25',
        fields: [
          { field: 'label.zh', from: 'PM2.5年均浓度', to: 'PM2.5平均浓度' },
          { field: 'label.en', from: null, to: 'PM2.5 mean' },
        ],
      },
      {
        kind: 'changed',
        target: 'grade',
        id: 'good',
        fields: [{ field: 'label.en', from: 'Good', to: 'Fine' }],
      },
    ]);
  });

  test('document fields, bonus cap and the explicit value of a default', () => {
    const changes = changed((d) => {
      d.year = 2024;
      d.title.zh = '2024年度考核细则';
      d.basis = '实施方案';
      d.precision = 1;
      d.bonus!.cap = 3;
      d.downgradeStacking = 'max'; // equals the default: no change
    });
    expect(bare(changes)).toEqual([
      { kind: 'changed', target: 'document', id: 'year', fields: [{ field: 'year', from: 2023, to: 2024 }] },
      {
        kind: 'changed',
        target: 'document',
        id: 'title',
        fields: [{ field: 'title.zh', from: '2023年度考核细则', to: '2024年度考核细则' }],
      },
      {
        kind: 'changed',
        target: 'document',
        id: 'basis',
        fields: [{ field: 'basis', from: null, to: '实施方案' }],
      },
      {
        kind: 'changed',
        target: 'document',
        id: 'precision',
        fields: [{ field: 'precision', from: 2, to: 1 }],
      },
      {
        kind: 'changed',
        target: 'document',
        id: 'bonus.cap',
        fields: [{ field: 'bonus.cap', from: 5, to: 3 }],
      },
    ]);
  });

  test('inputs: a default that makes an input optional is two field changes', () => {
    const changes = changed((d) => {
      d.inputs[2].default = 80;
      d.inputs[3].enum = [1, 2];
      d.inputs[4].required = true;
    });
    expect(bare(changes)).toEqual([
      {
        kind: 'changed',
        target: 'input',
        id: 'good_days',
        fields: [
          { field: 'default', from: null, to: 80 },
          { field: 'required', from: true, to: false },
        ],
      },
      { kind: 'changed', target: 'input', id: 'forest', fields: [{ field: 'enum', from: null, to: [1, 2] }] },
      {
        kind: 'changed',
        target: 'input',
        id: 'task_deduction',
        fields: [{ field: 'required', from: false, to: true }],
      },
    ]);
  });

  test('added and removed parts of every kind, in the documented order', () => {
    const changes = changed((d) => {
      d.inputs.push({ key: 'nox', label: { zh: 'NOx减排量' }, type: 'number' });
      d.inputs = d.inputs.filter((i) => i.key !== 'award');
      d.derived!.unshift({ key: 'ratio', label: { zh: '比率' }, logic: { '/': [{ var: 'pm25' }, 35] } });
      d.categories.push({ id: 'funding', label: { zh: '财政资金' }, maxPoints: 0, items: [] });
      d.categories[1].items.unshift({ id: 'inspection', label: { zh: '督察整改' }, maxPoints: 0, logic: 0 });
      d.bonus!.items = [{ id: 'model', label: { zh: '示范' }, logic: 1 }];
      d.downgrades!.splice(0, 1);
      d.downgrades![0].levels = 1;
      d.caps = [];
      d.vetoes!.push({ id: 'fraud', label: { zh: '数据造假' }, when: false });
      d.grades.splice(2, 0, { id: 'pass', label: { zh: '基本合格' }, min: 70 });
      d.tests![0].name = 'renamed';
      d.tests![0].expect.total = 99;
    });
    expect(bare(changes)).toEqual([
      { kind: 'added', target: 'input', id: 'nox' },
      { kind: 'removed', target: 'input', id: 'award' },
      { kind: 'added', target: 'derived', id: 'ratio' },
      { kind: 'added', target: 'category', id: 'funding' },
      { kind: 'added', target: 'item', id: 'inspection', category: 'tasks' },
      { kind: 'added', target: 'bonus', id: 'model' },
      { kind: 'removed', target: 'bonus', id: 'award' },
      {
        kind: 'changed',
        target: 'downgrade',
        id: 'heavy_overdue',
        fields: [{ field: 'levels', from: 2, to: 1 }],
      },
      { kind: 'removed', target: 'downgrade', id: 'overdue' },
      { kind: 'removed', target: 'cap', id: 'satisfaction_low' },
      { kind: 'added', target: 'veto', id: 'fraud' },
      { kind: 'added', target: 'grade', id: 'pass' },
      { kind: 'added', target: 'test', id: 'renamed' },
      { kind: 'removed', target: 'test', id: 'clean region' },
    ]);
  });

  test('tests are compared input by input and expectation by expectation', () => {
    const changes = changed((d) => {
      d.tests![0].inputs.pm25 = 31;
      delete d.tests![0].inputs.forest;
      d.tests![0].expect.items = { pm25: 20, forest: 20 };
      d.tests![0].expect.caps = ['satisfaction_low'];
    });
    expect(bare(changes)).toEqual([
      {
        kind: 'changed',
        target: 'test',
        id: 'clean region',
        fields: [
          { field: 'inputs.forest', from: 50, to: null },
          { field: 'inputs.pm25', from: 30, to: 31 },
          { field: 'expect.items.forest', from: null, to: 20 },
          { field: 'expect.caps', from: null, to: ['satisfaction_low'] },
        ],
      },
    ]);
  });

  test('changed entries follow the new order, removed ones come after in the old order', () => {
    const changes = changed((d) => {
      d.grades.reverse();
      d.grades.forEach((g) => (g.label.zh += '等'));
      d.grades = d.grades.filter((g) => g.id !== 'good' && g.id !== 'excellent') as RuleDocument['grades'];
    });
    expect(changes.map((c) => `${c.kind} ${c.id}`)).toEqual([
      'changed unqualified',
      'changed qualified',
      'removed excellent',
      'removed good',
    ]);
  });

  test('an item whose id repeats in two categories pairs within its category first', () => {
    const a = clone(base);
    a.categories[1].items.push({ id: 'pm25', label: { zh: '重复' }, maxPoints: 0, logic: 0 });
    const b = clone(a);
    b.categories[1].items[1].maxPoints = 1;
    expect(bare(diffDocuments(a, b).changes)).toEqual([
      {
        kind: 'changed',
        target: 'item',
        id: 'pm25',
        category: 'tasks',
        fields: [{ field: 'maxPoints', from: 0, to: 1 }],
      },
    ]);
  });

  test('documents that are not valid still diff, without throwing', () => {
    const broken = {
      schemaVersion: 1,
      categories: [{ id: 'x', items: 'nope' }],
      grades: null,
    } as unknown as RuleDocument;
    const changes = diffDocuments(broken, base).changes;
    expect(changes.some((c) => c.target === 'item' && c.id === 'pm25' && c.kind === 'added')).toBe(true);
    expect(changes.some((c) => c.target === 'category' && c.id === 'x' && c.kind === 'removed')).toBe(true);
  });
});

describe('lineDiff', () => {
  test('hunks of the pretty-printed JSON', () => {
    expect(lineDiff({ var: 'a' }, { var: 'b' })).toBe(
      ['@@ -1,3 +1,3 @@', ' {', '-  "var": "a"', '+  "var": "b"', ' }'].join('\n'),
    );
    expect(lineDiff(undefined, 1)).toBe(['@@ -0,0 +1,1 @@', '+1'].join('\n'));
    expect(lineDiff(1, 1)).toBe('');
  });
});

describe('schema version 2 fields', () => {
  test('parameters as their own target; applies, notApplicable, rubric, basis and previous as fields; formulas in words', () => {
    const base = {
      ...documentHead(2, 'f', 2025, 't', 4),
      parameters: [{ key: 'rate', label: { zh: '扣分率' }, value: 0.25 }],
      inputs: [{ key: 'pm25', label: { zh: 'PM2.5浓度' }, type: 'number' }],
      categories: [
        category('c', 'c', 4, [
          docItem('pm25', 'PM2.5', 4, { '-': [4, { '*': [{ var: 'rate' }, { var: 'pm25' }] }] }),
        ]),
      ],
      grades: grades(['g', 'g', 0]),
    } as unknown as RuleDocument;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const next = structuredClone(base) as unknown as Record<string, any>;
    next.parameters[0].value = 0.3;
    next.parameters.push({ key: 'limit', label: { zh: '上限' }, value: 35 });
    next.inputs[0].previous = 'optional';
    next.categories[0].notApplicable = 'rescale';
    const item = next.categories[0].items[0];
    item.applies = { '>': [{ var: 'prev.pm25' }, 0] };
    item.basis = '实施方案附件';
    item.rubric = { zh: '每1μg/m³扣0.3分', forLogic: '0'.repeat(64) };
    const { changes } = diffDocuments(base, next as unknown as RuleDocument);
    const line = (c: (typeof changes)[number]) =>
      `${c.kind} ${c.target} ${c.id} ${(c.fields ?? []).map((f) => f.field).join(',')}`.trim();
    expect(changes.map(line)).toEqual([
      'changed parameter rate value',
      'added parameter limit',
      'changed input pm25 previous',
      'changed category c notApplicable',
      'changed item pm25 applies,rubric.forLogic,rubric.zh,basis',
    ]);
    const applies = changes[4].fields!.find((f) => f.field === 'applies')!;
    expect(applies.toWords).toBe('上年PM2.5浓度 > 0');
  });
});
