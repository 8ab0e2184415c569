import { loadRun } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** The run (with its appeal window) and its rule version. */
export const load: PageLoad = ({ params }) => ({
  loaded: loadRun(Number(params.id)),
});
