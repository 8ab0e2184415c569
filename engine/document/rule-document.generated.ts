/* Generated from rules/schema/rule-document.schema.json by `npm run gen:types`. Do not edit. */
import type {JsonLogic} from './json-logic.ts';

export type Name = string;
export type Scalar = number | boolean | string;
/**
 * A JSON-logic formula in the ecoscore dialect: a literal or a one-key operation object (checked by the semantic validator).
 */
export type Logic = JsonLogic;

/**
 * One year's scoring rules for one rule family (SPEC section 2). Formulas are JSON-logic in the ecoscore dialect; the semantic rules a schema cannot express are checked by engine/validate/semantic.ts.
 */
export interface RuleDocument {
  /**
   * Version of this document format.
   */
  schemaVersion: 1;
  /**
   * Stable id of the rule family across years.
   */
  family: string;
  /**
   * The year being assessed (data year).
   */
  year: number;
  title: Label;
  /**
   * The policy this document implements (free text).
   */
  basis?: string;
  maxScore: number;
  precision?: number;
  inputs: Input[];
  derived?: Derived[];
  categories: Category[];
  bonus?: Bonus;
  downgrades?: Downgrade[];
  caps?: Cap[];
  vetoes?: Veto[];
  downgradeStacking?: 'max' | 'sum';
  /**
   * @minItems 1
   */
  grades: [Grade, ...Grade[]];
  tests?: Test[];
}
export interface Label {
  zh: string;
  en?: string;
}
export interface Input {
  key: Name;
  label: Label;
  type: 'number' | 'integer' | 'boolean' | 'string';
  unit?: string;
  min?: number;
  max?: number;
  /**
   * @minItems 1
   */
  enum?: [Scalar, ...Scalar[]];
  default?: Scalar;
  required?: boolean;
  role?: 'target' | 'actual' | 'event' | 'assessment' | 'other';
  source?: 'provincial' | 'national';
}
export interface Derived {
  key: Name;
  label: Label;
  logic: Logic;
  note?: string;
}
export interface Category {
  id: Name;
  label: Label;
  maxPoints: number;
  items: Item[];
  note?: string;
}
export interface Item {
  id: Name;
  label: Label;
  maxPoints: number;
  logic: Logic;
  note?: string;
}
export interface Bonus {
  cap: number;
  items?: BonusItem[];
}
export interface BonusItem {
  id: Name;
  label: Label;
  logic: Logic;
  note?: string;
}
export interface Downgrade {
  id: Name;
  label: Label;
  when: Logic;
  levels?: number;
  note?: string;
}
export interface Cap {
  id: Name;
  label: Label;
  when: Logic;
  maxGrade: Name;
  note?: string;
}
export interface Veto {
  id: Name;
  label: Label;
  when: Logic;
  note?: string;
}
export interface Grade {
  id: Name;
  label: Label;
  min: number;
}
export interface Test {
  name: string;
  inputs: {
    [k: string]: Scalar;
  };
  expect: TestExpect;
}
export interface TestExpect {
  total?: number;
  base?: number;
  bonus?: number;
  scoreGrade?: string;
  grade?: string;
  items?: {
    [k: string]: number;
  };
  vetoes?: string[];
  downgrades?: string[];
  caps?: string[];
}
