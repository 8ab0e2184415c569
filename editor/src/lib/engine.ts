/**
 * The engine as the editor uses it: the very modules the server and the CLI run, imported from the
 * repository (`$engine`), so a problem or a score in the browser is the one the server will report.
 */
export {
  validateDocument,
  evaluate,
  runDocumentTests,
  contentHash,
  roundHalfAway,
  ALLOWED_OPERATIONS,
  CUSTOM_OPERATIONS,
  variablesOf,
  prepareDocument,
  evaluatePrepared,
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
