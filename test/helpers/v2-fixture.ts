/**
 * Parts of the small schema-version-2 documents that tests build for themselves (not the samples):
 * the labelled 事件级别 choice, a one-item 空气 category of 10 points, and two grades.
 *
 * @example
 * const doc = { ..., inputs: [pm25, levelInput({ default: 'none' })], categories: [airCategory(item)], grades: TWO_GRADES };
 */
import type { Category, Input, Item, RuleDocument } from '../../engine/types.ts';
import { category } from '../../engine/test-fixtures.ts';

/** 事件级别: a string input whose choices carry Chinese labels (无, 一般(Ⅳ级)). */
export function levelInput(extra: Partial<Input> = {}): Input {
  return {
    key: 'level',
    label: { zh: '事件级别' },
    type: 'string',
    enum: [
      { value: 'none', label: { zh: '无' } },
      { value: 'general', label: { zh: '一般(Ⅳ级)' } },
    ],
    ...extra,
  };
}

/** The 空气 category of 10 points with one item. */
export function airCategory(item: Item): Category {
  return category('air', '空气', 10, [item]);
}

/** 良好 from 9 points, 其他 below. */
export const TWO_GRADES: RuleDocument['grades'] = [
  { id: 'good', label: { zh: '良好' }, min: 9 },
  { id: 'other', label: { zh: '其他' }, min: 0 },
];
