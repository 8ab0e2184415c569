/**
 * 规则体检 and 整改路径 (SPEC section 13): what a rule document can and cannot do over every input
 * it allows, which parts its own tests exercise, and the smallest changes that bring a region to a
 * better grade.
 */
export { checkDocument, checkPrepared, INFO_CODES } from './check.ts';
export type { Finding, HealthReport, UnknownProperty, CheckOptions, HealthTarget } from './check.ts';
export { documentCoverage } from './coverage.ts';
export type { Coverage, BranchCoverage, CoveredThing, CoverageTarget } from './coverage.ts';
export { gradePath, PathError } from './paths.ts';
export type { GradePath, PathChange, PathReason, PathOptions } from './paths.ts';
