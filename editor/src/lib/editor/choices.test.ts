import { describe, expect, it } from 'vitest';
import { addChoice, choiceRows, choiceText, removeChoice, setChoice } from './choices.ts';

describe('editing labelled choices', () => {
  it('writes a labelled choice as { value, label } and an unlabelled one as its value', () => {
    const input: { type: string; enum?: unknown[] } = { type: 'string', enum: ['none', 'major'] };
    setChoice(input, 1, 'zh', ' 重大(Ⅱ级) ');
    expect(input.enum).toEqual(['none', { value: 'major', label: { zh: '重大(Ⅱ级)' } }]);
    setChoice(input, 1, 'en', 'major');
    expect(input.enum![1]).toEqual({ value: 'major', label: { zh: '重大(Ⅱ级)', en: 'major' } });
    setChoice(input, 1, 'value', 'grave');
    expect(input.enum![1]).toEqual({ value: 'grave', label: { zh: '重大(Ⅱ级)', en: 'major' } });
    setChoice(input, 1, 'zh', '');
    setChoice(input, 1, 'en', '');
    expect(input.enum).toEqual(['none', 'grave']);
  });

  it('reads values as the input type, adds fresh choices and removes the last one to no enum', () => {
    const level: { type: string; enum?: unknown[] } = { type: 'integer' };
    addChoice(level);
    addChoice(level);
    expect(level.enum).toEqual([0, 1]);
    setChoice(level, 0, 'value', '3');
    expect(level.enum).toEqual([3, 1]);
    removeChoice(level, 0);
    removeChoice(level, 0);
    expect(level.enum).toBeUndefined();
    const text: { type: string; enum?: unknown[] } = { type: 'string', enum: ['choice_2'] };
    addChoice(text);
    expect(text.enum).toEqual(['choice_2', 'choice_3']);
  });

  it('shows a value by its label in the language asked', () => {
    const input = {
      enum: [{ value: 'general', label: { zh: '一般(Ⅳ级)', en: 'general (IV)' } }, 'none'],
    } as never;
    expect(choiceText(input, 'general', 'zh')).toBe('一般(Ⅳ级)');
    expect(choiceText(input, 'general', 'en')).toBe('general (IV)');
    expect(choiceText(input, 'none', 'zh')).toBe('none');
    expect(choiceText(undefined, 3, 'zh')).toBe('3');
    expect(choiceRows(input)).toEqual([
      { value: 'general', zh: '一般(Ⅳ级)', en: 'general (IV)' },
      { value: 'none', zh: '', en: '' },
    ]);
  });
});
