/**
 * Variants of a document's item points (`maxPoints`) for the sensitivity analysis: each item by
 * ±k points or ±p %, N random draws that keep every category's sum, or a grid given by the user.
 * Modes are checked first; their problems are `{ path, code, message }` like every other problem.
 */
import type { Label, Problem, RuleDocument } from '../types.ts';
import { fastRoundHalfAway } from '../compile/round.ts';
import { mulberry32 } from './prng.ts';

/** How items' points are rebalanced when one item moves (`points` and `percent` modes). */
export type Rebalance = 'none' | 'category';

export type SensitivityMode =
  /** Each item in turn by +k and by −k points (never below 0). */
  | { kind: 'points'; k: number; rebalance?: Rebalance }
  /** Each item in turn by +p % and by −p % of its points. */
  | { kind: 'percent'; p: number; rebalance?: Rebalance }
  /** n draws, each item by a uniform factor in [1 − p %, 1 + p %], rescaled to keep every category's sum. */
  | { kind: 'random'; n: number; seed: number; p: number }
  /** Variants given one by one: the new points of some items, by item id. */
  | { kind: 'grid'; variants: GridVariant[] };

export interface GridVariant {
  label?: string;
  maxPoints: Record<string, number>;
}

/** The most variants one analysis runs. */
export const MAX_VARIANTS = 100_000;

/** An item of the document, in document order (categories, then items). */
export interface ItemSlot {
  id: string;
  label: Label;
  category: string;
  categoryIndex: number;
  maxPoints: number;
}

export interface Variant {
  label: string;
  /** The points of every item (ItemSlot order). */
  maxPoints: Float64Array;
  /** Indexes of the items whose points differ from the document's. */
  changed: number[];
  /** The item the variant is about, when it moves one item (the others only rebalance it). */
  primary?: number;
}

/** The document's items, flattened. */
export function itemSlots(doc: RuleDocument): ItemSlot[] {
  return doc.categories.flatMap((c, ci) =>
    c.items.map((it) => ({
      id: it.id,
      label: it.label,
      category: c.id,
      categoryIndex: ci,
      maxPoints: it.maxPoints,
    })),
  );
}

function problem(path: string, code: string, zh: string, en: string): Problem {
  return { path, code, message: `${zh} / ${en}` };
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Every problem of a mode for a document (empty when it can run). */
export function checkSensitivityMode(mode: unknown, doc: RuleDocument): Problem[] {
  const out: Problem[] = [];
  const m = mode as Record<string, unknown> | null;
  if (!m || typeof m !== 'object' || Array.isArray(m)) {
    out.push(problem('/mode', 'invalid_mode', '扰动方式必须是对象。', 'The mode must be an object.'));
    return out;
  }
  const positive = (key: string, max: number) => {
    const v = m[key];
    if (!finite(v) || v <= 0 || v > max)
      out.push(
        problem(
          `/mode/${key}`,
          'invalid_mode',
          `${key} 必须是大于 0、不超过 ${max} 的数。`,
          `${key} must be a number above 0 and at most ${max}.`,
        ),
      );
  };
  const rebalance = () => {
    if (m.rebalance !== undefined && m.rebalance !== 'none' && m.rebalance !== 'category')
      out.push(
        problem(
          '/mode/rebalance',
          'invalid_mode',
          'rebalance 只能是 "none" 或 "category"。',
          'rebalance must be "none" or "category".',
        ),
      );
  };
  switch (m.kind) {
    case 'points':
      positive('k', doc.maxScore);
      rebalance();
      break;
    case 'percent':
      positive('p', 100);
      rebalance();
      break;
    case 'random':
      positive('p', 100);
      if (!Number.isInteger(m.n) || (m.n as number) < 1 || (m.n as number) > MAX_VARIANTS)
        out.push(
          problem(
            '/mode/n',
            'invalid_mode',
            `n（随机抽样次数）必须是 1 到 ${MAX_VARIANTS} 之间的整数。`,
            `n (the number of draws) must be an integer from 1 to ${MAX_VARIANTS}.`,
          ),
        );
      if (!Number.isInteger(m.seed))
        out.push(
          problem('/mode/seed', 'invalid_mode', 'seed（随机种子）必须是整数。', 'seed must be an integer.'),
        );
      break;
    case 'grid': {
      const variants = m.variants;
      if (!Array.isArray(variants) || variants.length < 1 || variants.length > MAX_VARIANTS) {
        out.push(
          problem(
            '/mode/variants',
            'invalid_mode',
            `variants 必须是 1 到 ${MAX_VARIANTS} 个方案的列表。`,
            `variants must be a list of 1 to ${MAX_VARIANTS} variants.`,
          ),
        );
        break;
      }
      const ids = new Set(itemSlots(doc).map((s) => s.id));
      variants.forEach((v: unknown, i) => {
        const at = `/mode/variants/${i}`;
        const points = (v as GridVariant | null)?.maxPoints;
        if (!points || typeof points !== 'object' || Array.isArray(points)) {
          out.push(
            problem(
              `${at}/maxPoints`,
              'invalid_mode',
              '每个方案需要 maxPoints 对象（考核项 id → 分值）。',
              'Each variant needs a maxPoints object (item id → points).',
            ),
          );
          return;
        }
        const label = (v as GridVariant).label;
        if (label !== undefined && typeof label !== 'string')
          out.push(problem(`${at}/label`, 'invalid_mode', 'label 必须是文本。', 'label must be a string.'));
        for (const [id, x] of Object.entries(points)) {
          const path = `${at}/maxPoints/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          if (!ids.has(id))
            out.push(
              problem(
                path,
                'unknown_item',
                `没有 id 为 "${id}" 的考核项。`,
                `There is no item with id "${id}".`,
              ),
            );
          else if (!finite(x) || x < 0)
            out.push(
              problem(
                path,
                'invalid_points',
                `"${id}" 的分值必须是不小于 0 的数。`,
                `The points of "${id}" must be a number ≥ 0.`,
              ),
            );
        }
      });
      break;
    }
    default:
      out.push(
        problem(
          '/mode/kind',
          'invalid_mode',
          'kind 必须是 "points"、"percent"、"random" 或 "grid"。',
          'kind must be "points", "percent", "random" or "grid".',
        ),
      );
  }
  return out;
}

/** The number of variants a (checked) mode gives. */
export function variantCount(mode: SensitivityMode, items: ItemSlot[], precision: number): number {
  if (mode.kind === 'random') return mode.n;
  if (mode.kind === 'grid') return mode.variants.length;
  let n = 0;
  for (const _ of variantsOf(mode, items, precision)) n++;
  return n;
}

const round = (x: number, digits: number) => {
  const r = fastRoundHalfAway(x, digits);
  return r === 0 ? 0 : r;
};

/**
 * Rescales the items `members` of one category so that they sum to `target`: each proportional to
 * `weights`, rounded to `precision`, the rounding residue put on the largest.
 */
function rescale(
  out: Float64Array,
  members: number[],
  weights: Float64Array,
  target: number,
  precision: number,
): void {
  let sum = 0;
  for (const i of members) sum += weights[i];
  if (!(sum > 0)) return;
  let total = 0;
  let largest = members[0];
  for (const i of members) {
    out[i] = round((weights[i] * target) / sum, precision);
    total += out[i];
    if (out[i] > out[largest]) largest = i;
  }
  const residue = round(target - total, precision);
  if (residue !== 0 && out[largest] + residue >= 0) out[largest] = round(out[largest] + residue, precision);
}

function changedOf(points: Float64Array, items: ItemSlot[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) if (points[i] !== items[i].maxPoints) out.push(i);
  return out;
}

/** Item indexes by category index. */
function membersByCategory(items: ItemSlot[]): number[][] {
  const out: number[][] = [];
  items.forEach((it, i) => (out[it.categoryIndex] ??= []).push(i));
  return out;
}

/**
 * The variants of a checked mode, one at a time.
 *
 * `points` and `percent` move one item at a time (by +k and −k points, or by ±p %, rounded to the
 * document's precision, never below 0); with `rebalance: 'category'` the other items of its
 * category are rescaled in proportion so that the category keeps its sum (items alone in their
 * category are then left out). `random` draws every item's points independently, then rescales
 * each category back to its sum. `grid` gives the points it lists, the others unchanged.
 */
export function* variantsOf(mode: SensitivityMode, items: ItemSlot[], precision: number): Generator<Variant> {
  const original = Float64Array.from(items, (it) => it.maxPoints);
  const members = membersByCategory(items);
  if (mode.kind === 'points' || mode.kind === 'percent') {
    const rebalance = mode.rebalance === 'category';
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      const group = members[it.categoryIndex];
      if (rebalance && group.length < 2) continue;
      const catMax = group.reduce((s, j) => s + original[j], 0);
      for (const sign of [1, -1]) {
        const step = mode.kind === 'points' ? mode.k : (it.maxPoints * mode.p) / 100;
        const next = Math.max(0, round(it.maxPoints + sign * step, precision));
        if (next === it.maxPoints) continue;
        const points = Float64Array.from(original);
        points[i] = next;
        if (rebalance) {
          if (next > catMax) continue;
          const others = group.filter((j) => j !== i);
          rescale(points, others, original, round(catMax - next, precision), precision);
        }
        const amount = mode.kind === 'points' ? `${mode.k}` : `${mode.p}%`;
        yield {
          label: `${it.id} ${sign > 0 ? '+' : '−'}${amount}`,
          maxPoints: points,
          changed: changedOf(points, items),
          primary: i,
        };
      }
    }
    return;
  }
  if (mode.kind === 'random') {
    const next = mulberry32(mode.seed);
    const spread = mode.p / 100;
    const weights = new Float64Array(items.length);
    for (let v = 0; v < mode.n; v++) {
      for (let i = 0; i < items.length; i++) weights[i] = original[i] * (1 + spread * (2 * next() - 1));
      const points = Float64Array.from(original);
      for (let c = 0; c < members.length; c++) {
        const group = members[c];
        if (!group || group.length < 2) continue;
        let catMax = 0;
        for (const j of group) catMax += original[j];
        rescale(points, group, weights, round(catMax, precision), precision);
      }
      yield { label: `#${v + 1}`, maxPoints: points, changed: changedOf(points, items) };
    }
    return;
  }
  const index = new Map(items.map((it, i) => [it.id, i]));
  for (let v = 0; v < mode.variants.length; v++) {
    const spec = mode.variants[v];
    const points = Float64Array.from(original);
    for (const [id, x] of Object.entries(spec.maxPoints)) points[index.get(id)!] = x;
    const changed = changedOf(points, items);
    yield {
      label: spec.label ?? `#${v + 1}`,
      maxPoints: points,
      changed,
      ...(changed.length === 1 ? { primary: changed[0] } : {}),
    };
  }
}
