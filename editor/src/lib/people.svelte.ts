/**
 * People by their display name (姓名): the records keep usernames (created by, requested by,
 * approved by), the pages show names. The directory (`GET /api/users/names`) is read once per page
 * session, on the first name asked for; until it arrives, and for a username it does not know (a
 * system identity, a removed user), the username is shown.
 *
 * @example
 * personName('ed') // '王编辑' once the directory is loaded, 'ed' before
 */
import { request } from '$lib/api.ts';

const names = $state<Record<string, string>>({});
let loading: Promise<void> | null = null;

function load(): void {
  loading ??= request<{ names: Record<string, string> }>('GET', '/api/users/names').then(
    (r) => {
      Object.assign(names, r.names);
    },
    () => {
      loading = null; // tried again on the next name asked for
    },
  );
}

/** The display name of `username` (the username itself while unknown); '' for none. */
export function personName(username: string | null | undefined): string {
  if (!username) return '';
  load();
  return names[username] || username;
}

/** Forgets the directory (after signing out, or when an admin renamed someone). */
export function forgetNames(): void {
  for (const k of Object.keys(names)) delete names[k];
  loading = null;
}
