import { loadRun } from '$lib/assess/runs.ts';
import { documentsApi } from '$lib/documents.ts';
import type { PageLoad } from './$types';

/** The run with its rule version, and the document settings (the 红头, 落款 and 抄送). */
export const load: PageLoad = ({ params }) => ({
  loaded: Promise.all([loadRun(Number(params.id)), documentsApi.settings()]).then(([data, settings]) => ({
    ...data,
    settings,
  })),
});
