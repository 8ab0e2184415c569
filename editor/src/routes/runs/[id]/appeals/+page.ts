import type { RunAppealFields } from '$lib/appeals/api.ts';
import { loadRun } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** The run (with its appeal window) and its rule version. */
export const load: PageLoad = ({ params }) => ({
  loaded: loadRun(Number(params.id)).then((d) => ({ ...d, run: d.run as typeof d.run & RunAppealFields })),
});
