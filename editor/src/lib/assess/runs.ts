/**
 * Loading a run with the rule document it was run against (for labels of items, vetoes,
 * downgrades and caps), and a region's results over the years (the latest run of each year of the
 * same rule family).
 */
import { api, type Version } from '$lib/api.ts';
import type { Grade } from '$engine/types.ts';
import { assessApi, type RunDetail, type RunSummary } from './api.ts';
import type { HistoryPoint } from './charts/options.ts';

export interface LoadedRun {
  run: RunDetail;
  version: Version;
}

const cache = new Map<number, Promise<Version>>();

/** A rule version, fetched once per page session (published versions never change). */
export function versionOnce(id: number): Promise<Version> {
  let p = cache.get(id);
  if (!p) {
    p = api.version(id);
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return p;
}

export async function loadRun(id: number): Promise<LoadedRun> {
  const run = await assessApi.run(id);
  const version = await versionOnce(run.versionId);
  return { run, version };
}

/** The latest run of each year for `family`, newest year first. */
export function latestPerYear(runs: readonly RunSummary[], family: string): RunSummary[] {
  const byYear = new Map<number, RunSummary>();
  for (const r of runs) {
    if (r.family !== family || r.status !== 'finished') continue;
    const seen = byYear.get(r.year);
    if (!seen || r.createdAt > seen.createdAt || (r.createdAt === seen.createdAt && r.id > seen.id))
      byYear.set(r.year, r);
  }
  return [...byYear.values()].sort((a, b) => b.year - a.year);
}

/**
 * A region's total, grade and rank in each year that has a run of the same family (the latest run
 * per year; `current` stands for its own year), in one request.
 */
export async function regionHistory(
  code: string,
  current: RunDetail,
): Promise<{ points: HistoryPoint[]; grades: Grade[] }> {
  const { points } = await assessApi.regionHistory(current.id, code);
  return { points, grades: current.grades };
}
