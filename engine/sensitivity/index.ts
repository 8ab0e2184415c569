/**
 * Weight-sensitivity analysis of a rule document (see analyse.ts for how variants rescale items).
 */
export {
  analyseSensitivity,
  analysePrepared,
  variantResults,
  InvalidSensitivityModeError,
} from './analyse.ts';
export type {
  SensitivityOptions,
  SensitivityReport,
  RegionSensitivity,
  ItemSensitivity,
  VariantSummary,
  VariantRegionResult,
} from './analyse.ts';
export { checkSensitivityMode, itemSlots, variantsOf, variantCount, MAX_VARIANTS } from './variants.ts';
export type { SensitivityMode, GridVariant, Rebalance, ItemSlot, Variant } from './variants.ts';
export { mulberry32 } from './prng.ts';
