/**
 * The engine's data shapes, shared by the server, the CLI and the editor. The rule document's own
 * types are generated from its JSON Schema (document/rule-document.generated.ts).
 */
export type {
  RuleDocument,
  Label,
  Input,
  Derived,
  Category,
  Item,
  Bonus,
  BonusItem,
  Downgrade,
  Cap,
  Veto,
  Grade,
  Test as DocumentTest,
  TestExpect,
  Scalar,
} from './document/rule-document.generated.ts';
export type { JsonLogic } from './document/json-logic.ts';

/** One validation problem: where (JSON pointer), what (stable code) and how to fix it (zh / en). */
export interface Problem {
  path: string;
  code: string;
  message: string;
}

/** A scalar value of a region's data. */
export type Value = number | boolean | string;

/** One region's data for a year: SPEC section 4's JSON data format. */
export interface RegionData {
  code: string;
  name: string;
  values: Record<string, unknown>;
}

/** A year's data for several regions. */
export interface Dataset {
  year?: number;
  regions: RegionData[];
}

/** Why an item got its points: the variables its formula reads, the raw result and the clamping. */
export interface ItemTrace {
  /** The value of every input or derived value the formula refers to (null when absent). */
  vars: Record<string, unknown>;
  /** What the formula returned, before clamping and rounding. */
  raw: number;
  /** 'low' when the raw value was raised to 0, 'high' when lowered to maxPoints, null otherwise. */
  clamp: 'low' | 'high' | null;
  /** The points after clamping and rounding. */
  points: number;
}

export interface ItemResult {
  id: string;
  label: { zh: string; en?: string };
  points: number;
  maxPoints: number;
  raw: number;
  clamped: boolean;
  trace?: ItemTrace;
  /** A manual adjustment from an accepted appeal (SPEC section 10): its points are the effective ones. */
  adjustment?: ItemAdjustment;
}

/** Points set by the decision on an appeal, kept beside the computed `points`. */
export interface ItemAdjustment {
  points: number;
  appeal: number;
  reason: string;
}

/** A veto, downgrade or cap lifted for a region by an accepted appeal. */
export interface Waiver {
  kind: 'veto' | 'downgrade' | 'cap';
  id: string;
  appeal: number;
  reason: string;
}

export interface CategoryResult {
  id: string;
  label: { zh: string; en?: string };
  points: number;
  maxPoints: number;
  items: ItemResult[];
}

export interface BonusItemResult {
  id: string;
  label: { zh: string; en?: string };
  points: number;
  raw: number;
  clamped: boolean;
  trace?: ItemTrace;
  /** A manual adjustment from an accepted appeal: its points are the effective ones. */
  adjustment?: ItemAdjustment;
}

/** The result for one region (SPEC section 3). */
export interface RegionResult {
  region: string;
  name: string;
  total: number;
  base: number;
  bonus: number;
  /** The sum of the bonus items before the cap. */
  bonusUncapped: number;
  scoreGrade: string;
  grade: string;
  rank: number;
  vetoes: string[];
  downgrades: string[];
  caps: string[];
  categories: CategoryResult[];
  bonusItems: BonusItemResult[];
  /** Inputs after defaults, and derived values: present when traces are on. */
  values?: Record<string, unknown>;
  derived?: Record<string, unknown>;
  /** Vetoes, downgrades and caps lifted by accepted appeals (absent when none). */
  waivers?: Waiver[];
  warnings: string[];
}

/** Why a region (or a test) could not be scored. */
export interface RegionError {
  region: string;
  name: string;
  /** The input key concerned, for data errors. */
  key?: string;
  /** The item id concerned, for formula errors. */
  item?: string;
  code: string;
  message: string;
  /** Where the value came from in a file (e.g. "data.csv row 5, column D"), when known. */
  location?: string;
}

/** The outcome of evaluating a document on a dataset. */
export interface Evaluation {
  rules: { family: string; year: number; hash: string };
  dataset: { year?: number; hash: string };
  results: RegionResult[];
  errors: RegionError[];
  warnings: { region?: string; key?: string; message: string }[];
}

export interface EvaluateOptions {
  /** Record a trace per item (default true). */
  trace?: boolean;
}
