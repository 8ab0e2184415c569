/**
 * A year's data as the API shows and takes it: the grid, its regions and the list of years.
 * Types only, so the editor imports them too (`import type`).
 */
import type { ValueSource } from './enums.ts';

export type Value = number | boolean | string;

/** One region's row of the grid. */
export interface DatasetRegion {
  code: string;
  name: string;
  values: Record<string, Value>;
  sources: Record<string, ValueSource>;
}

/** A year's data as the grid shows it; `hash` is the engine's `datasetHash` of `{ year, regions }`. */
export interface DatasetGrid {
  year: number;
  hash: string;
  regions: DatasetRegion[];
}

export interface DatasetSummary {
  year: number;
  /** Regions with at least one value. */
  regions: number;
  values: number;
  updatedAt: string;
}

/** A grid write: `null` removes a value. */
export interface GridInput {
  regions: { code: string; values: Record<string, unknown> }[];
}
