import { describe, expect, it } from 'vitest';
import { compileLogic } from './compile/index.ts';
import { evaluate } from './evaluate/index.ts';
import { logic } from './logic/operations.ts';
import {
  BudgetExceededError,
  checkEvaluationBudget,
  checkSensitivityBudget,
  MAX_EVALUATION_CELLS,
  MAX_STRING_LENGTH,
  stringLength,
} from './limits.ts';
import { catDoublingDocument, manyItemsDocument } from '../test/helpers/hostile.ts';
import { readFileSync } from 'node:fs';

const data = JSON.parse(readFileSync(new URL('../rules/sample-data/2024.json', import.meta.url), 'utf8'));
const both = (formula: unknown, vars: Record<string, unknown> = {}) => {
  const run = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const interpreted = run(() => logic.apply(formula as never, vars));
  const compiled = run(() => compileLogic(formula)(vars));
  expect(compiled).toEqual(interpreted);
  return interpreted;
};

describe('the string cap (MAX_STRING_LENGTH)', () => {
  it('lets cat and substr build strings up to the cap, identically in both paths', () => {
    const half = 'a'.repeat(MAX_STRING_LENGTH / 2);
    expect(both({ cat: [{ var: 'h' }, { var: 'h' }] }, { h: half }).value).toHaveLength(MAX_STRING_LENGTH);
    expect(both({ cat: ['a', null, 1, [2, 3], true] }).value).toBe('a12,3true');
    expect(both({ substr: [{ var: 'h' }, 1, 3] }, { h: half }).value).toBe('aaa');
  });

  it('refuses one character more, from the operand lengths, with the same message in both paths', () => {
    const half = 'a'.repeat(MAX_STRING_LENGTH / 2);
    const r = both({ cat: [{ var: 'h' }, { var: 'h' }, 'b'] }, { h: half });
    expect(r.error).toContain(String(MAX_STRING_LENGTH));
    expect(r.error).toContain('MAX_STRING_LENGTH');
    // An array operand counts as the text it would join to, without being joined.
    const arr = Array.from({ length: 5 }, () => half);
    expect(both({ cat: [{ var: 'arr' }] }, { arr }).error).toContain('MAX_STRING_LENGTH');
    expect(both({ substr: [{ var: 'arr' }, 0, 1] }, { arr }).error).toContain('MAX_STRING_LENGTH');
    expect(stringLength([half, null, [half]])).toBe(MAX_STRING_LENGTH + 2);
  });

  it('turns the cat-doubling document into an error for each region, in both evaluation paths', () => {
    const doc = catDoublingDocument(25);
    const interpreted = evaluate(doc, data, { mode: 'interpreted' });
    const compiled = evaluate(doc, data, { mode: 'compiled' });
    expect(JSON.stringify(compiled)).toBe(JSON.stringify(interpreted));
    expect(compiled.results).toEqual([]);
    expect(compiled.errors).toHaveLength(data.regions.length);
    for (const e of compiled.errors) {
      expect(e.code).toBe('formula_error');
      expect(e.key).toBe('s12'); // 32 × 2^12 = 131,072 > 65,536: the first value over the cap
    }
  });
});

describe('work budgets', () => {
  it('refuses formulas × regions over MAX_EVALUATION_CELLS before the work', () => {
    const doc = manyItemsDocument(2000);
    expect(() => checkEvaluationBudget(doc, 100)).not.toThrow();
    const e = (() => {
      try {
        checkEvaluationBudget(doc, 3000);
      } catch (x) {
        return x as BudgetExceededError;
      }
    })();
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect(e!.limit).toBe('MAX_EVALUATION_CELLS');
    expect(e!.actual).toBeGreaterThan(MAX_EVALUATION_CELLS);
    expect(e!.problems[0].path).toBe('/dataset/regions');
  });

  it('refuses variants × regions × items over MAX_SENSITIVITY_CELLS', () => {
    expect(() => checkSensitivityBudget(10_000, 3_000, 30)).not.toThrow();
    expect(() => checkSensitivityBudget(10_000, 3_000, 40)).toThrow(/MAX_SENSITIVITY_CELLS/);
  });
});
