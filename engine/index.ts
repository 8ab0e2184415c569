/**
 * The ecoscore engine: rule documents validated and evaluated, pure TypeScript with no I/O, shared
 * by the server, the command line and the editor (which runs it in the browser).
 */
export * from './types.ts';
export {
  validateDocument,
  errorsOf,
  isValidDocument,
  InvalidDocumentError,
  checkSchema,
  checkSemantics,
} from './validate/index.ts';
export { ruleDocumentSchema } from './validate/schema.ts';
export { LIMITS, RESERVED_NAMES, formulaSites } from './validate/semantic.ts';
export { evaluate, evaluatePrepared, prepareDocument, scoreRegion, rankOf } from './evaluate/index.ts';
export type { PreparedDocument, EvaluationMode, EvaluationModeOptions } from './evaluate/index.ts';
export {
  compileLogic,
  compileDocument,
  compiledDocumentFor,
  scoreRegionCompiled,
  CompileError,
  fastRoundHalfAway,
} from './compile/index.ts';
export type { CompiledLogic, CompiledDocument } from './compile/index.ts';
export {
  analyseSensitivity,
  analysePrepared,
  variantResults,
  checkSensitivityMode,
  variantsOf,
  variantCount,
  itemSlots,
  InvalidSensitivityModeError,
  MAX_VARIANTS,
} from './sensitivity/index.ts';
export type {
  SensitivityMode,
  SensitivityOptions,
  SensitivityReport,
  RegionSensitivity,
  ItemSensitivity,
  VariantSummary,
  VariantRegionResult,
  GridVariant,
  Rebalance,
} from './sensitivity/index.ts';
export { runDocumentTests, testProblems } from './tests/run.ts';
export type { TestOutcome, TestFailure } from './tests/run.ts';
export {
  contentHash,
  canonicalJson,
  useSha256,
  pureSha256Hex,
  pureSha256Stream,
  sha256OfText,
  sha256Stream,
} from './hash/content-hash.ts';
export type { Sha256Hex, Sha256Stream } from './hash/content-hash.ts';
export { freezeValue, isFrozenValue } from './cache/frozen.ts';
export { Lru } from './cache/lru.ts';
export {
  preparedDocumentFor,
  cachedDatasetHash,
  clearDocumentCache,
  DOCUMENT_CACHE_SIZE,
} from './evaluate/cache.ts';
export { datasetHash, normalizeDataset, canonicalDatasetJson } from './dataset/hash.ts';
export { fillPrevious, splitStoredPrevious } from './dataset/previous.ts';
export {
  parseDatasetJson,
  parseDatasetCsv,
  parseCsvRows,
  datasetFromRows,
  datasetToCsv,
  convertCell,
  columnLetter,
} from './dataset/parse.ts';
export type { ParsedDataset, CellLocation } from './dataset/parse.ts';
export { roundHalfAway, roundedSum, forPeople } from './numeric/round.ts';
export {
  PREV_PREFIX,
  prevName,
  prevKeyOf,
  isChoice,
  choiceValue,
  enumValues,
  choiceLabel,
  choiceFromText,
  hasLabelledChoices,
  previousInputs,
  logicHash,
} from './document/v2.ts';
export { categoryPoints } from './evaluate/category.ts';
export {
  ALLOWED_OPERATIONS,
  BUILTIN_OPERATIONS,
  CUSTOM_OPERATIONS,
  FORBIDDEN_OPERATIONS,
  truthy,
  logic,
} from './logic/operations.ts';
export { variablesOf } from './logic/walk.ts';

export { diff, diffDocuments, diffImpact, compareEvaluations, lineDiff } from './diff/index.ts';
export type {
  DiffResult,
  Change,
  ChangeKind,
  ChangeTarget,
  FieldChange,
  StructuralDiff,
  DiffOptions,
  ImpactRow,
} from './diff/index.ts';
export { renderFormula, formulaLabels } from './render/formula.ts';
export type { RenderOptions, FormulaLabel } from './render/formula.ts';

/** The engine's version, recorded with every assessment run. */
export const ENGINE_VERSION = '0.1.0';
export {
  MAX_STRING_LENGTH,
  MAX_EVALUATION_CELLS,
  MAX_SENSITIVITY_CELLS,
  BudgetExceededError,
  checkEvaluationBudget,
  checkSensitivityBudget,
  formulasPerRegion,
} from './limits.ts';
export { applyAdjustments, AdjustmentError } from './evaluate/adjust.ts';
export type { Adjustments, RegionAdjustments } from './evaluate/adjust.ts';
