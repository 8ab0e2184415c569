/**
 * The engine's work budgets: documented constants, each checked BEFORE the work it bounds, so a
 * hostile document or data set gets a clear error instead of exhausting memory or time.
 * README.md ("Limits") lists them with the figures measured at the largest allowed sizes.
 *
 * The document-shape limits (size, inputs, items, formula depth) live with the semantic
 * validator (`LIMITS` in validate/semantic.ts); these bound what evaluation may produce.
 */

/**
 * The longest string a formula may produce with `cat` or `substr` (65,536 UTF-16 code units,
 * 64 Ki characters). Checked from the operands' lengths before the string is built; beyond it the
 * formula fails, which is an error for that region (`formula_error`), never a crash. Both
 * evaluation paths (interpreted and compiled) use the same check and message.
 */
export const MAX_STRING_LENGTH = 64 * 1024;

/**
 * The most formula evaluations one evaluation request may ask for: (derived values + items +
 * bonus items + downgrade, cap and veto conditions) × regions. The 2025 sample (about 45
 * formulas) over 3,000 regions is 135,000; 2,000 items fit over 125 regions. At this bound the
 * answer with traces is about 45 MB (README, "Limits").
 */
export const MAX_EVALUATION_CELLS = 250_000;

/**
 * The most item evaluations one sensitivity analysis may ask for: variants × regions × items.
 * 10,000 variants × 3,000 regions × 30 items is 900 million: the integer re-aggregation
 * (engine/sensitivity) re-adds only the perturbed items, about 10 s of CPU on this project's machine.
 */
export const MAX_SENSITIVITY_CELLS = 1_000_000_000;

/** Thrown when a request's work would exceed a budget; `limit` names it, `status` is 422. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  readonly status = 422;
  readonly code = 'budget_exceeded';
  readonly problems: { path: string; code: string; message: string }[];
  constructor(
    readonly limit: string,
    readonly max: number,
    readonly actual: number,
    path: string,
    zh: string,
    en: string,
  ) {
    super(`${zh} / ${en}`);
    this.problems = [{ path, code: 'budget_exceeded', message: `${zh} / ${en}` }];
  }
}

/**
 * The length `String(v)` would have, as json-logic-js's `cat` and `substr` convert operands
 * (arrays joined with ",", null and undefined inside arrays as ""), computed without building it;
 * stops counting once past `budget` (returns a value > budget).
 */
export function stringLength(v: unknown, budget: number = MAX_STRING_LENGTH): number {
  if (typeof v === 'string') return v.length;
  if (v === null || v === undefined) return 4; // "null"/"undefined" at most; callers treat top level
  if (Array.isArray(v)) {
    let n = Math.max(0, v.length - 1);
    for (let i = 0; i < v.length && n <= budget; i++) {
      const e = v[i];
      if (e !== null && e !== undefined) n += stringLength(e, budget - n);
    }
    return n;
  }
  if (typeof v === 'object') return String(v).length <= budget ? String(v).length : budget + 1;
  return String(v).length;
}

/** The error `cat`/`substr` throw when their result would be longer than MAX_STRING_LENGTH. */
export function stringTooLong(length: number): Error {
  return new RangeError(
    `字符串长度 ${length} 超过上限 ${MAX_STRING_LENGTH} / string of ${length} characters exceeds the limit of ${MAX_STRING_LENGTH} (MAX_STRING_LENGTH)`,
  );
}

/** The formulas one region's evaluation runs: derived values, items, bonus items, conditions. */
export function formulasPerRegion(doc: {
  derived?: unknown[];
  categories?: { items?: unknown[] }[];
  bonus?: { items?: unknown[] };
  downgrades?: unknown[];
  caps?: unknown[];
  vetoes?: unknown[];
}): number {
  let n = (doc.derived?.length ?? 0) + (doc.bonus?.items?.length ?? 0);
  for (const c of doc.categories ?? []) n += c.items?.length ?? 0;
  return n + (doc.downgrades?.length ?? 0) + (doc.caps?.length ?? 0) + (doc.vetoes?.length ?? 0);
}

/**
 * Refuses (BudgetExceededError) an evaluation of `regions` regions under a document whose
 * formulas × regions exceed MAX_EVALUATION_CELLS; `times` counts repeated evaluations (a diff's
 * impact evaluates two documents).
 */
export function checkEvaluationBudget(
  doc: Parameters<typeof formulasPerRegion>[0],
  regions: number,
  path = '/dataset/regions',
): void {
  const cells = Math.max(1, formulasPerRegion(doc)) * regions;
  if (cells > MAX_EVALUATION_CELLS)
    throw new BudgetExceededError(
      'MAX_EVALUATION_CELLS',
      MAX_EVALUATION_CELLS,
      cells,
      path,
      `公式数 × 地区数为 ${cells}，超过上限 ${MAX_EVALUATION_CELLS}（MAX_EVALUATION_CELLS）：请减少地区或考核项`,
      `formulas × regions is ${cells}, above the limit of ${MAX_EVALUATION_CELLS} (MAX_EVALUATION_CELLS); evaluate fewer regions or items`,
    );
}

/** Refuses a sensitivity analysis whose variants × regions × items exceed MAX_SENSITIVITY_CELLS. */
export function checkSensitivityBudget(variants: number, regions: number, items: number): void {
  const cells = variants * regions * Math.max(1, items);
  if (cells > MAX_SENSITIVITY_CELLS)
    throw new BudgetExceededError(
      'MAX_SENSITIVITY_CELLS',
      MAX_SENSITIVITY_CELLS,
      cells,
      '/mode',
      `方案数 × 地区数 × 考核项数为 ${cells}，超过上限 ${MAX_SENSITIVITY_CELLS}（MAX_SENSITIVITY_CELLS）：请减少方案、地区或考核项`,
      `variants × regions × items is ${cells}, above the limit of ${MAX_SENSITIVITY_CELLS} (MAX_SENSITIVITY_CELLS); ask for fewer variants, regions or items`,
    );
}
