/**
 * Builders for the small rule documents that engine tests write for themselves: an item, a
 * category and the grades, each the same object the literal `{ id, label: { zh }, ... }` gives
 * (keys in the same order). A label given as a string is `{ zh: label }`.
 *
 * @example
 * categories: [category('c', '类', 4, [item('eq', '生态质量', 4, { var: 'eq' })])],
 * grades: grades(['pass', '合格', 2], ['fail', '不合格', 0]),
 */
import type { Category, Grade, Item, Label, RuleDocument } from './types.ts';

const label = (l: string | Label): Label => (typeof l === 'string' ? { zh: l } : l);

/** The head of a document: schema version, family, year, title and most points, in that order. */
export function documentHead(
  schemaVersion: RuleDocument['schemaVersion'],
  family: string,
  year: number,
  title: string | Label,
  maxScore: number,
): Pick<RuleDocument, 'schemaVersion' | 'family' | 'year' | 'title' | 'maxScore'> {
  return { schemaVersion, family, year, title: label(title), maxScore };
}

/** An item of `maxPoints` scored by `logic`. */
export function item(id: string, zh: string | Label, maxPoints: number, logic: Item['logic']): Item {
  return { id, label: label(zh), maxPoints, logic };
}

/** A category of `maxPoints` holding `items`. */
export function category(id: string, zh: string | Label, maxPoints: number, items: Item[]): Category {
  return { id, label: label(zh), maxPoints, items };
}

type GradeRow = [id: string, zh: string | Label, min: number];
const grade = ([id, zh, min]: GradeRow): Grade => ({ id, label: label(zh), min });

/** Grades from rows of id, label and minimum, highest first as written. */
export function grades(first: GradeRow, ...rest: GradeRow[]): RuleDocument['grades'] {
  return [grade(first), ...rest.map(grade)];
}
