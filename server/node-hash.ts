/**
 * Node's SHA-256 (OpenSSL, about ten times the pure one on large texts) for the engine's content
 * hashes on the server and in the command line. The digest is the same; only the speed changes.
 * The engine stays free of Node imports: it takes the function (engine/hash/content-hash.ts).
 */
import { createHash } from 'node:crypto';
import { useSha256, type Sha256Stream } from '../engine/hash/content-hash.ts';

/** Hex SHA-256 of a text's UTF-8 bytes, through node:crypto. */
export function nodeSha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A SHA-256 fed piece by piece, through node:crypto. */
export function nodeSha256Stream(): Sha256Stream {
  const h = createHash('sha256');
  return {
    update: (text) => void h.update(text, 'utf8'),
    digest: () => h.digest('hex'),
  };
}

/** Makes the engine hash with node:crypto from now on (idempotent). */
export function installNodeSha256(): void {
  useSha256(nodeSha256Hex, nodeSha256Stream);
}
