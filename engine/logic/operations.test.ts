import { describe, expect, test } from 'vitest';
import { logic, opInterp } from './operations.ts';

const apply = (f: unknown, data: Record<string, unknown> = {}) => logic.apply(f as never, data);

describe('custom operations', () => {
  test('round rounds half away from zero like item points', () => {
    expect(apply({ round: [1.005, 2] })).toBe(1.01);
    expect(apply({ round: [-2.5] })).toBe(-3);
    expect(apply({ round: [{ var: 'x' }, 1] }, { x: 0.25 })).toBe(0.3);
  });
  test('clamp limits to [lo, hi]', () => {
    expect(apply({ clamp: [7, 0, 5] })).toBe(5);
    expect(apply({ clamp: [-1, 0, 5] })).toBe(0);
    expect(apply({ clamp: [3, 0, 5] })).toBe(3);
    expect(apply({ clamp: ['x', 0, 5] })).toBeNaN();
  });
  test('interp is piecewise-linear and flat beyond the ends', () => {
    const pts = [
      [80, 0],
      [90, 5],
      [100, 10],
    ];
    expect(apply({ interp: [{ var: 'x' }, pts] }, { x: 70 })).toBe(0);
    expect(apply({ interp: [{ var: 'x' }, pts] }, { x: 85 })).toBe(2.5);
    expect(apply({ interp: [{ var: 'x' }, pts] }, { x: 95 })).toBe(7.5);
    expect(apply({ interp: [{ var: 'x' }, pts] }, { x: 120 })).toBe(10);
    expect(
      opInterp(5, [
        [1, 1],
        [1, 2],
      ]),
    ).toBeNaN();
  });
});
