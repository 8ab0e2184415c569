/**
 * Content hashes: SHA-256 over the RFC 8785 (JCS) canonical JSON of a value. Pure (no node:crypto),
 * so the editor computes the same hash in the browser.
 *
 * @example contentHash({ b: 1, a: [1, 2] }) // sha256 of '{"a":[1,2],"b":1}'
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The RFC 8785 canonical JSON text of a value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** Hex SHA-256 of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(value))));
}
