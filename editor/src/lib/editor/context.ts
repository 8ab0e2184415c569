import { getContext, setContext } from 'svelte';
import type { DraftSession } from './draft.svelte.ts';

const KEY = Symbol('draft-session');

/** Makes the open draft available to every editor component below the page. */
export function provideDraft(session: DraftSession): void {
  setContext(KEY, session);
}

export function useDraft(): DraftSession {
  const s = getContext<DraftSession | undefined>(KEY);
  if (!s) throw new Error('useDraft() outside the draft editor');
  return s;
}
