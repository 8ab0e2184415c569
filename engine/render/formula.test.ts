import { describe, expect, test } from 'vitest';
import { compactJson, formulaLabels, renderFormula } from './formula.ts';

const v = (name: string) => ({ var: name });

/** [formula, plain notation, Chinese] */
const cases: [unknown, string, string][] = [
  // literals and variables
  [4, '4', '4'],
  [0.5, '0.5', '0.5'],
  [-3, '−3', '−3'],
  [true, 'true', '是'],
  [false, 'false', '否'],
  [null, 'null', '空'],
  ['national', '"national"', '"national"'],
  [v('pm25'), 'pm25', 'pm25'],
  [{ var: ['pm25'] }, 'pm25', 'pm25'],
  [{ var: ['pm25', 0] }, 'pm25 (default 0)', 'pm25 (默认 0)'],
  // the SPEC example and arithmetic precedence
  [
    { max: [0, { '-': [4, { '*': [0.5, v('pm25_excess')] }] }] },
    'max(0, 4 − 0.5 × pm25_excess)',
    'max(0, 4 − 0.5 × pm25_excess)',
  ],
  [{ '*': [{ '+': [v('a'), v('b')] }, v('c')] }, '(a + b) × c', '(a + b) × c'],
  [{ '+': [v('a'), { '*': [v('b'), v('c')] }] }, 'a + b × c', 'a + b × c'],
  [{ '-': [v('a'), { '-': [v('b'), v('c')] }] }, 'a − (b − c)', 'a − (b − c)'],
  [{ '-': [{ '-': [v('a'), v('b')] }, v('c')] }, 'a − b − c', 'a − b − c'],
  [{ '-': [v('a'), { '+': [v('b'), v('c')] }] }, 'a − (b + c)', 'a − (b + c)'],
  [{ '+': [v('a'), v('b'), v('c'), 1] }, 'a + b + c + 1', 'a + b + c + 1'],
  [{ '+': [v('a'), { '-': [v('b'), v('c')] }] }, 'a + b − c', 'a + b − c'],
  [{ '*': [2, v('a'), v('b')] }, '2 × a × b', '2 × a × b'],
  [{ '/': [v('a'), { '*': [v('b'), v('c')] }] }, 'a ÷ (b × c)', 'a ÷ (b × c)'],
  [{ '/': [{ '*': [v('a'), v('b')] }, v('c')] }, 'a × b ÷ c', 'a × b ÷ c'],
  [{ '*': [v('a'), { '/': [v('b'), v('c')] }] }, 'a × b ÷ c', 'a × b ÷ c'],
  [{ '*': [v('a'), { '%': [v('b'), 2] }] }, 'a × (b mod 2)', 'a × (b mod 2)'],
  [{ '%': [v('a'), 2] }, 'a mod 2', 'a mod 2'],
  [{ '-': [v('a')] }, '−a', '−a'],
  [{ '-': [{ '+': [v('a'), v('b')] }] }, '−(a + b)', '−(a + b)'],
  [{ '*': [{ '-': [v('a')] }, v('b')] }, '−a × b', '−a × b'],
  [{ '*': [v('b'), { '-': [v('a')] }] }, 'b × (−a)', 'b × (−a)'],
  [{ '-': [v('a'), -3] }, 'a − (−3)', 'a − (−3)'],
  [{ '-': [{ '-': [v('a')] }] }, '−(−a)', '−(−a)'],
  [{ '+': [v('a')] }, '+a', '+a'],
  // comparisons and logic
  [{ '>': [v('pm25'), v('pm25_prev')] }, 'pm25 > pm25_prev', 'pm25 > pm25_prev'],
  [{ '>=': [v('a'), 90] }, 'a ≥ 90', 'a ≥ 90'],
  [{ '<=': [0, v('a'), 10] }, '0 ≤ a ≤ 10', '0 ≤ a ≤ 10'],
  [{ '<': [1, v('a'), 3] }, '1 < a < 3', '1 < a < 3'],
  [{ '==': [v('src'), 'national'] }, 'src = "national"', 'src = "national"'],
  [{ '!==': [v('a'), 0] }, 'a ≠ 0', 'a ≠ 0'],
  [{ '==': [{ '>': [v('a'), 1] }, true] }, '(a > 1) = true', '(a > 1) = 是'],
  [{ '>': [{ '+': [v('a'), v('b')] }, 1] }, 'a + b > 1', 'a + b > 1'],
  [{ '!': v('met') }, 'not met', '非 met'],
  [{ '!': [{ '>': [v('a'), 1] }] }, 'not (a > 1)', '非 (a > 1)'],
  [{ '!!': [v('a')] }, 'bool(a)', '真值(a)'],
  [{ and: [{ '>': [v('a'), 1] }, { '<': [v('b'), 2] }] }, 'a > 1 and b < 2', 'a > 1 且 b < 2'],
  [{ or: [v('a'), v('b'), v('c')] }, 'a or b or c', 'a 或 b 或 c'],
  [{ and: [v('a'), { or: [v('b'), v('c')] }] }, 'a and (b or c)', 'a 且 (b 或 c)'],
  [{ or: [{ and: [v('a'), v('b')] }, v('c')] }, '(a and b) or c', '(a 且 b) 或 c'],
  [{ and: [v('a')] }, 'a', 'a'],
  [
    { in: [v('src'), ['provincial', 'national']] },
    'src in ["provincial", "national"]',
    'src 属于 ["provincial", "national"]',
  ],
  // conditionals
  [
    { if: [{ '>': [v('pm25'), v('pm25_prev')] }, 0, 2] },
    'if pm25 > pm25_prev then 0 else 2',
    '如果 pm25 > pm25_prev 则 0 否则 2',
  ],
  [{ '?:': [v('flag'), 1, 0] }, 'if flag then 1 else 0', '如果 flag 则 1 否则 0'],
  [
    { if: [{ '>=': [v('r'), 95] }, 4, { '>=': [v('r'), 90] }, 3, 0] },
    'if r ≥ 95 then 4 else if r ≥ 90 then 3 else 0',
    '如果 r ≥ 95 则 4 否则如果 r ≥ 90 则 3 否则 0',
  ],
  [
    { if: [{ '>=': [v('r'), 95] }, 4, { if: [{ '>=': [v('r'), 90] }, 3, 0] }] },
    'if r ≥ 95 then 4 else if r ≥ 90 then 3 else 0',
    '如果 r ≥ 95 则 4 否则如果 r ≥ 90 则 3 否则 0',
  ],
  [{ if: [v('a'), 1] }, 'if a then 1', '如果 a 则 1'],
  [
    { if: [v('a'), { if: [v('b'), 1, 2] }, 3] },
    'if a then (if b then 1 else 2) else 3',
    '如果 a 则 (如果 b 则 1 否则 2) 否则 3',
  ],
  [{ '+': [1, { if: [v('a'), 1, 0] }] }, '1 + (if a then 1 else 0)', '1 + (如果 a 则 1 否则 0)'],
  [{ max: [0, { if: [v('a'), 1, 0] }] }, 'max(0, if a then 1 else 0)', 'max(0, 如果 a 则 1 否则 0)'],
  // functions and custom operations
  [{ min: [4, v('a'), v('b')] }, 'min(4, a, b)', 'min(4, a, b)'],
  [{ round: [{ '/': [v('a'), 3] }, 2] }, 'round(a ÷ 3, 2)', 'round(a ÷ 3, 2)'],
  [{ clamp: [v('x'), 0, 4] }, 'clamp(x, 0, 4)', 'clamp(x, 0, 4)'],
  [
    {
      interp: [
        v('x'),
        [
          [0, 0],
          [50, 5],
        ],
      ],
    },
    'interp(x; 0→0, 50→5)',
    'interp(x; 0→0, 50→5)',
  ],
  [
    {
      interp: [
        v('x'),
        [
          [-10, 0],
          [10, 2.5],
        ],
      ],
    },
    'interp(x; −10→0, 10→2.5)',
    'interp(x; −10→0, 10→2.5)',
  ],
  [{ cat: ['a', v('b')] }, 'cat("a", b)', 'cat("a", b)'],
  [{ substr: [v('s'), 0, 2] }, 'substr(s, 0, 2)', 'substr(s, 0, 2)'],
  [{ missing: ['a', 'b'] }, 'missing(a, b)', 'missing(a, b)'],
  [{ missing: [['a', 'b']] }, 'missing(a, b)', 'missing(a, b)'],
  [{ missing_some: [1, ['a', 'b']] }, 'missing_some(1, [a, b])', 'missing_some(1, [a, b])'],
  // unknown shapes: compact JSON, never an exception
  [{ log: [1] }, '{"log":[1]}', '{"log":[1]}'],
  [{ a: 1, b: 2 }, '{"a":1,"b":2}', '{"a":1,"b":2}'],
  [{}, '{}', '{}'],
  [{ var: [{ cat: ['p', 'm'] }] }, '{"var":[{"cat":["p","m"]}]}', '{"var":[{"cat":["p","m"]}]}'],
  [{ '/': [1, 2, 3] }, '{"/":[1,2,3]}', '{"/":[1,2,3]}'],
  [{ '+': [1, { map: [[1], 1] }] }, '1 + {"map":[[1],1]}', '1 + {"map":[[1],1]}'],
  [{ if: [] }, '{"if":[]}', '{"if":[]}'],
];

describe('renderFormula', () => {
  test.each(cases)('%j', (formula, en, zh) => {
    expect(renderFormula(formula)).toBe(en);
    expect(renderFormula(formula, { lang: 'en' })).toBe(en);
    expect(renderFormula(formula, { lang: 'zh' })).toBe(zh);
  });

  const labels = {
    pm25: { zh: 'PM2.5年均浓度', en: 'PM2.5 annual mean' },
    pm25_prev: { zh: '上年PM2.5浓度' },
    fine: { zh: '细颗粒物(PM2.5)浓度', en: 'pm' },
  };

  test.each([
    [
      { if: [{ '>': [v('pm25'), v('pm25_prev')] }, 0, 2] },
      'if [PM2.5 annual mean] > pm25_prev then 0 else 2',
      '如果 PM2.5年均浓度 > 上年PM2.5浓度 则 0 否则 2',
    ],
    [{ var: ['pm25', 0] }, '[PM2.5 annual mean] (default 0)', 'PM2.5年均浓度 (默认 0)'],
    [{ '*': [2, v('fine')] }, '2 × pm', '2 × 「细颗粒物(PM2.5)浓度」'],
    [{ missing: ['pm25'] }, 'missing([PM2.5 annual mean])', 'missing(PM2.5年均浓度)'],
    [v('unknown_key'), 'unknown_key', 'unknown_key'],
    [v('constructor'), 'constructor', 'constructor'],
  ])('with labels %j', (formula, en, zh) => {
    expect(renderFormula(formula, { lang: 'en', labels })).toBe(en);
    expect(renderFormula(formula, { lang: 'zh', labels })).toBe(zh);
  });

  test('never throws on values that are not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.max = [cyclic];
    expect(typeof renderFormula(cyclic)).toBe('string');
    expect(renderFormula(undefined)).toBe('null');
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { '-': [deep] };
    expect(typeof renderFormula(deep)).toBe('string');
    expect(compactJson(10n)).toBe('…');
  });

  test('formulaLabels collects inputs and derived values', () => {
    const labels = formulaLabels({
      inputs: [{ key: 'a', label: { zh: '甲' } }],
      derived: [{ key: 'b', label: { zh: '乙', en: 'B' } }],
    });
    expect(labels).toEqual({ a: { zh: '甲' }, b: { zh: '乙', en: 'B' } });
    expect(renderFormula({ '+': [v('a'), v('b')] }, { lang: 'zh', labels })).toBe('甲 + 乙');
    expect(renderFormula({ '+': [v('a'), v('b')] }, { lang: 'en', labels })).toBe('a + B');
  });
});

describe('the sample rule family', () => {
  const years = [2021, 2022, 2023, 2024, 2025];
  test.each(years)('every formula of %i renders without falling back to JSON', async (year) => {
    const { readFileSync, existsSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const path = fileURLToPath(new URL(`../../rules/jilin-eco-target/${year}.json`, import.meta.url));
    if (!existsSync(path)) return;
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const formulas: unknown[] = [
      ...(doc.derived ?? []).map((d: { logic: unknown }) => d.logic),
      ...doc.categories.flatMap((c: { items: { logic: unknown }[] }) => c.items.map((i) => i.logic)),
      ...(doc.bonus?.items ?? []).map((b: { logic: unknown }) => b.logic),
      ...[...(doc.downgrades ?? []), ...(doc.caps ?? []), ...(doc.vetoes ?? [])].map(
        (x: { when: unknown }) => x.when,
      ),
    ];
    expect(formulas.length).toBeGreaterThan(10);
    const labels = formulaLabels(doc);
    for (const f of formulas) {
      for (const text of [renderFormula(f), renderFormula(f, { lang: 'zh', labels })]) {
        expect(text).not.toMatch(/[{}]/);
      }
    }
  });
});
