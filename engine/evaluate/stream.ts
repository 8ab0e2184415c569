/**
 * Evaluation streamed for very large datasets: memory grows with one group of regions, not with
 * all of them. Every region is scored once without traces (totals, grades, ranks, errors and
 * warnings: small), then `results(order)` scores them again group by group, with traces if asked,
 * and yields each full result with its rank — to be written out (the CLI's `--json`) and dropped.
 * Each result is the one `evaluate` gives, byte for byte (engine/evaluate/stream.test.ts).
 *
 * @example
 * const s = evaluateStreamed(doc, dataset, { trace: true });
 * for (const r of s.results()) write(JSON.stringify(r));
 */
import type { Dataset, Evaluation, RegionResult, RuleDocument } from '../types.ts';
import type { EvaluationModeOptions } from './index.ts';
import { cachedDatasetHash, preparedDocumentFor } from './cache.ts';
import { rankOf } from './rank.ts';
import { compiledDocumentFor, scoreRegionsCompiled } from '../compile/index.ts';

/** A scored region: its place in the dataset, total, final grade index and rank. */
export interface RankedRegion {
  index: number;
  region: string;
  total: number;
  gradeIndex: number;
  rank: number;
}

export interface StreamedEvaluation extends Omit<Evaluation, 'results'> {
  /** The scored regions in dataset order (what `results` will yield, without the results). */
  ranking: RankedRegion[];
  /**
   * The full results, scored again group by group, in dataset order or in the order of `order`
   * (indexes into `ranking`); each carries its rank.
   */
  results(order?: readonly number[]): Generator<RegionResult>;
}

/** How many regions are scored at once when streaming. */
const GROUP = 256;

/** `evaluate`, streamed (compiled mode only). Throws InvalidDocumentError for an invalid document. */
export function evaluateStreamed(
  doc: RuleDocument,
  dataset: Dataset,
  opts: EvaluationModeOptions = {},
): StreamedEvaluation {
  const p = preparedDocumentFor(doc);
  const cd = compiledDocumentFor(p);
  const trace = opts.trace ?? true;
  const hash = opts.datasetHash ?? cachedDatasetHash(dataset);
  const ranking: RankedRegion[] = [];
  const errors: Evaluation['errors'] = [];
  const warnings: Evaluation['warnings'] = [];
  const regions = dataset.regions;
  for (let from = 0; from < regions.length; from += GROUP) {
    const outcomes = scoreRegionsCompiled(cd, regions.slice(from, from + GROUP), false);
    outcomes.forEach((o, j) => {
      for (const e of o.errors) errors.push(e);
      for (const w of o.warnings) warnings.push(w);
      if (o.result)
        ranking.push({
          index: from + j,
          region: o.result.region,
          total: o.result.total,
          gradeIndex: o.gradeIndex,
          rank: 0,
        });
    });
  }
  const ranks = rankOf(ranking);
  ranking.forEach((r, i) => (r.rank = ranks[i]));
  if (dataset.year !== undefined && dataset.year !== p.doc.year)
    warnings.push({
      message: `数据年份 ${dataset.year} 与规则年份 ${p.doc.year} 不同 / the data is for ${dataset.year}, the rules for ${p.doc.year}`,
    });
  return {
    rules: { family: p.doc.family, year: p.doc.year, hash: p.hash },
    dataset: { ...(dataset.year !== undefined ? { year: dataset.year } : {}), hash },
    ranking,
    errors,
    warnings,
    *results(order?: readonly number[]) {
      const n = order ? order.length : ranking.length;
      for (let from = 0; from < n; from += GROUP) {
        const picked: RankedRegion[] = [];
        for (let k = from; k < Math.min(n, from + GROUP); k++) picked.push(ranking[order ? order[k] : k]);
        const outcomes = scoreRegionsCompiled(
          cd,
          picked.map((r) => regions[r.index]),
          trace,
        );
        for (let j = 0; j < outcomes.length; j++) {
          const result = outcomes[j].result;
          if (!result) throw new Error(`region ${picked[j].region} scored once but not twice`);
          result.rank = picked[j].rank;
          yield result;
        }
      }
    },
  };
}
