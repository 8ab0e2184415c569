import { appealsApi } from '$lib/appeals/api.ts';
import { loadRun } from '$lib/assess/runs.ts';
import { documentsApi } from '$lib/documents.ts';
import type { PageLoad } from './$types';

/**
 * A correction run with the run it corrects, its impact (region by region), the appeals' counts and
 * the 落款 of the 更正通报 from the document settings (the issuing body when none is set);
 * `correction` is null for a run that corrects none.
 */
export const load: PageLoad = ({ params }) => ({
  loaded: (async () => {
    const runId = Number(params.id);
    const data = await loadRun(runId);
    const run = data.run;
    const from = run.supersedes;
    if (!from) return { ...data, run, correction: null };
    const [original, impact, appeals, settings] = await Promise.all([
      loadRun(from),
      appealsApi.impact(runId),
      appealsApi.list({ runId: from }),
      documentsApi.settings(),
    ]);
    const signature = settings.signatures.correction || settings.issuer;
    return { ...data, run, correction: { original, impact, counts: appeals.counts, signature } };
  })(),
});
