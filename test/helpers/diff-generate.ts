/** Random rule documents and datasets for the differential tests (test/reference/). */
import fc from 'fast-check';
import type { Dataset, RuleDocument } from '../../engine/index.ts';

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

export type G = fc.GeneratorValue;
export type Json = unknown;

/** Small helpers over fast-check's in-test generator (smaller choices shrink to simpler documents). */
export function helpers(g: G) {
  const int = (min: number, max: number) => g(fc.integer, { min, max });
  const chance = (percent: number) => int(0, 99) < percent;
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return { int, chance, pick };
}
export type H = ReturnType<typeof helpers>;

/** A decimal with up to `decimals` decimals, in [lo, hi] roughly. */
export function decimal(h: H, lo: number, hi: number, decimals: number): number {
  const scale = 10 ** decimals;
  const a = Math.ceil(lo * scale);
  const b = Math.max(a, Math.floor(hi * scale));
  return Number((h.int(a, b) / scale).toFixed(decimals));
}

/** A value at a rounding edge for `precision`: x.xx5 (as written, its shortest form ends in 5). */
export function roundingEdge(h: H, lo: number, hi: number, precision: number): number {
  const whole = h.int(Math.ceil(lo), Math.max(Math.ceil(lo), Math.floor(hi) - 1));
  const frac = precision === 0 ? '' : String(h.int(0, 10 ** precision - 1)).padStart(precision, '0');
  return Number(`${whole}.${frac}5`);
}

export interface InputSpec {
  key: string;
  type: 'number' | 'integer' | 'boolean' | 'string';
  min?: number;
  max?: number;
  enum?: (string | number)[];
  default?: number | boolean | string;
  required?: boolean;
}

export interface Ctx {
  h: H;
  precision: number;
  numeric: string[]; // numeric names (inputs and derived values) a formula may read
  optionalNumeric: string[]; // numeric inputs that may be absent
  booleans: string[];
  strings: InputSpec[];
  optionalAny: string[];
  depth: number;
}

export function literal(c: Ctx): number {
  const { h } = c;
  switch (h.int(0, 5)) {
    case 0:
      return 0;
    case 1:
      return h.int(-3, 10);
    case 2:
      return decimal(h, -5, 20, h.int(1, 4));
    case 3:
      return roundingEdge(h, 0, 10, c.precision);
    case 4:
      return h.pick([0.1, 0.2, 0.3, 0.5, 1.005, 2.675, 0.015, 1.45]);
    default:
      return decimal(h, 0, 100, 2);
  }
}

export function numVar(c: Ctx): Json {
  const { h } = c;
  if (c.optionalNumeric.length > 0 && h.chance(25)) {
    const key = h.pick(c.optionalNumeric);
    return h.chance(70) ? { var: [key, h.pick([0, 1, 2.5])] } : { var: key };
  }
  if (h.chance(3) && c.booleans.length + c.strings.length > 0) {
    return { var: h.pick([...c.booleans, ...c.strings.map((s) => s.key)]) }; // json-logic coercions
  }
  if (c.numeric.length === 0) return literal(c);
  const key = h.pick(c.numeric);
  return h.chance(10) ? { var: [key] } : { var: key };
}

export function sub(c: Ctx): Ctx {
  return { ...c, depth: c.depth - 1 };
}

export function numExpr(c: Ctx): Json {
  const { h } = c;
  if (c.depth <= 0 || h.chance(35)) return h.chance(65) ? numVar(c) : literal(c);
  const s = sub(c);
  switch (h.int(0, 15)) {
    case 0:
      return { '+': h.chance(70) ? [numExpr(s), numExpr(s)] : [numExpr(s), numExpr(s), numExpr(s)] };
    case 1:
      return { '-': h.chance(85) ? [numExpr(s), numExpr(s)] : [numExpr(s)] };
    case 2:
      return { '*': h.chance(90) ? [numExpr(s), numExpr(s)] : [numExpr(s)] };
    case 3:
      return { '/': [numExpr(s), h.chance(20) ? 0 : numExpr(s)] };
    case 4:
      return { max: h.chance(70) ? [numExpr(s), numExpr(s)] : [numExpr(s), numExpr(s), numExpr(s)] };
    case 5:
      return { min: [numExpr(s), numExpr(s)] };
    case 6:
      return { [h.chance(80) ? 'if' : '?:']: [cond(s), numExpr(s), numExpr(s)] };
    case 7:
      return h.chance(85)
        ? { if: [cond(s), numExpr(s), cond(s), numExpr(s), numExpr(s)] }
        : { if: [cond(s), numExpr(s)] }; // no else: null when the condition is false
    case 8:
    case 9:
      return h.chance(95) ? { round: [numExpr(s), h.int(0, 4)] } : { round: [numExpr(s)] };
    case 10:
    case 11: {
      const lo = literal(c);
      return { clamp: [numExpr(s), lo, lo + Math.abs(literal(c))] };
    }
    case 12:
    case 13:
      return { interp: [numExpr(s), points(c)] };
    case 14:
      return { '%': [numExpr(s), h.chance(80) ? h.int(1, 7) : numExpr(s)] };
    default:
      return { '-': [numExpr(s), { '*': [decimal(h, 0, 2, 2), numExpr(s)] }] };
  }
}

export function points(c: Ctx, yMax?: number): [number, number][] {
  const { h } = c;
  const n = h.int(2, 4);
  const xs: number[] = [];
  let x = decimal(h, -10, 50, h.int(0, 2));
  for (let i = 0; i < n; i++) {
    xs.push(x);
    x = Number((x + decimal(h, 0.1, 30, h.int(0, 2))).toFixed(2));
  }
  let ys = xs.map(() => decimal(h, -2, 12, h.int(0, 3)));
  if (yMax !== undefined) {
    // a scoring scale from 0 to maxPoints, rising or falling
    ys = ys.map((y, i) => (i === 0 ? 0 : i === n - 1 ? yMax : Math.min(yMax, Math.abs(y))));
    if (h.chance(50)) ys.reverse();
  }
  return xs.map((px, i) => [px, ys[i]]);
}

export function cond(c: Ctx): Json {
  const { h } = c;
  const s = sub(c);
  const r = h.int(0, c.depth <= 0 ? 5 : 11);
  switch (r) {
    case 0:
    case 1:
      return c.booleans.length > 0 ? { var: h.pick(c.booleans) } : { '>': [numVar(c), literal(c)] };
    case 2:
    case 3:
      return { [h.pick(['>', '>=', '<', '<='])]: [numVar(c), literal(c)] };
    case 4:
      if (c.strings.length > 0) {
        const sIn = h.pick(c.strings);
        const vals = sIn.enum ?? ['a', 'b', 'c'];
        return h.chance(60)
          ? { [h.pick(['==', '===', '!=', '!=='])]: [{ var: sIn.key }, h.pick(vals)] }
          : { in: [{ var: sIn.key }, vals.slice(0, h.int(1, vals.length))] };
      }
      return { '==': [numVar(c), literal(c)] };
    case 5:
      if (c.optionalAny.length > 0) {
        const k = h.pick(c.optionalAny);
        return h.chance(50) ? { '!': { missing: [k] } } : { missing: k };
      }
      return { '!!': numVar(c) };
    case 6:
      return { [h.pick(['>', '>=', '<', '<=', '==', '!=', '===', '!=='])]: [numExpr(s), numExpr(s)] };
    case 7:
      return { '<': [literal(c), numExpr(s), literal(c) + 50] };
    case 8:
      return { '!': cond(s) };
    case 9:
      return { '!!': numExpr(s) };
    case 10:
      return { and: [cond(s), cond(s)] };
    default:
      return { or: [cond(s), cond(s)] };
  }
}

/** Formulas that yield something other than a number (or a number only through coercion). */
export function oddLogic(c: Ctx): Json {
  const { h } = c;
  const any = [...c.booleans, ...c.strings.map((s) => s.key), ...c.optionalAny];
  const v = any.length > 0 ? { var: h.pick(any) } : numVar(c);
  switch (h.int(0, 6)) {
    case 0:
      return v;
    case 1:
      return { '*': [v] };
    case 2:
      return { '+': [v] };
    case 3:
      return { if: [cond(c), true, 0] };
    case 4:
      return { cat: [h.int(0, 9), h.pick(['', '.5', 'x'])] };
    case 5:
      return { min: [v, 5] };
    default:
      return { and: [cond(c), numExpr(c)] };
  }
}

export function itemLogic(c: Ctx, maxPoints: number): Json {
  const { h } = c;
  if (h.chance(5)) return oddLogic(c);
  switch (h.int(0, 9)) {
    case 0:
      return numVar(c); // direct: rounding edges of the data show through
    case 1:
      return { max: [0, { '-': [maxPoints, { '*': [decimal(h, 0, 2, 2), numExpr(c)] }] }] };
    case 2:
      return { '*': [maxPoints, { '/': [numVar(c), numVar(c)] }] };
    case 3:
      return { interp: [numExpr(c), points(c, maxPoints)] };
    case 4:
      return { if: [cond(c), maxPoints, h.chance(50) ? 0 : numExpr(c)] };
    case 5:
      return { '*': [numVar(c), h.pick([0.5, 0.1, 0.15, 1.1, 3])] };
    case 6:
      return { '+': [numVar(c), h.pick([0.1, 0.2, 0.005, -0.005])] };
    case 7:
      return literal(c);
    default:
      return numExpr(c);
  }
}

/** Parts of `total` (an integer count of units) split into `n` positive-ish integer parts. */
export function split(h: H, n: number, total: number): number[] {
  const parts: number[] = [];
  let left = total;
  for (let i = 0; i < n - 1; i++) {
    const p = h.int(0, left);
    parts.push(p);
    left -= p;
  }
  parts.push(left);
  return parts;
}

export const label = (zh: string) => ({ zh });

export function genDocument(g: G): RuleDocument {
  const h = helpers(g);
  const precision = h.chance(90) ? h.int(0, 4) : h.int(5, 6);

  // Inputs
  const inputs: InputSpec[] = [];
  const nInputs = h.int(1, 7);
  for (let i = 0; i < nInputs; i++) {
    const type =
      i === 0 ? 'number' : h.pick(['number', 'number', 'integer', 'boolean', 'boolean', 'string'] as const);
    const inp: InputSpec = { key: `${type[0]}${i}`, type };
    if (type === 'number') {
      if (h.chance(40)) inp.min = h.pick([0, -10, 1]);
      if (h.chance(30)) inp.max = h.pick([100, 50.5, 1000]);
      if (h.chance(25)) inp.default = h.pick([inp.min ?? 0, 1.5, 10]);
      else if (h.chance(25)) inp.required = false;
      if (h.chance(5)) inp.enum = [1, 2, 3.5, 10];
      if (inp.enum && inp.default !== undefined) inp.default = 2;
    } else if (type === 'integer') {
      if (h.chance(60)) inp.min = 0;
      if (h.chance(50)) inp.max = h.int(3, 20);
      if (h.chance(30)) inp.default = 1;
      else if (h.chance(25)) inp.required = false;
    } else if (type === 'boolean') {
      if (h.chance(70)) inp.default = false;
      else if (h.chance(40)) inp.required = false;
    } else {
      if (h.chance(80)) inp.enum = ['a', 'b', 'c'].slice(0, h.int(1, 3));
      if (h.chance(30)) inp.default = 'a';
      else if (h.chance(40)) inp.required = false;
    }
    if (h.chance(10) && inp.required === undefined && inp.default !== undefined) inp.required = h.chance(50);
    inputs.push(inp);
  }
  const numericInputs = inputs.filter((i) => i.type === 'number' || i.type === 'integer');
  const ctx: Ctx = {
    h,
    precision,
    numeric: numericInputs.filter((i) => i.default !== undefined || i.required !== false).map((i) => i.key),
    optionalNumeric: numericInputs
      .filter((i) => i.default === undefined && i.required === false)
      .map((i) => i.key),
    booleans: inputs.filter((i) => i.type === 'boolean').map((i) => i.key),
    strings: inputs.filter((i) => i.type === 'string'),
    optionalAny: inputs.filter((i) => i.default === undefined && i.required === false).map((i) => i.key),
    depth: 3,
  };

  // Derived values chaining, listed in a shuffled order
  const derived: { key: string; label: { zh: string }; logic: Json }[] = [];
  const nDerived = h.int(0, 3);
  for (let i = 0; i < nDerived; i++) {
    if (h.chance(20)) {
      derived.push({ key: `d${i}`, label: label(`派生${i}`), logic: cond({ ...ctx, depth: 2 }) });
      ctx.booleans = [...ctx.booleans, `d${i}`];
    } else {
      derived.push({ key: `d${i}`, label: label(`派生${i}`), logic: numExpr({ ...ctx, depth: 2 }) });
      ctx.numeric = [...ctx.numeric, `d${i}`];
    }
  }
  for (let i = derived.length - 1; i > 0; i--) {
    const j = h.int(0, i);
    [derived[i], derived[j]] = [derived[j], derived[i]];
  }

  // Categories and items: maxPoints in units of 1, 0.5 or 0.1 so that the sums are exact decimals
  const unitDecimals = h.pick([0, 0, 1]);
  const unit = h.pick(unitDecimals === 0 ? [1, 0.5] : [0.1]);
  const toPoints = (units: number) =>
    unit === 0.1 ? Number((units / 10).toFixed(1)) : unit === 0.5 ? units / 2 : units;
  const nCats = h.int(1, 3);
  const categories = [];
  let totalUnits = 0;
  let itemNo = 0;
  for (let ci = 0; ci < nCats; ci++) {
    const nItems = h.chance(4) ? 0 : h.int(1, 3);
    const units = Array.from({ length: nItems }, () => (h.chance(5) ? 0 : h.int(1, 30)));
    if (ci === nCats - 1 && totalUnits + units.reduce((a, b) => a + b, 0) === 0) units.push(1); // maxScore > 0
    const catUnits = units.reduce((a, b) => a + b, 0);
    totalUnits += catUnits;
    categories.push({
      id: `c${ci}`,
      label: label(`类${ci}`),
      maxPoints: toPoints(catUnits),
      items: units.map((u) => {
        const maxPoints = toPoints(u);
        return { id: `i${itemNo++}`, label: label(`项`), maxPoints, logic: itemLogic(ctx, maxPoints) };
      }),
    });
  }
  const maxScore = toPoints(totalUnits);

  const doc: Record<string, unknown> = {
    schemaVersion: 1,
    family: 'diff-test',
    year: 2024,
    title: label('差分测试'),
    maxScore,
    inputs: inputs.map((i) => ({ ...i, label: label(i.key) })),
  };
  if (precision !== 2 || h.chance(50)) doc.precision = precision;
  if (derived.length > 0 || h.chance(20)) doc.derived = derived;
  doc.categories = categories;

  if (h.chance(60)) {
    const cap = h.chance(85) ? h.pick([0, 1, 2.5, 3, 5]) : decimal(h, 0, 6, precision + h.int(0, 1));
    const nb = h.int(0, 3);
    const items = Array.from({ length: nb }, (_, i) => ({
      id: `bonus${i}`,
      label: label('加分'),
      logic: h.chance(40)
        ? { if: [cond(ctx), h.pick([1, 2, 0.5, 1.005, 2.675]), 0] }
        : h.chance(50)
          ? numVar(ctx)
          : numExpr({ ...ctx, depth: 2 }),
    }));
    doc.bonus = h.chance(90) || nb > 0 ? { cap, items } : { cap };
  }

  // Grades: 2–5, min strictly decreasing, last 0
  let nGrades = h.int(2, 5);
  const mins = new Set<number>();
  for (let tries = 0; mins.size < nGrades - 1 && tries < 50; tries++) {
    const m = h.chance(70)
      ? h.int(1, Math.max(1, Math.floor(maxScore)))
      : decimal(h, 0, maxScore, precision + h.int(0, 1));
    if (m > 0 && m <= maxScore) mins.add(m);
  }
  if (mins.size === 0) mins.add(maxScore);
  nGrades = mins.size + 1;
  if (h.chance(3)) nGrades = 1;
  const gradeIds = ['excellent', 'good', 'qualified', 'weak', 'unqualified'].slice(5 - nGrades);
  const sortedMins = [...mins].sort((a, b) => b - a);
  const grades = gradeIds.map((id, i) => ({
    id,
    label: label(id),
    min: i === nGrades - 1 ? 0 : sortedMins[i],
  }));

  if (h.chance(60)) {
    doc.downgrades = Array.from({ length: h.int(0, 3) }, (_, i) => {
      const d: Record<string, unknown> = { id: `dg${i}`, label: label('降档'), when: cond(ctx) };
      if (h.chance(60)) d.levels = h.int(1, 3);
      return d;
    });
  }
  if (h.chance(50)) {
    doc.caps = Array.from({ length: h.int(0, 2) }, (_, i) => ({
      id: `cap${i}`,
      label: label('上限'),
      when: cond(ctx),
      maxGrade: h.pick(gradeIds),
    }));
  }
  if (h.chance(40)) {
    doc.vetoes = Array.from({ length: h.int(0, 2) }, (_, i) => ({
      id: `veto${i}`,
      label: label('否决'),
      when: ctx.booleans.length > 0 && h.chance(60) ? { var: h.pick(ctx.booleans) } : cond(ctx),
    }));
  }
  if (h.chance(50)) doc.downgradeStacking = h.pick(['max', 'sum']);
  doc.grades = grades;
  return doc as unknown as RuleDocument;
}

export function genValue(h: H, inp: InputSpec, precision: number): unknown {
  const r = h.int(0, 99);
  // wrong type, out of range
  if (r < 3) {
    switch (inp.type) {
      case 'number':
        return h.pick(['12.5', true, '']);
      case 'integer':
        return h.pick([2.5, '3', 0.1 + 0.2]);
      case 'boolean':
        return h.pick([1, 0, 'true', '是']);
      case 'string':
        return h.pick([5, true]);
    }
  }
  if (r < 6) {
    if (inp.enum) return inp.type === 'string' ? 'zz' : 4;
    if (inp.min !== undefined && h.chance(50)) return inp.min - h.pick([1, 0.001]);
    if (inp.max !== undefined) return inp.max + h.pick([1, 0.001]);
  }
  switch (inp.type) {
    case 'boolean':
      return h.chance(35);
    case 'string':
      return h.pick(inp.enum ?? ['a', 'b', 'c', 'x']);
    case 'integer': {
      const lo = inp.min ?? -5;
      const hi = inp.max ?? 30;
      return h.chance(15) ? h.pick([lo, hi]) : h.int(lo, hi);
    }
    case 'number': {
      if (inp.enum) return h.pick(inp.enum);
      const lo = inp.min ?? -20;
      const hi = inp.max ?? 120;
      switch (h.int(0, 6)) {
        case 0:
          return h.int(Math.ceil(lo), Math.floor(hi));
        case 1:
          return decimal(h, lo, hi, h.int(1, 8));
        case 2:
        case 3:
          return roundingEdge(h, Math.max(lo, 0), Math.min(hi, 40), precision);
        case 4:
          return g_double(h, lo, hi);
        case 5:
          return h.pick(
            [lo, hi, 0, 5e-7, 1.5e-7, 0.0000045, 0.000015, 12345.1234565].filter((v) => v >= lo && v <= hi),
          );
        default:
          return decimal(h, Math.max(lo, 0), Math.min(hi, 10), 3);
      }
    }
  }
}

/** A "many decimals" double in [lo, hi]. */
export function g_double(h: H, lo: number, hi: number): number {
  const v = lo + ((hi - lo) * h.int(0, 2 ** 30)) / 2 ** 30 + h.int(0, 999) * 1e-13;
  return Math.min(hi, Math.max(lo, v));
}

export function genDataset(g: G, doc: RuleDocument): Dataset {
  const h = helpers(g);
  const inputs = doc.inputs as unknown as InputSpec[];
  const precision = doc.precision ?? 2;
  const n = h.chance(88) ? h.int(1, 6) : h.int(7, 40); // larger runs: the compiled pipeline works in groups
  const regions: Dataset['regions'] = [];
  for (let i = 0; i < n; i++) {
    let values: Record<string, unknown> = {};
    if (i > 0 && h.chance(20)) {
      values = { ...regions[h.int(0, i - 1)].values }; // a tie, probably
    } else {
      for (const inp of inputs) {
        const optional = inp.default !== undefined || inp.required === false;
        if (h.chance(optional ? 30 : 2)) {
          if (h.chance(10)) values[inp.key] = null; // our reading: null is a missing value
          continue; // missing
        }
        values[inp.key] = genValue(h, inp, precision);
      }
      if (h.chance(10)) values[h.pick(['zz_extra', 'note', 'p0'])] = h.pick([1, 'x', true]);
    }
    regions.push({ code: `R${i + 1}`, name: `地区${i + 1}`, values });
  }
  return { year: 2024, regions };
}

export const caseArb = fc.gen().map((g) => {
  const document = genDocument(g);
  const data = genDataset(g, document);
  return { document, data };
});

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------
