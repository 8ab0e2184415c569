/**
 * What never changes for a document's content hash, computed once: its validation (without its
 * own tests), its prepared form and (engine/compile/index.ts) its compiled form; and a dataset's
 * content hash. Looked up by identity for objects frozen with `freezeValue` (no cost per call),
 * else by content hash (the cost of hashing the document; nothing else).
 *
 * Bounded: `DOCUMENT_CACHE_SIZE` documents by content hash (least recently used first out); the
 * identity maps are weak, so they hold nothing the caller has let go.
 */
import type { Dataset, Problem, RuleDocument } from '../types.ts';
import { Lru } from '../cache/lru.ts';
import { freezeValue, isFrozenValue } from '../cache/frozen.ts';
import { contentHash } from '../hash/content-hash.ts';
import { datasetHash } from '../dataset/hash.ts';
import { errorsOf, InvalidDocumentError, validateDocument } from '../validate/index.ts';
import { prepareDocument, type PreparedDocument } from './prepare.ts';

/** How many documents' validations and prepared forms are kept, by content hash. */
export const DOCUMENT_CACHE_SIZE = 64;

/** A document checked once: its problems, and its prepared form when it has none. */
interface Checked {
  problems: Problem[];
  prepared?: PreparedDocument;
}

const byHash = new Lru<string, Checked>(DOCUMENT_CACHE_SIZE);
const byObject = new WeakMap<object, Checked>();
const datasetHashes = new WeakMap<object, string>();

function check(doc: RuleDocument, hash: string): Checked {
  const problems = errorsOf(validateDocument(doc, { runTests: false }));
  if (problems.length > 0) return { problems };
  // A private, frozen copy: the caller may change its object afterwards; the cache must not see it.
  const own = isFrozenValue(doc) ? doc : freezeValue(copyOf(doc));
  return { problems, prepared: prepareDocument(own, hash) };
}

/** A deep copy; a JSON round trip for what structuredClone refuses (a reactive proxy, say). */
function copyOf(doc: RuleDocument): RuleDocument {
  try {
    return structuredClone(doc);
  } catch {
    return JSON.parse(JSON.stringify(doc)) as RuleDocument;
  }
}

function checked(doc: RuleDocument): Checked {
  const frozen = isFrozenValue(doc);
  if (frozen) {
    const hit = byObject.get(doc);
    if (hit) return hit;
  }
  const hash = contentHash(doc);
  const entry = byHash.getOr(hash, () => check(doc, hash));
  if (frozen) byObject.set(doc, entry);
  return entry;
}

/**
 * The validated (tests not run), prepared form of `doc`, from the cache when this content was seen.
 * Throws InvalidDocumentError with every problem of an invalid document.
 *
 * @example const p = preparedDocumentFor(doc); evaluatePrepared(p, dataset)
 */
export function preparedDocumentFor(doc: RuleDocument): PreparedDocument {
  const entry = checked(doc);
  if (!entry.prepared) throw new InvalidDocumentError(entry.problems);
  return entry.prepared;
}

/** The dataset's content hash (engine/dataset/hash.ts), kept with a frozen dataset. */
export function cachedDatasetHash(dataset: Dataset): string {
  if (!isFrozenValue(dataset)) return datasetHash(dataset);
  let hash = datasetHashes.get(dataset);
  if (hash === undefined) {
    hash = datasetHash(dataset);
    datasetHashes.set(dataset, hash);
  }
  return hash;
}

/** Forgets every cached document (tests, and memory-conscious hosts). */
export function clearDocumentCache(): void {
  byHash.clear();
}
