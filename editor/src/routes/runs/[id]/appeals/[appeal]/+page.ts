import { appealsApi } from '$lib/appeals/api.ts';
import { loadRun } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** The run with its rule version, and the appeal. */
export const load: PageLoad = ({ params }) => ({
  loaded: Promise.all([loadRun(Number(params.id)), appealsApi.get(Number(params.appeal))]).then(
    ([data, appeal]) => ({ ...data, appeal }),
  ),
});
