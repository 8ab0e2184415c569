import { loadRun } from '$lib/assess/runs.ts';
import type { PageLoad } from './$types';

/** The run with its rule version; read again (`invalidate('app:run')`) after its publication changes. */
export const load: PageLoad = ({ params, depends }) => {
  depends('app:run');
  return { loaded: loadRun(Number(params.id)) };
};
