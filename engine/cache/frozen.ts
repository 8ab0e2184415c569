/**
 * Immutable values: a document or a dataset deep-frozen by `freezeValue` can never change, so
 * what is computed from it (its content hash, its validation, its prepared and compiled forms)
 * can be kept with the object itself and found again by identity, at no cost per call. Objects
 * that were not frozen here are looked up by their content hash instead (which costs the hash).
 *
 * @example const doc = freezeValue(JSON.parse(text)); evaluate(doc, data) // prepared once for this object
 */
const frozen = new WeakSet<object>();

/** Deep-freezes a JSON value in place and returns it; from now on `isFrozenValue(value)` holds. */
export function freezeValue<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !frozen.has(value)) deepFreeze(value);
  return value;
}

function deepFreeze(o: object): void {
  frozen.add(o);
  for (const k of Object.keys(o)) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== null && typeof v === 'object' && !frozen.has(v)) deepFreeze(v);
  }
  Object.freeze(o);
}

/** Whether `freezeValue` froze this object (and so all it holds). */
export function isFrozenValue(value: unknown): boolean {
  return value !== null && typeof value === 'object' && frozen.has(value);
}
