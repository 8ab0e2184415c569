/**
 * The shapes of a compiled document (document.ts builds them) and of a region on its way through
 * the compiled pipeline (score.ts, check.ts, result.ts).
 */
import type { Input, Label, RegionData, RegionError } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import type { CompiledLogic } from './logic.ts';
import type { VmProgram } from './vm.ts';

/** A variable a formula reads, as its trace shows it. */
export interface TraceRead {
  name: string;
  slot: number;
  /** Derived values are always set when items run (even to undefined); inputs only when given. */
  derived: boolean;
}

export interface CompiledItem {
  id: string;
  label: Label;
  /** Undefined for bonus items (no upper bound). */
  maxPoints: number | undefined;
  fn: CompiledLogic;
  /** The register of its value in the document's numeric program (vm.ts), or -1: run `fn`. */
  reg: number;
  reads: TraceRead[];
  /** Schema version 2 `applies`: its condition (null when the item always applies). */
  applies: { fn: CompiledLogic; reg: number } | null;
}

export interface CompiledCondition<T> {
  def: T;
  fn: CompiledLogic;
  /** The register of its value in the numeric program, or -1: run `fn`. */
  reg: number;
}

/** A derived value: computed by the numeric program (`reg` ≥ 0) or by `fn`. */
export interface CompiledDerived {
  key: string;
  slot: number;
  fn: CompiledLogic;
  reg: number;
  /** Whether the program holds it as 1 or 0 for a boolean. */
  boolean: boolean;
}

/** One input's check, its type as a small number for a fast switch. */
export interface InputCheck {
  key: string;
  input: Input;
  required: boolean;
  /**
   * The fast test (`accepted`): 0 number, 1 integer, 2 boolean, 3 string, each without `enum`;
   * 4 string with `enum`; 5 none (`refusal` decides).
   */
  kind: number;
  /**
   * Where the numeric program reads it — its register × the program's lanes — when it always
   * holds a number or a boolean once checked; -1 otherwise.
   */
  reg: number;
  /** `min` and `max`, or ∓Infinity when absent. */
  lo: number;
  hi: number;
  enum: unknown[] | undefined;
  /** The default, or undefined. */
  dflt: unknown;
}

export interface CompiledDocument {
  prepared: PreparedDocument;
  /** The inputs' checks, in document order (slot i is input i). */
  checks: InputCheck[];
  /** The same as flat arrays, for the common case. */
  checkArrays: { kinds: Int32Array; lows: Float64Array; highs: Float64Array; regOf: Int32Array };
  /** Slot names: the inputs in document order, then the derived values in evaluation order. */
  slotNames: string[];
  inputs: Input[];
  inputKeys: ReadonlySet<string>;
  derived: CompiledDerived[];
  /** The numeric program (vm.ts) of the formulas that qualify: derived values, then the rest. */
  program: VmProgram;
  /** Where the program's derived values end and the items, bonus items and conditions begin. */
  programSplit: number;
  categories: {
    id: string;
    label: Label;
    maxPoints: number;
    notApplicable: 'full' | 'rescale' | undefined;
    items: CompiledItem[];
  }[];
  /** Slots of last year's values (`prev.KEY`), in the order of `prepared.previous`. */
  previousSlots: number[];
  /** Their registers × lanes in the numeric program, or -1 when the program does not read them. */
  previousRegs: number[];
  bonusItems: CompiledItem[];
  downgrades: CompiledCondition<{ id: string; levels?: number }>[];
  caps: CompiledCondition<{ id: string; maxGrade: string }>[];
  vetoes: CompiledCondition<{ id: string }>[];
  /** As many undefined values as there are slots, copied for each region (see `begin`). */
  blankSlots: unknown[];
  /** The grades' minimum totals and ids, best first. */
  gradeMins: number[];
  gradeIds: string[];
  /** The items of all categories (not the bonus items). */
  itemCount: number;
  /** The grade index of each cap's `maxGrade`. */
  capGrades: number[];
  /** The key orders of the last regions' values, most recent first (see resolveInto). */
  layouts: KeyLayout[];
}

/** Where each input sits among the own keys of a data object with a given key order. */
export interface KeyLayout {
  keys: string[];
  /** Input index → position in `keys`, or -1. */
  positionOf: Int32Array;
  /** Undeclared keys, in key order. */
  undeclared: string[];
}

/** An undeclared-key warning, as the interpreted path gives it. */
export type Warning = { region: string; key: string; message: string };

/** A region on its way through the pipeline. */
export interface Pending {
  region: RegionData;
  slots: unknown[];
  warnings: Warning[];
  /** Null while it has none. */
  errors: RegionError[] | null;
}
