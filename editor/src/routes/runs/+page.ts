import { api } from '$lib/api.ts';
import { assessApi } from '$lib/assess/api.ts';
import type { PageLoad } from './$types';

/** The runs, the rule versions and the years with data (`invalidate('app:runs')` reads them again). */
export const load: PageLoad = ({ depends }) => {
  depends('app:runs');
  return {
    loaded: Promise.all([assessApi.runs(), api.versions(), assessApi.datasets()]).then(
      ([{ runs }, { versions }, { datasets }]) => ({ runs, versions, datasets }),
    ),
  };
};
