import { api } from '$lib/api.ts';
import { assessApi } from '$lib/assess/api.ts';
import type { PageLoad } from './$types';

/** The rule versions to compare and the years with data (the pair and year in the address pick the diff). */
export const load: PageLoad = () => ({
  loaded: Promise.all([api.versions(), assessApi.datasets()]).then(([{ versions }, { datasets }]) => ({
    versions,
    datasets,
  })),
});
