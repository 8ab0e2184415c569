/**
 * Messages of the official documents, read in the shell's current language.
 *
 * @example td('doc.download', { name: td('doc.notice'), format: 'PDF' })
 */
import { translator } from './index.svelte.ts';
import { documentsZh, type DocumentsKey } from './documents.zh.ts';
import { documentsEn } from './documents.en.ts';

export const td = translator<DocumentsKey>(documentsZh, documentsEn);
