/**
 * Messages of the official documents, read in the shell's current language.
 *
 * @example td('doc.download', { name: td('doc.notice'), format: 'PDF' })
 */
import { i18n } from './index.svelte.ts';
import { documentsZh, type DocumentsKey } from './documents.zh.ts';
import { documentsEn } from './documents.en.ts';

const dictionaries: Record<'zh' | 'en', Record<DocumentsKey, string>> = { zh: documentsZh, en: documentsEn };

export function td(key: DocumentsKey, params?: Record<string, string | number>): string {
  const text = dictionaries[i18n.locale]?.[key] ?? documentsZh[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
