import { AUDIT_PAGE, assessApi } from '$lib/assess/api.ts';
import type { PageLoad } from './$types';

/** One page of the audit log under the filters in the address (`?entity=&action=&user=&from=&to=&offset=`). */
export const load: PageLoad = ({ url }) => {
  const p = url.searchParams;
  const param = (key: string) => p.get(key) || undefined;
  return {
    loaded: assessApi.audit({
      entity: param('entity'),
      action: param('action'),
      user: param('user'),
      from: param('from'),
      to: param('to'),
      limit: AUDIT_PAGE,
      offset: Number(p.get('offset')) || 0,
    }),
  };
};
