import { describe, expect, it } from 'vitest';
import { jsonSyntaxMessage, lineColumn } from './json-syntax.ts';

describe('formula syntax errors said for people', () => {
  it.each([
    ['[1, 2', '第 1 行第 6 列：公式不完整，缺少 ] 或 }'],
    ['{"max": [0,\n  {"-": [1 2]}]}', '第 2 行第 12 列：数组的元素之间缺少逗号，或缺少 ]'],
    ['{var: 1}', '第 1 行第 2 列：名称须用双引号括起（如 "var"）'],
    ['{"a": 1,}', '第 1 行第 9 列：此处应为用双引号括起的名称（如 "var"），或多了一个逗号'],
    ['[1, x]', '第 1 行第 5 列：不能识别的符号'],
    ['"abc', '第 1 行第 5 列：文字缺少结束的双引号'],
    ['1 2', '第 1 行第 3 列：公式结束后还有多余的内容'],
  ])('%j → %s', (text, expected) => {
    expect(jsonSyntaxMessage(text, 'zh')).toBe(expected);
  });

  it('names full-width punctuation typed with a Chinese input method', () => {
    expect(jsonSyntaxMessage('[1，2]', 'zh')).toBe(
      '第 1 行第 3 列：数组的元素之间缺少逗号，或缺少 ]；公式中有全角符号 「，」，请改为半角 ,',
    );
    expect(jsonSyntaxMessage('{“var”： "x"}', 'en')).toMatch(/^line 1, column 2: .*full-width “ ” ：/);
  });

  it('never repeats the parser message and is empty for valid JSON', () => {
    expect(jsonSyntaxMessage('[1, 2', 'en')).not.toMatch(/position|JSON/);
    expect(jsonSyntaxMessage('{"var": "x"}', 'zh')).toBe('');
  });

  it('counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('', 0)).toEqual({ line: 1, column: 1 });
  });
});
