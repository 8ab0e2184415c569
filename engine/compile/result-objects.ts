/**
 * The objects of item results, made by constructors for small datasets and by literals for large
 * ones (result.ts), so that the engine allocates them where they will die.
 */
import type { ItemResult, ItemTrace, Label } from '../types.ts';

// Item results, the bulk of what scoring allocates.
//
// V8 tracks where object literals allocate, and may conclude from a moment when most of a
// literal's objects were still alive that they live long, and allocate them in the old generation
// from then on. For the results of a large dataset, held until the evaluation returns, that is
// right, and saves copying them from young to old. For a small dataset's results, which die
// young, it makes them about twice as costly to make and collect — and a decision taken during
// one evaluation holds for the rest of the process. So items of small datasets are made by
// constructors, which V8 never pretenures, and those of large ones (LONG_LIVED) by literals. The
// constructors' `prototype` is Object.prototype, so that what they make is a plain object in every
// observable way — prototype, constructor, own keys in the interpreter's order, JSON — like the
// literals and the interpreted path's results.

/** Above this many regions, a dataset's item results are made by literals (see above). */
export const LONG_LIVED = 1024;

/** Gives a constructor Object.prototype as the prototype of what it makes. */
export function plain<C>(constructor: C): C {
  (constructor as { prototype: object }).prototype = Object.prototype;
  return constructor;
}

export const Item = plain(function (
  this: ItemResult,
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
) {
  this.id = id;
  this.label = label;
  this.points = points;
  this.maxPoints = maxPoints;
  this.raw = raw;
  this.clamped = clamped;
} as unknown as new (
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
) => ItemResult);

export const TracedItem = plain(function (
  this: ItemResult,
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
  trace: ItemTrace,
) {
  this.id = id;
  this.label = label;
  this.points = points;
  this.maxPoints = maxPoints;
  this.raw = raw;
  this.clamped = clamped;
  this.trace = trace;
} as unknown as new (
  id: string,
  label: Label,
  points: number,
  maxPoints: number,
  raw: number,
  clamped: boolean,
  trace: ItemTrace,
) => ItemResult);
