/**
 * What a page's loader (`+page.ts`) hands over as a promise, as reactive state: null while it loads,
 * then its value or its error. `<Loaded>` shows it; pages whose own derived state reads the value
 * (sorting, filters, charts) read it here.
 *
 * `key`: while it stays the same, a new promise (the loader run again after `invalidate`) keeps the
 * value shown until the new one is there; when it changes (another run), the page shows loading.
 * By default every new promise shows loading.
 *
 * @example
 * const loaded = awaited(() => data.loaded, () => page.params.id);
 * const run = $derived(loaded.value?.run);
 */
import { untrack } from 'svelte';

export type Settled<T> = { value: T } | { error: unknown } | null;

export function awaited<T>(
  get: () => Promise<T>,
  key?: () => unknown,
): { readonly state: Settled<T>; readonly value: T | undefined; readonly error: unknown } {
  let state = $state<Settled<T>>(null);
  let shownKey: unknown = undefined;
  $effect(() => {
    const p = get();
    const k = key ? key() : p;
    untrack(() => {
      if (k !== shownKey || (state && 'error' in state)) state = null;
    });
    shownKey = k;
    p.then(
      (value) => {
        if (get() === p) state = { value };
      },
      (error: unknown) => {
        if (get() === p) state = { error };
      },
    );
  });
  return {
    get state() {
      return state;
    },
    get value() {
      return state && 'value' in state ? state.value : undefined;
    },
    get error() {
      return state && 'error' in state ? state.error : null;
    },
  };
}
