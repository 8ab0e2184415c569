import { api } from '$lib/api.ts';
import { assessApi } from '$lib/assess/api.ts';
import { defaultVersionFor } from '$lib/assess/versions.ts';
import type { PageLoad } from './$types';

/**
 * The rule versions (the year and version pickers), and for `?year=` the chosen version (`?version=`,
 * else the year's default) with the year's data; `?region=` only filters what is shown.
 */
export const load: PageLoad = ({ url }) => {
  const year = Number(url.searchParams.get('year')) || null;
  const versionParam = Number(url.searchParams.get('version')) || null;
  return {
    loaded: api.versions().then(async ({ versions }) => {
      if (!year) return { versions, version: null, grid: null };
      const id = versionParam ?? defaultVersionFor(year, versions)?.id;
      const [version, grid] = await Promise.all([id ? api.version(id) : null, assessApi.dataset(year)]);
      return { versions, version, grid };
    }),
  };
};
