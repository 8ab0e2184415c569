import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { roundHalfAway, roundedSum } from './round.ts';

describe('roundHalfAway (四舍五入 on the shortest decimal form)', () => {
  test.each([
    [1.005, 2, 1.01],
    [2.675, 2, 2.68],
    [0.1 + 0.2, 2, 0.3],
    [-1.005, 2, -1.01],
    [-2.5, 0, -3],
    [2.5, 0, 3],
    [0.5, 0, 1],
    [1.4999, 0, 1],
    [9.995, 2, 10],
    [99.995, 2, 100],
    [0.005, 2, 0.01],
    [0.0049, 2, 0],
    [1e-7, 2, 0],
    [5e-7, 6, 0.000001],
    [89.99999999999999, 2, 90],
    [4.774999999999999, 2, 4.77],
    [1.45, 1, 1.5],
    [0.95, 0, 1],
    [12, 2, 12],
    [1.5e21, 2, 1.5e21],
    [123.456, 0, 123],
  ])('%d to %d digits → %d', (x, d, expected) => {
    expect(roundHalfAway(x, d)).toBe(expected);
  });

  test('never returns negative zero', () => {
    expect(Object.is(roundHalfAway(-0.001, 2), 0)).toBe(true);
  });

  test('agrees with exact decimal rounding of the printed number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 4 }),
        (n, d) => {
          // n / 1000 printed has at most 3 decimals; rounding it to d digits by integer arithmetic:
          const x = n / 1000;
          const scale = 10 ** (3 - Math.min(d, 3));
          const q = Math.trunc(Math.abs(n) / scale);
          const r = Math.abs(n) % scale;
          const up = d >= 3 ? 0 : r * 2 >= scale ? 1 : 0;
          const expected = (Math.sign(n) * (q + up) * scale) / 1000;
          return roundHalfAway(x, d) === (expected === 0 ? 0 : expected);
        },
      ),
    );
  });

  test('a rounded sum shows no binary residue', () => {
    expect(roundedSum(Array(10).fill(0.1), 2)).toBe(1);
    expect(roundedSum([33.33, 33.33, 33.34], 2)).toBe(100);
  });
});
