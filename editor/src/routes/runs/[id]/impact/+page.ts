import { appealsApi } from '$lib/appeals/api.ts';
import { loadRun } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** A correction run with its rule version, and its impact against the run it supersedes. */
export const load: PageLoad = ({ params }) => {
  const id = Number(params.id);
  return {
    loaded: Promise.all([loadRun(id), appealsApi.impact(id)]).then(([data, impact]) => ({ ...data, impact })),
  };
};
