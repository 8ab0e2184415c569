/**
 * fastRoundHalfAway gives exactly what roundHalfAway gives (the string-based reference), above all
 * on the hard inputs: decimal halves (1.005, 2.675), their neighbours one ulp away, values that
 * print in exponent form, and sums with binary residue.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { roundHalfAway } from '../numeric/round.ts';
import { fastRoundHalfAway, fastRoundedSum } from './round.ts';
import { roundedSum } from '../numeric/round.ts';

/** The next double above or below x. */
function nudge(x: number, up: boolean): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const positive = x > 0 || Object.is(x, 0);
  buf.setBigUint64(0, positive === up ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

const digitsArb = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 15 }));
const decimalArb = fc
  .tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 12 }))
  .map(([k, m]) => k / 10 ** m);
const halfArb = fc
  .tuple(fc.integer({ min: -(10 ** 9), max: 10 ** 9 }), fc.integer({ min: 0, max: 8 }))
  .map(([k, d]) => (2 * k + 1) / (2 * 10 ** d));
const hardArb = fc.oneof(
  decimalArb,
  halfArb,
  fc.tuple(fc.oneof(decimalArb, halfArb), fc.boolean()).map(([x, up]) => (x === 0 ? x : nudge(x, up))),
  fc.double({ noNaN: false }),
  fc.double({ min: -1e-3, max: 1e-3 }),
  fc.double({ min: -3e9, max: 3e9 }),
);

describe('fastRoundHalfAway', () => {
  test('known cases', () => {
    expect(fastRoundHalfAway(1.005, 2)).toBe(1.01);
    expect(fastRoundHalfAway(2.675, 2)).toBe(2.68);
    expect(fastRoundHalfAway(0.1 + 0.2, 2)).toBe(0.3);
    expect(fastRoundHalfAway(-1.005, 2)).toBe(-1.01);
    expect(Object.is(fastRoundHalfAway(-0.001, 2), 0)).toBe(true);
    expect(Object.is(fastRoundHalfAway(-0, 2), -0)).toBe(true);
    expect(fastRoundHalfAway(89.99999999, 2)).toBe(90);
  });

  test('equals roundHalfAway on hard inputs', () => {
    fc.assert(
      fc.property(hardArb, digitsArb, (x, d) => {
        const a = fastRoundHalfAway(x, d);
        const b = roundHalfAway(x, d);
        if (!Object.is(a, b)) throw new Error(`round(${x}, ${d}): fast ${a}, reference ${b}`);
      }),
      { numRuns: 100_000 },
    );
  });

  test('sums equal roundedSum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(decimalArb, halfArb), { maxLength: 40 }),
        fc.integer({ min: 0, max: 6 }),
        (xs, d) => {
          expect(Object.is(fastRoundedSum(xs, d), roundedSum(xs, d))).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('invalid digits throw like the reference', () => {
    expect(() => fastRoundHalfAway(1.5, -1)).toThrow(RangeError);
    expect(() => fastRoundHalfAway(1.5, 0.5)).toThrow(RangeError);
  });
});
