/** The columns of the draft editor's tables (for TableHead). */
import { t } from '$lib/i18n/index.svelte.ts';

export interface Column {
  /** The head's text; none for a column of buttons. */
  title?: string;
  width?: string;
  class?: string;
}

/** The leading columns of a table of entities keyed by `key`: the row number, the key, the Chinese label. */
export function keyedColumns(keyWidth: string): Column[] {
  return [
    { title: '#', width: '28px' },
    { title: t('field.key'), width: keyWidth },
    { title: t('field.labelZh') },
  ];
}
