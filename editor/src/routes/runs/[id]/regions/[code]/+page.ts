import { assessApi } from '$lib/assess/api.ts';
import { loadRun, regionHistory } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** A region's result in a run, with the run and its rule version; then the region's history (empty when it fails). */
export const load: PageLoad = ({ params }) => {
  const id = Number(params.id);
  const loaded = Promise.all([loadRun(id), assessApi.runRegion(id, params.code)]).then(([data, region]) => ({
    ...data,
    region,
  }));
  const past = loaded
    .then((d) => regionHistory(params.code, d.run))
    .then(
      (h) => h.points,
      () => [],
    );
  return { loaded, past };
};
