/** Random formulas over values of every type, for the dialect differential test. */
import fc from 'fast-check';
import type { Dataset, RuleDocument } from '../../engine/index.ts';
import { Json, helpers, H, InputSpec, label } from './diff-generate.ts';

// ---------------------------------------------------------------------------------------------
// The JSON-logic dialect on values of every type (strings, booleans, null mixed into arithmetic)
// ---------------------------------------------------------------------------------------------

export const MIXED_INPUTS: InputSpec[] = [
  { key: 'n', type: 'number', required: false },
  { key: 'k', type: 'integer', required: false },
  { key: 'b', type: 'boolean', required: false },
  { key: 's', type: 'string', required: false },
  { key: 't', type: 'string', required: false },
];

export function mixedExpr(h: H, depth: number, derivedKeys: string[]): Json {
  if (depth <= 0 || h.chance(30)) {
    if (h.chance(55)) {
      const key = h.pick([...MIXED_INPUTS.map((i) => i.key), ...derivedKeys]);
      return h.chance(20) ? { var: [key, h.pick([0, 'x', true, 1.5])] } : { var: key };
    }
    return h.pick([
      0,
      1,
      -1,
      2.5,
      0.1,
      3,
      '1',
      '2abc',
      'abc',
      '',
      '1e2',
      ' 3 ',
      '0',
      '-0',
      true,
      false,
      -0.5,
    ]);
  }
  const e = () => mixedExpr(h, depth - 1, derivedKeys);
  const op = h.pick([
    '+',
    '-',
    '*',
    '/',
    '%',
    'max',
    'min',
    '==',
    '===',
    '!=',
    '!==',
    '<',
    '<=',
    '>',
    '>=',
    '!',
    '!!',
    'and',
    'or',
    'if',
    '?:',
    'cat',
    'substr',
    'in',
    'round',
    'clamp',
    'interp',
    'missing',
    'missing_some',
  ] as const);
  switch (op) {
    case '!':
    case '!!':
      return { [op]: h.chance(50) ? e() : [e()] };
    case '-':
    case '*':
    case '+':
      return { [op]: h.chance(25) ? [e()] : h.chance(80) ? [e(), e()] : [e(), e(), e()] };
    case 'max':
    case 'min':
    case 'and':
    case 'or':
    case 'cat':
      return { [op]: h.chance(80) ? [e(), e()] : [e(), e(), e()] };
    case '<':
    case '<=':
      return { [op]: h.chance(80) ? [e(), e()] : [e(), e(), e()] };
    case 'if':
    case '?:':
      return { [op]: h.chance(70) ? [e(), e(), e()] : h.chance(50) ? [e(), e()] : [e(), e(), e(), e(), e()] };
    case 'substr':
      return { substr: h.chance(50) ? [e(), h.int(-3, 3)] : [e(), h.int(-3, 3), h.int(-3, 3)] };
    case 'in':
      return { in: [e(), h.chance(50) ? ['1', 1, 'abc', true] : e()] };
    case 'round':
      return { round: [e(), h.int(0, 3)] };
    case 'clamp':
      return { clamp: [e(), h.pick([0, -1, 0.5]), h.pick([1, 2.5, 10])] };
    case 'interp':
      return {
        interp: [
          e(),
          [
            [0, 1],
            [1, 3],
            [4, -2],
          ],
        ],
      };
    case 'missing':
      return {
        missing: h.chance(50)
          ? h.pick(MIXED_INPUTS).key
          : [h.pick(MIXED_INPUTS).key, h.pick(MIXED_INPUTS).key],
      };
    case 'missing_some':
      return { missing_some: [h.int(0, 2), [h.pick(MIXED_INPUTS).key, h.pick(MIXED_INPUTS).key]] };
    default:
      return { [op]: [e(), e()] };
  }
}

export const mixedArb = fc.gen().map((g) => {
  const h = helpers(g);
  const derived: { key: string; label: { zh: string }; logic: Json }[] = [];
  for (let i = 0; i < h.int(1, 4); i++)
    derived.push({
      key: `m${i}`,
      label: label('m'),
      logic: mixedExpr(
        h,
        3,
        derived.map((d) => d.key),
      ),
    });
  const document = {
    schemaVersion: 1,
    family: 'dialect',
    year: 2024,
    title: label('方言'),
    maxScore: 100,
    precision: h.int(0, 3),
    inputs: MIXED_INPUTS.map((i) => ({ ...i, label: label(i.key) })),
    derived,
    categories: [
      {
        id: 'c',
        label: label('c'),
        maxPoints: 100,
        // Items read the derived values, so the engine has to compute them on its scoring path.
        items: derived.map((d, i) => ({
          id: `i${i}`,
          label: label('i'),
          maxPoints: i === derived.length - 1 ? 100 - 10 * i : 10,
          logic: h.chance(75)
            ? { if: [{ var: d.key }, 1, 0] } // always a number: the region stays scored
            : h.chance(50)
              ? { var: d.key }
              : { if: [{ var: d.key }, { '+': [{ var: d.key }, 0.5] }, 1] },
        })),
      },
    ],
    vetoes: [{ id: 'v', label: label('v'), when: { var: h.pick(derived).key } }],
    grades: [
      { id: 'pass', label: label('p'), min: 1 },
      { id: 'fail', label: label('f'), min: 0 },
    ],
  } as unknown as RuleDocument;
  const values = () => {
    const v: Record<string, unknown> = {};
    if (h.chance(70)) v.n = h.pick([0, -0.5, 1, 2.5, 1.005, 3, 100, -3]);
    if (h.chance(70)) v.k = h.pick([0, 1, -2, 4]);
    if (h.chance(70)) v.b = h.chance(50);
    if (h.chance(70)) v.s = h.pick(['', '0', '1', '2.5', 'abc', '1e2', ' 3 ', 'true']);
    if (h.chance(70)) v.t = h.pick(['', 'a', 'abc', '12']);
    return v;
  };
  const data: Dataset = {
    regions: Array.from({ length: h.int(1, 4) }, (_, i) => ({
      code: `M${i}`,
      name: `m${i}`,
      values: values(),
    })),
  };
  return { document, data };
});
