/**
 * Compiled evaluation: formulas and whole documents turned once into closures, with exactly the
 * results of the interpreted path (json-logic-js and engine/evaluate/score.ts) — proven by
 * test/compile-equivalence.test.ts — at a fraction of the cost.
 *
 * @example
 * const cd = compiledDocumentFor(prepareDocument(doc));
 * const outcome = scoreRegionCompiled(cd, dataset.regions[0], false);
 */
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { compileDocument, type CompiledDocument } from './document.ts';

export { compileLogic, CompileError, COMPILERS, PLAIN_SCOPE } from './logic.ts';
export type { CompiledLogic, Scope } from './logic.ts';
export { compileDocument } from './document.ts';
export { scoreRegionCompiled, scoreRegionsCompiled } from './score.ts';
export type { CompiledDocument, CompiledItem } from './document.ts';
export { fastRoundHalfAway, fastRoundedSum } from './round.ts';

const cache = new WeakMap<PreparedDocument, CompiledDocument>();

/** The compiled form of a prepared document, compiled on first use and kept with it. */
export function compiledDocumentFor(p: PreparedDocument): CompiledDocument {
  let cd = cache.get(p);
  if (!cd) {
    cd = compileDocument(p);
    cache.set(p, cd);
  }
  return cd;
}
