import { describe, expect, it } from 'vitest';
import type { Input } from '../../../../engine/types.ts';
import { cellOfPath, groupInputs, isBlock, keyOfColumn, parseCell, parseTsv, readNumber } from './cells.ts';

const num = (extra: Partial<Input> = {}): Input =>
  ({ key: 'pm25', label: { zh: 'PM2.5' }, type: 'number', min: 0, max: 500, ...extra }) as Input;

describe('parseCell: a cell checked against its input as the server checks it', () => {
  it.each([
    ['37', num(), 37, null],
    [' 1,234.5 ', num({ max: 5000 }), 1234.5, null],
    ['−3', num({ min: -10 }), -3, null],
    ['abc', num(), undefined, 'cell.invalidNumber'],
    ['1,2', num(), undefined, 'cell.invalidNumber'],
    ['-1', num(), -1, 'cell.belowMin'],
    ['501', num(), 501, 'cell.aboveMax'],
    ['2.5', num({ type: 'integer' }), undefined, 'cell.invalidInteger'],
    ['3', num({ type: 'integer' }), 3, null],
    ['', num(), null, 'cell.required'],
    ['', num({ default: 0 }), null, null],
    ['', num({ required: false }), null, null],
    ['是', num({ type: 'boolean', min: undefined, max: undefined }), true, null],
    ['0', num({ type: 'boolean', min: undefined, max: undefined }), false, null],
    ['maybe', num({ type: 'boolean', min: undefined, max: undefined }), undefined, 'cell.invalidBoolean'],
    [
      'major',
      num({ type: 'string', min: undefined, max: undefined, enum: ['none', 'major'] }),
      'major',
      null,
    ],
    [
      'huge',
      num({ type: 'string', min: undefined, max: undefined, enum: ['none', 'major'] }),
      'huge',
      'cell.notInEnum',
    ],
  ] as const)('%j', (text, input, value, problem) => {
    const r = parseCell(text, input);
    expect(r.value).toEqual(value);
    expect(r.problem?.key ?? null).toBe(problem);
  });

  it('names the bound a value breaks', () => {
    expect(parseCell('-1', num()).problem?.params).toEqual({ min: 0 });
    expect(parseCell('huge', num({ type: 'string', enum: ['none', 'major'] })).problem?.params).toEqual({
      allowed: 'none / major',
    });
  });

  it('reads numbers strictly', () => {
    expect(readNumber('1e3')).toBe(1000);
    expect(readNumber('12abc')).toBeNull();
    expect(readNumber('')).toBeNull();
  });
});

describe('labelled choices (schema version 2): a value or its label, as data files are read', () => {
  const level = num({
    key: 'level',
    type: 'string',
    min: undefined,
    max: undefined,
    enum: [
      { value: 'none', label: { zh: '无' } },
      { value: 'general', label: { zh: '一般(Ⅳ级)', en: 'general' } },
      'major',
    ],
  } as Partial<Input>);

  it.each([
    ['一般(Ⅳ级)', 'general'],
    [' 无 ', 'none'],
    ['general', 'general'],
    ['major', 'major'],
  ])('%j reads as %j', (text, value) => {
    expect(parseCell(text, level)).toEqual({ value, problem: null });
  });

  it('refuses other text, naming the choices by their labels', () => {
    const r = parseCell('一般', level);
    expect(r.problem?.key).toBe('cell.notInEnum');
    expect(r.problem?.params).toEqual({ allowed: '无 / 一般(Ⅳ级) / major' });
  });

  it('keeps the bounds of numeric choices', () => {
    const grade = num({
      type: 'integer',
      min: 1,
      max: 3,
      enum: [{ value: 1, label: { zh: '一档' } }, 2, 3, 4],
    });
    expect(parseCell('一档', grade)).toEqual({ value: 1, problem: null });
    expect(parseCell('4', grade).problem?.key).toBe('cell.aboveMax');
    // Neither a choice nor a number: the choices are named, not "should be a number".
    expect(parseCell('三档', grade)).toEqual({
      value: undefined,
      problem: { code: 'not_in_enum', key: 'cell.notInEnum', params: { allowed: '一档 / 2 / 3 / 4' } },
    });
  });
});

describe('pasting a block from a spreadsheet', () => {
  it('splits tab-separated lines, drops the trailing line break, keeps quoted tabs and breaks', () => {
    expect(parseTsv('1\t2\n3\t4\n')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseTsv('"a\tb"\t"c\nd"\r\n5\t')).toEqual([
      ['a\tb', 'c\nd'],
      ['5', ''],
    ]);
    expect(parseTsv('"say ""hi"""')).toEqual([['say "hi"']]);
  });

  it('tells a block from a single value', () => {
    expect(isBlock('37\n')).toBe(false);
    expect(isBlock('37\t38')).toBe(true);
    expect(isBlock('37\n38\n')).toBe(true);
  });
});

describe('problems back onto cells', () => {
  it('reads grid pointers and import columns', () => {
    expect(cellOfPath('/regions/3/values/pm25')).toEqual({ index: 3, key: 'pm25' });
    expect(cellOfPath('/regions/0/values/a~1b')).toEqual({ index: 0, key: 'a/b' });
    expect(cellOfPath('/regions/2')).toEqual({ index: 2, key: null });
    expect(cellOfPath('/year')).toBeNull();
    expect(keyOfColumn('pm25_target (D)')).toBe('pm25_target');
    expect(keyOfColumn('/regions/1/values/pm25')).toBe('pm25');
    expect(keyOfColumn('? (Z)')).toBeNull();
  });

  it('groups columns by role in the order targets, actuals, events, assessments, others', () => {
    const inputs = [
      num({ key: 'a', role: 'actual' }),
      num({ key: 't', role: 'target' }),
      num({ key: 'x' }),
      num({ key: 't2', role: 'target' }),
    ];
    expect(groupInputs(inputs).map((g) => [g.role, g.inputs.map((i) => i.key)])).toEqual([
      ['target', ['t', 't2']],
      ['actual', ['a']],
      ['other', ['x']],
    ]);
  });
});
