/**
 * RFC 8785 (JCS) canonical JSON, written for speed, with exactly the output of the `canonicalize`
 * package on every JSON value (test/canonical-hash.test.ts proves it on the RFC's vectors, on
 * random JSON and on every sample): object keys sorted by UTF-16 code units, numbers in
 * ECMAScript's shortest form (what `JSON.stringify` gives for a finite number), strings escaped as
 * `JSON.stringify` escapes them (RFC 8785 §3.2.2.2), no whitespace.
 *
 * Like `canonicalize`: `toJSON` is honoured, object members whose value is `undefined` (or a symbol
 * or a function) are left out, such array elements become `null`, NaN and ±Infinity are refused.
 *
 * @example canonicalJson({ b: 1, a: [1, 'x'] }) // '{"a":[1,"x"],"b":1}'
 */

/** Characters a JSON string must escape, and lone surrogates (which `JSON.stringify` escapes). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as RFC 8785 writes it. */
export function canonicalString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A number as RFC 8785 writes it (ECMAScript Number::toString; -0 is 0). */
export function canonicalNumber(n: number): string {
  if (n !== n) throw new Error('NaN is not allowed');
  if (n === Infinity || n === -Infinity) throw new Error('Infinity is not allowed');
  return JSON.stringify(n);
}

/** Whether the value is left out of an object (and written `null` in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'symbol' || typeof v === 'function';
}

/** The canonical JSON text of `value`; `undefined` when it has none (undefined, a symbol, a function). */
export function canonicalJsonOf(value: unknown): string | undefined {
  if (skipped(value)) return undefined;
  return write(value);
}

function write(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return canonicalString(v);
    case 'number':
      return canonicalNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      // As JSON.stringify (and so `canonicalize`) does.
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      if (v === null) return 'null';
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
        return write((v as { toJSON: () => unknown }).toJSON());
      return Array.isArray(v) ? writeArray(v) : writeObject(v as Record<string, unknown>);
    default:
      return 'null';
  }
}

function writeArray(a: unknown[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    const x = a[i];
    out += skipped(x) ? 'null' : write(x);
  }
  return out + ']';
}

function writeObject(o: Record<string, unknown>): string {
  const keys = Object.keys(o);
  if (keys.length > 1 && !isSorted(keys)) keys.sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = o[k];
    if (skipped(x)) continue;
    if (first) first = false;
    else out += ',';
    out += canonicalString(k) + ':' + write(x);
  }
  return out + '}';
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}
