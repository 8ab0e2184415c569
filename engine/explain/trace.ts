/**
 * A region's result in words: why each item got its points (the values its formula read, with
 * labels and units, the formula rendered readably, raw → clamped → points), why an adjustment
 * applied, and how the final grade came about. Built from the item traces of a run and the rule
 * document; sub-expressions are re-evaluated with the engine's own JSON-logic operations so that
 * "3 × 0.5 = 1.5" shows the figures the engine used.
 *
 * @example
 * explainItem(ctx, pm25Item, pm25Result).summary
 * // zh: '细颗粒物(PM2.5)年均浓度 37 μg/m³，…，细颗粒物(PM2.5)浓度目标 34 μg/m³：PM2.5浓度超过目标的量 3 μg/m³ × 0.5 = 1.5，扣 1.5 分'
 * // en: 'PM2.5 annual mean 37 μg/m³, …, PM2.5 target 34 μg/m³: PM2.5 above target 3 μg/m³ × 0.5 = 1.5, 1.5 deducted'
 */
import type { Input, RegionResult, RuleDocument } from '../types.ts';
import { logic, truthy } from '../logic/operations.ts';
import { argsOf, isOperation, operationOf, variablesOf } from '../logic/walk.ts';
import { renderFormula, formulaLabels, type FormulaLabel } from '../render/formula.ts';
import { roundHalfAway } from '../numeric/round.ts';
import { choiceLabel, PREV_PREFIX, prevKeyOf } from '../document/v2.ts';
import { WORDS, fmt, labelOf, valueText, type Lang, type Words } from './words.ts';

export { fmt, fmtScore, type Lang } from './words.ts';
export { adjustmentLabel, gradePath, type GradeStep } from './grade.ts';

/** One value a formula read. */
export interface Fact {
  key: string;
  label: string;
  value: unknown;
  unit?: string;
  kind: 'input' | 'derived' | 'unknown';
  /** For derived values: their formula, rendered with labels. */
  formula?: string;
  /** "label value unit". */
  text: string;
}

export interface ItemExplanation {
  /** The whole story in one sentence. */
  summary: string;
  /** The inputs read (directly or through derived values), then the derived values, in reading order. */
  facts: Fact[];
  /** The item's formula with labels. */
  formula: string;
  /** Which branch of a condition applied, in words (null for formulas without conditions). */
  branch: string | null;
  /** raw → clamped → points in words. */
  steps: string;
  /** maxPoints − points (0 for bonus items). */
  deducted: number;
}

export interface ExplainContext {
  doc: RuleDocument;
  /**
   * Inputs after defaults, last year's values as `prev.KEY` and derived values of the region (from
   * the run's trace): `explainValues(result)`.
   */
  values: Record<string, unknown>;
  lang: Lang;
}

/**
 * The values an explanation reads from a region's result: its inputs, last year's values as
 * `prev.KEY` (schema version 2) and its derived values.
 *
 * @example explainValues(result)['prev.pm25'] // 31
 */
export function explainValues(
  result: Pick<RegionResult, 'values' | 'previousValues' | 'derived'>,
): Record<string, unknown> {
  const previous = Object.fromEntries(
    Object.entries(result.previousValues ?? {}).map(([k, v]) => [`${PREV_PREFIX}${k}`, v]),
  );
  return { ...(result.values ?? {}), ...previous, ...(result.derived ?? {}) };
}

function lookup(doc: RuleDocument) {
  const inputs = new Map<string, Input>((doc.inputs ?? []).map((i) => [i.key, i]));
  const derived = new Map((doc.derived ?? []).map((d) => [d.key, d]));
  const parameters = new Map((doc.parameters ?? []).map((p) => [p.key, p]));
  return { inputs, derived, parameters };
}

/** The value of a number constant of a formula: a literal, or a parameter (schema version 2) read with `var`. */
function constantOf(x: unknown, doc: RuleDocument): number | undefined {
  if (typeof x === 'number') return x;
  if (isOperation(x) && operationOf(x) === 'var') {
    const value = lookup(doc).parameters.get(String(argsOf(x)[0]))?.value;
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** The unit a derived value inherits: the one unit of the inputs it reads, when it only adds and subtracts them. */
function derivedUnit(doc: RuleDocument, key: string, seen = new Set<string>()): string | undefined {
  const { inputs, derived } = lookup(doc);
  const d = derived.get(key);
  if (!d || seen.has(key)) return undefined;
  seen.add(key);
  const text = JSON.stringify(d.logic);
  if (/"[*/%]"|"[<>=!]=?=?"|"if"|"\?:"|"interp"|"round"/.test(text)) return undefined;
  const units = new Set<string | undefined>();
  for (const v of variablesOf(d.logic)) {
    units.add(inputs.has(v) ? inputs.get(v)!.unit : derivedUnit(doc, v, seen));
  }
  return units.size === 1 ? [...units][0] : undefined;
}

/** An input's value for people: a labelled choice by its label, else as `valueText`. */
function inputValueText(input: Input, value: unknown, w: Words, digits: number, lang: Lang): string {
  const choice = choiceLabel(input, value);
  return choice ? labelOf(choice, String(value), lang) : valueText(value, input.unit, w, digits);
}
/** Labels of the document's inputs and derived values, for rendering formulas. */
export function labelsFor(doc: RuleDocument): Record<string, FormulaLabel> {
  return formulaLabels(doc);
}

/** The values a formula reads: inputs first (also those read through derived values), then derived values. */
export function factsOf(formula: unknown, ctx: ExplainContext): Fact[] {
  const { doc, values, lang } = ctx;
  const w = WORDS[lang];
  const { inputs, derived, parameters } = lookup(doc);
  const labels = labelsFor(doc);
  const precision = doc.precision ?? 2;
  const inputFacts: Fact[] = [];
  const derivedFacts: Fact[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    // A parameter is the rule's own constant, not the region's data: its value shows where it is used.
    if (parameters.has(key)) return;
    const prevKey = prevKeyOf(key);
    const lastYear = prevKey === null ? undefined : inputs.get(prevKey);
    if (lastYear) {
      const label = labelOf(labels[key], key, lang);
      inputFacts.push({
        key,
        label,
        value: values[key],
        unit: lastYear.unit === undefined ? undefined : w.unit(lastYear.unit),
        kind: 'input',
        text: `${label} ${inputValueText(lastYear, values[key], w, precision, lang)}`,
      });
      return;
    }
    const input = inputs.get(key);
    if (input) {
      const label = labelOf(input.label, key, lang);
      inputFacts.push({
        key,
        label,
        value: values[key],
        unit: input.unit === undefined ? undefined : w.unit(input.unit),
        kind: 'input',
        text: `${label} ${inputValueText(input, values[key], w, precision, lang)}`,
      });
      return;
    }
    const d = derived.get(key);
    if (d) {
      for (const v of variablesOf(d.logic)) visit(v);
      const label = labelOf(d.label, key, lang);
      const unit = derivedUnit(doc, key);
      derivedFacts.push({
        key,
        label,
        value: values[key],
        unit: unit === undefined ? undefined : w.unit(unit),
        kind: 'derived',
        formula: renderFormula(d.logic, { lang, labels }),
        text: `${label} ${valueText(values[key], unit, w, precision)}`,
      });
      return;
    }
    inputFacts.push({
      key,
      label: key,
      value: values[key],
      kind: 'unknown',
      text: `${key} ${valueText(values[key], undefined, w, precision)}`,
    });
  };
  for (const v of variablesOf(formula)) visit(v);
  return [...inputFacts, ...derivedFacts];
}

function apply(expr: unknown, data: Record<string, unknown>): unknown {
  try {
    return logic.apply(expr as never, data);
  } catch {
    return undefined;
  }
}

/** Follows `if` chains with the region's data: the expression that was evaluated, and why. */
export function takenBranch(
  formula: unknown,
  data: Record<string, unknown>,
): { expr: unknown; held: unknown | null; tested: unknown[] } {
  let expr = formula;
  let held: unknown | null = null;
  const tested: unknown[] = [];
  for (let guard = 0; guard < 64 && isOperation(expr); guard++) {
    const op = operationOf(expr);
    if (op !== 'if' && op !== '?:') break;
    const args = argsOf(expr);
    let next: unknown = null;
    let found = false;
    for (let i = 0; i + 1 < args.length; i += 2) {
      tested.push(args[i]);
      if (truthy(apply(args[i], data))) {
        next = args[i + 1];
        held = args[i];
        found = true;
        break;
      }
    }
    if (!found) {
      held = null;
      next = args.length % 2 === 1 ? args[args.length - 1] : null;
    }
    expr = next;
  }
  return { expr, held, tested };
}

/** For `max(0, A − D)`, `clamp(A − D, 0, hi)` and `A − D` with a number A: the deduction D. */
export function deductionOf(expr: unknown): unknown | null {
  if (!isOperation(expr)) return null;
  const op = operationOf(expr);
  const args = argsOf(expr);
  const minus = (e: unknown): unknown | null => {
    if (!isOperation(e) || operationOf(e) !== '-') return null;
    const a = argsOf(e);
    return a.length === 2 && typeof a[0] === 'number' ? a[1] : null;
  };
  if (op === 'max' && args.length === 2) {
    if (args[0] === 0) return minus(args[1]);
    if (args[1] === 0) return minus(args[0]);
  }
  if (op === 'clamp' && args.length === 3 && args[1] === 0) return minus(args[0]);
  if (op === '-') return minus(expr);
  return null;
}

/** "3 μg/m³ × 0.5 = 1.5" for a deduction `k × X` (X's value, or how X came about), or "formula = 1.5". */
function deductionText(d: unknown, ctx: ExplainContext, data: Record<string, unknown>): string {
  const { doc, lang } = ctx;
  const w = WORDS[lang];
  const labels = labelsFor(doc);
  const precision = doc.precision ?? 2;
  const digits = Math.max(precision, 4);
  const total = fmt(apply(d, data), digits);
  const { inputs, derived } = lookup(doc);
  const factor = (x: unknown): string => {
    const value = apply(x, data);
    if (isOperation(x) && operationOf(x) === 'var') {
      const key = String(argsOf(x)[0]);
      if (inputs.has(key)) return valueText(value, inputs.get(key)!.unit, w, precision);
      return `${labelOf(derived.get(key)?.label, key, lang)} ${valueText(value, derivedUnit(doc, key), w, precision)}`;
    }
    return `${renderFormula(x, { lang, labels })} = ${fmt(value, digits)}${w.then}${fmt(value, digits)}`;
  };
  if (isOperation(d) && operationOf(d) === '*') {
    // A rate times a quantity: the rate is a number or a parameter, shown by its value.
    const a = argsOf(d);
    const k0 = a.length === 2 ? constantOf(a[0], doc) : undefined;
    const k1 = a.length === 2 ? constantOf(a[1], doc) : undefined;
    if (k0 !== undefined && k1 === undefined) return `${factor(a[1])} × ${fmt(k0, 6)} = ${total}`;
    if (k1 !== undefined && k0 === undefined) return `${factor(a[0])} × ${fmt(k1, 6)} = ${total}`;
  }
  if (isOperation(d) && operationOf(d) === 'var') {
    const key = String(argsOf(d)[0]);
    const label = labelOf(inputs.get(key)?.label ?? derived.get(key)?.label, key, lang);
    return inputs.has(key) ? `${label} ${factor(d)}` : factor(d);
  }
  return `${renderFormula(d, { lang, labels })} = ${total}`;
}

/** raw → clamped → points in words. */
function stepsText(
  raw: number,
  clamp: 'low' | 'high' | null,
  points: number,
  maxPoints: number | null,
  precision: number,
  w: Words,
): string {
  const parts = [w.raw(fmt(raw, 6))];
  if (clamp === 'low') parts.push(w.clampLow);
  if (clamp === 'high' && maxPoints !== null) parts.push(w.clampHigh(fmt(maxPoints, precision)));
  parts.push(w.rounded(precision, fmt(points, precision)));
  return parts.join(w.then);
}

interface ItemLike {
  id: string;
  logic: unknown;
  maxPoints?: number;
  /** Schema version 2: when the item applies. */
  applies?: unknown;
}

interface ItemOutcome {
  /** Null when the item does not apply (schema version 2). */
  points: number | null;
  raw: number | null;
  clamped: boolean;
  trace?: {
    vars: Record<string, unknown>;
    raw: number | null;
    clamp: 'low' | 'high' | null;
    points: number | null;
  };
}

/**
 * Why an item (or, without `maxPoints`, a bonus item) got its points, in words.
 * `ctx.values` should hold the region's inputs and derived values; the trace's own `vars` fill gaps.
 */
export function explainItem(ctx: ExplainContext, item: ItemLike, outcome: ItemOutcome): ItemExplanation {
  const { doc, lang } = ctx;
  const w = WORDS[lang];
  const precision = doc.precision ?? 2;
  const data = { ...(outcome.trace?.vars ?? {}), ...ctx.values };
  const c2 = { ...ctx, values: data };
  const labels = labelsFor(doc);
  const facts = factsOf(item.logic, c2);
  const formula = renderFormula(item.logic, { lang, labels });
  const isBonus = item.maxPoints === undefined;
  const max = item.maxPoints ?? 0;
  if (outcome.points === null) {
    // Not applicable: its condition and what it read, nothing deducted.
    const conditionFacts = item.applies === undefined ? [] : factsOf(item.applies, c2);
    const read = conditionFacts.map((f) => f.text).join(w.sep);
    return {
      summary: read ? `${read}${w.colon}${w.notApplicable}` : w.notApplicable,
      facts: conditionFacts,
      formula,
      branch: item.applies === undefined ? null : renderFormula(item.applies, { lang, labels }),
      steps: w.notApplicable,
      deducted: 0,
    };
  }
  const points = outcome.points;
  const raw = outcome.trace?.raw ?? outcome.raw ?? 0;
  const clamp = outcome.trace?.clamp ?? (outcome.clamped ? (raw < 0 ? 'low' : 'high') : null);
  const deducted = isBonus ? 0 : Math.max(0, roundHalfAway(max - points, precision));
  const { expr, held, tested } = takenBranch(item.logic, data);
  const condText = (c: unknown) => renderFormula(c, { lang, labels });
  const why =
    tested.length === 0
      ? null
      : held !== null
        ? w.holds(condText(held))
        : tested.length === 1
          ? w.notHolds(condText(tested[0]))
          : w.noneHolds;

  const inputsText = facts
    .filter((f) => f.kind !== 'derived')
    .map((f) => f.text)
    .join(w.sep);
  let outcomeText: string;
  if (isBonus) {
    outcomeText = points > 0 ? w.bonus(fmt(points, precision)) : w.noBonus;
  } else if (deducted === 0) {
    outcomeText = w.noDeduction;
  } else if (typeof expr === 'number' && why) {
    outcomeText = w.branchPoints(why, fmt(points, precision), fmt(deducted, precision));
  } else {
    const d = deductionOf(expr);
    if (d !== null) {
      const dValue = apply(d, data);
      const detail = deductionText(d, c2, data);
      const exact = typeof dValue === 'number' && roundHalfAway(dValue, precision) === deducted;
      outcomeText = exact
        ? `${detail}${w.sep}${w.deducted(fmt(deducted, precision))}`
        : `${detail}${w.sep}${w.exhausted(fmt(max, precision), fmt(deducted, precision))}`;
      if (held !== null) outcomeText = `${w.holds(condText(held))}${w.then}${outcomeText}`;
    } else {
      outcomeText = w.byFormula(fmt(points, precision), fmt(deducted, precision));
    }
  }
  return {
    summary: inputsText ? `${inputsText}${w.colon}${outcomeText}` : outcomeText,
    facts,
    formula,
    branch: why,
    steps: stepsText(raw, clamp, points, isBonus ? null : max, precision, w),
    deducted,
  };
}

/** Why a veto, downgrade or cap applied (or did not): its condition and the values it read. */
export function explainCondition(
  when: unknown,
  ctx: ExplainContext,
): { holds: boolean; formula: string; facts: Fact[] } {
  return {
    holds: truthy(apply(when, ctx.values)),
    formula: renderFormula(when, { lang: ctx.lang, labels: labelsFor(ctx.doc) }),
    facts: factsOf(when, ctx),
  };
}
