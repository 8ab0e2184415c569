/**
 * Evaluating a rule document on a dataset (SPEC section 3): every region scored, then ranked.
 */
import type { Dataset, EvaluateOptions, Evaluation, RegionResult, RuleDocument } from '../types.ts';
import { prepareDocument, type PreparedDocument } from './prepare.ts';
import { cachedDatasetHash, preparedDocumentFor } from './cache.ts';
import { scoreRegion } from './score.ts';
import { rankOf } from './rank.ts';
import { compiledDocumentFor, scoreRegionsCompiled } from '../compile/index.ts';

/**
 * How regions are scored: `compiled` (the default) runs the document compiled once into closures
 * (engine/compile/); `interpreted` applies each formula with json-logic-js, the reference. Both
 * give byte-identical results (test/compile-equivalence.test.ts).
 */
export type EvaluationMode = 'interpreted' | 'compiled';

export interface EvaluationModeOptions extends EvaluateOptions {
  mode?: EvaluationMode;
  /**
   * The dataset's content hash when the caller knows it already (a stored dataset keeps its hash
   * with its data); computed otherwise.
   */
  datasetHash?: string;
}

/**
 * Scores every region of `dataset` under `doc`; regions that cannot be scored are listed in
 * `errors` with the region code and the input key or item id. Throws InvalidDocumentError for an
 * invalid document (the document's own tests are not run here).
 *
 * Validation, preparation and compilation are done once per document content and kept
 * (engine/evaluate/cache.ts): by identity for a document frozen with `freezeValue`, else by its
 * content hash. A frozen dataset's hash is kept likewise.
 *
 * @example evaluate(doc, { year: 2024, regions: [{ code: '220100', name: '长春市', values: { pm25: 31 } }] })
 */
export function evaluate(doc: RuleDocument, dataset: Dataset, opts: EvaluationModeOptions = {}): Evaluation {
  return evaluatePrepared(preparedDocumentFor(doc), dataset, opts);
}

/** Evaluation with a document already validated and prepared (reuse it across datasets). */
export function evaluatePrepared(
  p: PreparedDocument,
  dataset: Dataset,
  opts: EvaluationModeOptions = {},
): Evaluation {
  // Hashed first, so that the garbage of hashing is collected before the results pile up.
  const hash = opts.datasetHash ?? cachedDatasetHash(dataset);
  const { results, errors, warnings } = scoreDataset(p, dataset, opts);
  return {
    rules: { family: p.doc.family, year: p.doc.year, hash: p.hash },
    dataset: { ...(dataset.year !== undefined ? { year: dataset.year } : {}), hash },
    results,
    errors,
    warnings,
  };
}

/**
 * Every region scored, then ranked, with the errors and warnings: all of `evaluatePrepared` but
 * the dataset's content hash.
 */
export function scoreDataset(
  p: PreparedDocument,
  dataset: Dataset,
  opts: EvaluationModeOptions = {},
): Pick<Evaluation, 'results' | 'errors' | 'warnings'> {
  const trace = opts.trace ?? true;
  const regions = dataset.regions;
  const outcomes =
    opts.mode === 'interpreted'
      ? regions.map((region) => scoreRegion(p, region, trace))
      : scoreRegionsCompiled(compiledDocumentFor(p), regions, trace);
  const results: RegionResult[] = [];
  const gradeIndexes: number[] = [];
  const errors: Evaluation['errors'] = [];
  const warnings: Evaluation['warnings'] = [];
  for (const outcome of outcomes) {
    for (const e of outcome.errors) errors.push(e);
    for (const w of outcome.warnings) warnings.push(w);
    if (outcome.result) {
      results.push(outcome.result);
      gradeIndexes.push(outcome.gradeIndex);
    }
  }
  const ranks = rankOf(results.map((r, i) => ({ total: r.total, gradeIndex: gradeIndexes[i] })));
  for (let i = 0; i < results.length; i++) results[i].rank = ranks[i];
  if (dataset.year !== undefined && dataset.year !== p.doc.year)
    warnings.push({
      message: `数据年份 ${dataset.year} 与规则年份 ${p.doc.year} 不同 / the data is for ${dataset.year}, the rules for ${p.doc.year}`,
    });
  return { results, errors, warnings };
}

export { prepareDocument, scoreRegion, rankOf };
export type { PreparedDocument };
