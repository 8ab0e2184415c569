/**
 * The common scoring patterns of published rubrics, as formula builders the editor inserts and
 * the user fills in (variables, points, rates). Each yields plain JSON-logic of the ecoscore dialect.
 */
import type { JsonLogic } from '$engine/types.ts';

export type PatternId = 'shortfall' | 'excess' | 'ratio' | 'thresholds' | 'interp' | 'yesno';

export const PATTERN_IDS: PatternId[] = ['shortfall', 'excess', 'ratio', 'thresholds', 'interp', 'yesno'];

export interface PatternParams {
  /** The actual value (or the variable tested by thresholds / interp). */
  actual: string;
  /** The target value. */
  target: string;
  /** Full points of the item. */
  points: number;
  /** Points deducted per unit short of / over target. */
  perUnit: number;
  /** thresholds: [threshold, points] (≥ threshold gives points); interp: [x, points]. */
  rows: [number, number][];
  /** thresholds: points when no threshold is reached. */
  otherwise: number;
  /** yesno: the condition variable. */
  condition: string;
  /** yesno: full points when the condition does NOT hold (e.g. "no incident"). */
  invert: boolean;
}

/** Which parameters each pattern uses (the dialog shows only these). */
export const PATTERN_FIELDS: Record<PatternId, (keyof PatternParams)[]> = {
  shortfall: ['actual', 'target', 'points', 'perUnit'],
  excess: ['actual', 'target', 'points', 'perUnit'],
  ratio: ['actual', 'target', 'points'],
  thresholds: ['actual', 'rows', 'otherwise'],
  interp: ['actual', 'rows'],
  yesno: ['condition', 'points', 'invert'],
};

const v = (key: string): JsonLogic => ({ var: key });

/**
 * The formula of a pattern.
 * @example buildPattern('excess', { actual: 'pm25', target: 'pm25_target', points: 4, perUnit: 0.5, … })
 * // {"max": [0, {"-": [4, {"*": [0.5, {"max": [0, {"-": [{"var": "pm25"}, {"var": "pm25_target"}]}]}]}]}]}
 */
export function buildPattern(id: PatternId, p: PatternParams): JsonLogic {
  switch (id) {
    case 'shortfall':
      return {
        max: [
          0,
          { '-': [p.points, { '*': [p.perUnit, { max: [0, { '-': [v(p.target), v(p.actual)] }] }] }] },
        ],
      };
    case 'excess':
      return {
        max: [
          0,
          { '-': [p.points, { '*': [p.perUnit, { max: [0, { '-': [v(p.actual), v(p.target)] }] }] }] },
        ],
      };
    case 'ratio':
      return {
        if: [
          { '>': [v(p.target), 0] },
          { clamp: [{ '*': [p.points, { '/': [v(p.actual), v(p.target)] }] }, 0, p.points] },
          p.points,
        ],
      };
    case 'thresholds': {
      const rows = [...p.rows].sort((a, b) => b[0] - a[0]);
      const args: JsonLogic[] = [];
      for (const [threshold, points] of rows) args.push({ '>=': [v(p.actual), threshold] }, points);
      args.push(p.otherwise);
      return rows.length ? { if: args } : p.otherwise;
    }
    case 'interp': {
      const rows = [...p.rows].sort((a, b) => a[0] - b[0]);
      return { interp: [v(p.actual), rows.map(([x, y]) => [x, y])] };
    }
    case 'yesno':
      return { if: [v(p.condition), p.invert ? 0 : p.points, p.invert ? p.points : 0] };
  }
}

interface VariableLike {
  key: string;
  role?: string;
  type?: string;
}

/**
 * Sensible starting parameters for an item: its own input and that input's target when the names
 * match (`pm25` / `pm25_target`), the item's points, rows spread over the points.
 */
export function defaultParams(itemId: string, points: number, vars: VariableLike[]): PatternParams {
  const numeric = vars.filter((x) => x.type !== 'boolean' && x.type !== 'string');
  const byKey = new Map(vars.map((x) => [x.key, x]));
  const actual =
    (byKey.has(itemId) && itemId) ||
    numeric.find((x) => x.role === 'actual' && itemId.startsWith(x.key))?.key ||
    numeric.find((x) => x.role === 'actual')?.key ||
    numeric[0]?.key ||
    '';
  const target =
    [`${actual}_target`, `${actual.replace(/_rate$/, '')}_target`].find((k) => byKey.has(k)) ||
    numeric.find((x) => x.role === 'target')?.key ||
    '';
  const condition = vars.find((x) => x.type === 'boolean')?.key ?? vars[0]?.key ?? '';
  const p = Number.isFinite(points) && points > 0 ? points : 1;
  return {
    actual,
    target,
    points: p,
    perUnit: 0.5,
    rows: [
      [100, p],
      [90, round(p * 0.8)],
      [80, round(p * 0.5)],
    ],
    otherwise: 0,
    condition,
    invert: false,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
