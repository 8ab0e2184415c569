/**
 * The live preview: a year's stored data scored under the draft in the browser (the engine's
 * evaluation), and under the version the draft came from, for the change region by region.
 */
import { api, type DatasetSummary } from '$lib/api.ts';
import type { Dataset, Evaluation, Problem, RegionResult, RuleDocument } from '$lib/engine.ts';
import { fillPrevious, splitStoredPrevious } from '$lib/engine.ts';
import { engine, isSuperseded } from '$lib/engine-worker/index.ts';

/**
 * Problems that do not stop a preview: sums that do not match yet, and the tests. (Anything else —
 * an unknown variable, a missing field — would make the scores meaningless or the engine refuse.)
 */
export function blocksPreview(p: Problem): boolean {
  return p.severity !== 'warning' && p.code !== 'points_mismatch' && !p.path.startsWith('/tests');
}

export interface PreviewRow {
  code: string;
  name: string;
  result: RegionResult | null;
  parent: RegionResult | null;
  /** total − parent total, when both were scored. */
  change: number | null;
  gradeChanged: boolean;
  error: string | null;
}

export class PreviewModel {
  datasets = $state<DatasetSummary[] | null>(null);
  year = $state<number | null>(null);
  dataset = $state.raw<Dataset | null>(null);
  /** Each region's stored values of the year before the loaded one (from the same request). */
  private lastYear: Dataset | null = null;
  /**
   * `datasetFor`'s answers, computed once per document and loaded dataset: the preview, the region
   * breakdown, 'add a test from a region' and the sensitivity panel all ask for the same one.
   */
  private filled = new WeakMap<RuleDocument, { from: Dataset; dataset: Dataset }>();
  loading = $state(false);
  loadError = $state<unknown>(null);
  evaluation = $state.raw<Evaluation | null>(null);
  parentEvaluation = $state.raw<Evaluation | null>(null);
  /** The draft has problems that prevent scoring. */
  blocked = $state<Problem[]>([]);
  /** The draft has problems that do not prevent scoring (the figures are provisional). */
  provisional = $state(false);
  evalError = $state<string | null>(null);
  /** The draft's evaluation is running in the engine's worker. */
  computing = $state(false);
  /** The region whose breakdown is open. */
  selected = $state<string | null>(null);

  private draft: RuleDocument | null = null;
  private parent: RuleDocument | null = null;
  private started = false;
  private draftSeq = 0;
  private parentSeq = 0;

  /** Loads the list of years with data and the year nearest the draft's. */
  async start(preferredYear: number): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      const { datasets } = await api.datasets();
      this.datasets = [...datasets].sort((a, b) => b.year - a.year);
      const years = this.datasets.map((d) => d.year);
      const year = years.includes(preferredYear)
        ? preferredYear
        : (years.find((y) => y < preferredYear) ?? years[0] ?? null);
      if (year !== null) await this.load(year);
    } catch (e) {
      this.loadError = e;
      this.started = false;
    }
  }

  async load(year: number): Promise<void> {
    this.year = year;
    this.loading = true;
    this.loadError = null;
    try {
      const d = await api.dataset(year);
      if (this.year !== year) return;
      // The year's own prev.KEY values become `previous`; last year's stored values fill the rest
      // for the inputs a document declares `previous` (as the server does for runs, SPEC §9).
      this.dataset = splitStoredPrevious({
        year: d.year,
        regions: d.regions.map((r) => ({ code: r.code, name: r.name, values: r.values })),
      });
      this.lastYear = {
        year: d.year - 1,
        regions: d.regions.map((r) => ({ code: r.code, name: r.name, values: r.lastYear ?? {} })),
      };
      void this.computeDraft();
      void this.computeParent();
    } catch (e) {
      this.loadError = e;
    } finally {
      this.loading = false;
    }
  }

  /** The loaded year's data with last year's values for the inputs `doc` declares `previous`. */
  datasetFor(doc: RuleDocument): Dataset {
    const ds = this.dataset!;
    const known = this.filled.get(doc);
    if (known && known.from === ds) return known.dataset;
    let dataset: Dataset;
    try {
      dataset = fillPrevious(doc, ds, this.lastYear, (ds.year ?? this.year ?? 0) - 1);
    } catch {
      dataset = ds; // a malformed draft: the worker's evaluation names its problem
    }
    this.filled.set(doc, { from: ds, dataset });
    return dataset;
  }

  setDraft(doc: RuleDocument, problems: Problem[]): void {
    this.draft = doc;
    this.blocked = problems.filter(blocksPreview);
    // Warnings (schema version 2, a stale rubric) leave the figures as they are.
    this.provisional = problems.filter((p) => p.severity !== 'warning').length > this.blocked.length;
    void this.computeDraft();
  }

  setParent(doc: RuleDocument): void {
    this.parent = doc;
    void this.computeParent();
  }

  /** Scores the draft in the engine's worker (time-limited); only the latest answer is kept. */
  private async computeDraft(): Promise<void> {
    if (!this.dataset || !this.draft) return;
    const seq = ++this.draftSeq;
    if (this.blocked.length > 0) {
      this.evaluation = null;
      this.evalError = null;
      this.computing = false;
      return;
    }
    this.computing = true;
    try {
      const evaluation = await engine.run(
        'evaluate',
        { doc: this.draft, dataset: this.datasetFor(this.draft), trace: true },
        { key: 'preview-draft' },
      );
      if (seq !== this.draftSeq) return;
      this.evaluation = evaluation;
      this.evalError = null;
    } catch (e) {
      if (isSuperseded(e) || seq !== this.draftSeq) return;
      this.evaluation = null;
      this.evalError = e instanceof Error ? e.message : String(e);
    }
    this.computing = false;
  }

  private async computeParent(): Promise<void> {
    if (!this.dataset || !this.parent) return;
    const seq = ++this.parentSeq;
    try {
      const evaluation = await engine.run(
        'evaluateIfValid',
        { doc: this.parent, dataset: this.datasetFor(this.parent), trace: false },
        { key: 'preview-parent' },
      );
      if (seq === this.parentSeq) this.parentEvaluation = evaluation;
    } catch (e) {
      if (!isSuperseded(e) && seq === this.parentSeq) this.parentEvaluation = null;
    }
  }

  /** One row per region of the dataset, in ranking order (unscored regions last). */
  get rows(): PreviewRow[] {
    const ds = this.dataset;
    const ev = this.evaluation;
    if (!ds || !ev) return [];
    const byCode = new Map(ev.results.map((r) => [r.region, r]));
    const parentBy = new Map((this.parentEvaluation?.results ?? []).map((r) => [r.region, r]));
    const errorBy = new Map<string, string>();
    for (const e of ev.errors) if (!errorBy.has(e.region)) errorBy.set(e.region, e.message);
    const rows = ds.regions.map((r): PreviewRow => {
      const result = byCode.get(r.code) ?? null;
      const parent = parentBy.get(r.code) ?? null;
      return {
        code: r.code,
        name: r.name,
        result,
        parent,
        change: result && parent ? Math.round((result.total - parent.total) * 1e6) / 1e6 : null,
        gradeChanged: !!result && !!parent && result.grade !== parent.grade,
        error: errorBy.get(r.code) ?? null,
      };
    });
    return rows.sort((a, b) => (a.result?.rank ?? Infinity) - (b.result?.rank ?? Infinity));
  }

  regionData(code: string) {
    const ds = this.dataset && this.draft ? this.datasetFor(this.draft) : this.dataset;
    return ds?.regions.find((r) => r.code === code) ?? null;
  }

  resultOf(code: string): RegionResult | null {
    return this.evaluation?.results.find((r) => r.region === code) ?? null;
  }
}
