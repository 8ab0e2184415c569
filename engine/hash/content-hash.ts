/**
 * Content hashes: SHA-256 over the RFC 8785 (JCS) canonical JSON of a value. Pure by default
 * (@noble/hashes), so the editor computes the same hash in the browser; a host with a faster
 * SHA-256 (Node's `node:crypto`, see server/hash-node.ts) installs it with `useSha256`, which changes
 * the speed and never the hash.
 *
 * @example contentHash({ b: 1, a: [1, 2] }) // sha256 of '{"a":[1,2],"b":1}'
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJsonOf } from './canonical.ts';

/** Hex SHA-256 of a text's UTF-8 bytes. */
export type Sha256Hex = (text: string) => string;

/** A SHA-256 fed piece by piece: the digest of the pieces' UTF-8 bytes one after the other. */
export interface Sha256Stream {
  update(text: string): void;
  /** Hex, lower case. */
  digest(): string;
}

/** The pure implementation, the default. */
export const pureSha256Hex: Sha256Hex = (text) => bytesToHex(sha256(utf8ToBytes(text)));

/** The pure streamed implementation, the default. */
export function pureSha256Stream(): Sha256Stream {
  const h = sha256.create();
  return {
    update: (text) => void h.update(utf8ToBytes(text)),
    digest: () => bytesToHex(h.digest()),
  };
}

let sha256Hex: Sha256Hex = pureSha256Hex;
let sha256Streamed: () => Sha256Stream = pureSha256Stream;

/**
 * Installs a faster SHA-256 (it must give the same digest: hex, lower case, of the UTF-8 bytes).
 *
 * @example useSha256((t) => createHash('sha256').update(t, 'utf8').digest('hex'), streamedNodeSha256)
 */
export function useSha256(fn: Sha256Hex, streamed?: () => Sha256Stream): void {
  sha256Hex = fn;
  sha256Streamed = streamed ?? pureSha256Stream;
}

/** A streamed SHA-256 with the installed implementation (pieces must not split a surrogate pair). */
export function sha256Stream(): Sha256Stream {
  return sha256Streamed();
}

/** Hex SHA-256 of a text, with the installed implementation. */
export function sha256OfText(text: string): string {
  return sha256Hex(text);
}

/** The RFC 8785 canonical JSON text of a value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalJsonOf(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** Hex SHA-256 of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
