/**
 * Region names in the page's language: results and data carry each region's Chinese name; in
 * English the region directory's English name is shown where there is one. The directory is read
 * once per page session.
 *
 * @example
 * regionName('220100', '长春市') // '长春市', or 'Changchun' in English
 */
import { api } from '$lib/api.ts';
import { i18n } from '$lib/i18n/index.svelte.ts';

const english = $state<Record<string, string>>({});
let loading: Promise<void> | null = null;

function load(): void {
  loading ??= api.regions().then(
    ({ regions }) => {
      for (const r of regions) if (r.nameEn) english[r.code] = r.nameEn;
    },
    () => {
      loading = null; // tried again on the next English page
    },
  );
}

/** The region's name for the current language (`zh`: the name given). */
export function regionName(code: string, nameZh: string): string {
  if (i18n.locale !== 'en') return nameZh;
  load();
  return english[code] || nameZh;
}
