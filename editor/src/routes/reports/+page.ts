import { assessApi } from '$lib/assess/api.ts';
import { latestPerYear } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** The latest run of each year of each rule family (the notices), and the years with data (the letters). */
export const load: PageLoad = () => ({
  loaded: Promise.all([assessApi.runs(), assessApi.datasets()]).then(([{ runs }, { datasets }]) => ({
    latest: [...new Set(runs.map((r) => r.family))].flatMap((f) => latestPerYear(runs, f)),
    datasets,
  })),
});
