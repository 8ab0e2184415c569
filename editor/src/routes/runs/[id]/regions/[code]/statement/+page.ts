import { assessApi } from '$lib/assess/api.ts';
import { loadRun } from '$lib/assess/runs.ts';
import { documentsApi } from '$lib/documents.ts';
import type { PageLoad } from './$types';

/** A region's result in a run, with the run, its rule version and the document settings. */
export const load: PageLoad = ({ params }) => {
  const id = Number(params.id);
  return {
    loaded: Promise.all([loadRun(id), assessApi.runRegion(id, params.code), documentsApi.settings()]).then(
      ([data, region, settings]) => ({ ...data, region, settings }),
    ),
  };
};
