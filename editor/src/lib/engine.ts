/**
 * The engine as the editor uses it: the very modules the server and the CLI run, imported from the
 * repository (`$engine`), so a problem or a score in the browser is the one the server will report.
 *
 * Only the cheap, bounded helpers run on the page. Validation, evaluation, a document's tests and
 * sensitivity run a document's formulas: they go through the engine's Web Worker with a time limit
 * (`$lib/engine-worker`), so a hostile draft cannot freeze the tab.
 */
export {
  contentHash,
  roundHalfAway,
  ALLOWED_OPERATIONS,
  CUSTOM_OPERATIONS,
  variablesOf,
  fillPrevious,
  splitStoredPrevious,
} from '$engine/index.ts';
export type { TestOutcome, TestFailure } from '$engine/index.ts';
export { renderFormula, formulaLabels } from '$engine/render/formula.ts';
export { checkPrepared, documentCoverage } from '$engine/health/index.ts';
export type { HealthReport, Finding, Coverage } from '$engine/health/index.ts';
export { diffDocuments } from '$engine/diff/index.ts';
export type { DiffResult, Change, FieldChange, ImpactRow } from '$engine/diff/index.ts';
export type {
  RuleDocument,
  Problem,
  Evaluation,
  RegionResult,
  RegionError,
  Dataset,
  Input,
  Derived,
  Category,
  Item,
  BonusItem,
  Downgrade,
  Cap,
  Veto,
  Grade,
  DocumentTest,
  TestExpect,
  Label,
  ItemTrace,
} from '$engine/types.ts';
