/* Generated from rules/schema/rule-document.schema.json by `npm run gen:types`. Do not edit. */
import type {JsonLogic} from './json-logic.ts';

export type Name = string;
export type Scalar = number | boolean | string;
/**
 * Schema version 2: the source clause or 文号 this part rests on (free text).
 */
export type Basis = string;
/**
 * A JSON-logic formula in the ecoscore dialect: a literal or a one-key operation object (checked by the semantic validator).
 */
export type Logic = JsonLogic;

/**
 * One year's scoring rules for one rule family (SPEC section 2). Formulas are JSON-logic in the ecoscore dialect; the semantic rules a schema cannot express are checked by engine/validate/semantic.ts.
 */
export interface RuleDocument {
  /**
   * Version of this document format: 1 (SPEC section 2) or 2 (SPEC section 9: parameters, labelled choices, previous-year values, applicability, rubric text).
   */
  schemaVersion: 1 | 2;
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
  /**
   * Schema version 2: named constants that formulas read with var.
   */
  parameters?: Parameter[];
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
export interface Parameter {
  key: Name;
  label: Label;
  value: Scalar;
  unit?: string;
  basis?: Basis;
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
  enum?: [Scalar | Choice, ...(Scalar | Choice)[]];
  default?: Scalar;
  required?: boolean;
  role?: 'target' | 'actual' | 'event' | 'assessment' | 'other';
  source?: 'provincial' | 'national';
  /**
   * Schema version 2: formulas may read last year's value as prev.KEY.
   */
  previous?: 'required' | 'optional';
}
/**
 * Schema version 2: a labelled choice of an enum.
 */
export interface Choice {
  value: Scalar;
  label: Label;
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
  /**
   * Schema version 2: how items that do not apply are scored.
   */
  notApplicable?: 'full' | 'rescale';
}
export interface Item {
  id: Name;
  label: Label;
  maxPoints: number;
  logic: Logic;
  note?: string;
  applies?: Logic;
  basis?: Basis;
  rubric?: Rubric;
}
/**
 * Schema version 2: the printed scoring rule (计分规则) and the hash of the logic it describes.
 */
export interface Rubric {
  zh: string;
  en?: string;
  /**
   * SHA-256 of the canonical JSON (RFC 8785) of the logic the text describes.
   */
  forLogic: string;
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
  basis?: Basis;
  rubric?: Rubric;
}
export interface Downgrade {
  id: Name;
  label: Label;
  when: Logic;
  levels?: number;
  note?: string;
  basis?: Basis;
  rubric?: Rubric;
}
export interface Cap {
  id: Name;
  label: Label;
  when: Logic;
  maxGrade: Name;
  note?: string;
  basis?: Basis;
  rubric?: Rubric;
}
export interface Veto {
  id: Name;
  label: Label;
  when: Logic;
  note?: string;
  basis?: Basis;
  rubric?: Rubric;
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
  /**
   * Schema version 2: last year's values of the inputs that declare `previous`.
   */
  previous?: {
    [k: string]: Scalar;
  };
}
export interface TestExpect {
  total?: number;
  base?: number;
  bonus?: number;
  scoreGrade?: string;
  grade?: string;
  /**
   * Points by item id; null for an item that does not apply (schema version 2).
   */
  items?: {
    [k: string]: number | null;
  };
  vetoes?: string[];
  downgrades?: string[];
  caps?: string[];
}
