import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatLogic, sameJson } from './format.ts';

describe('formatLogic', () => {
  it('keeps a short formula on one line', () => {
    expect(formatLogic({ max: [0, { '-': [4, { var: 'x' }] }] })).toBe(
      '{"max": [0, {"-": [4, {"var": "x"}]}]}',
    );
  });

  it("puts a long operation's arguments one per line, nested ones too", () => {
    const text = formatLogic(
      { if: [{ '>': [{ var: 'pm25_actual_value' }, { var: 'pm25_target_value' }] }, 0, 7] },
      40,
    );
    expect(text.split('\n')).toEqual([
      '{"if": [',
      '  {">": [',
      '    {"var": "pm25_actual_value"},',
      '    {"var": "pm25_target_value"}',
      '  ]},',
      '  0,',
      '  7',
      ']}',
    ]);
  });

  it('is always the same JSON value again', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.boolean(),
        fc.string(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 10, max: 100 }), (v, width) =>
        sameJson(JSON.parse(formatLogic(v, width)), v),
      ),
    );
  });
});
