/**
 * The official documents' API: download addresses (.docx and .pdf) and the document settings.
 */
import { request } from './api.ts';

export type DocumentKind = 'notice' | 'statement' | 'letter' | 'correction';

export interface DocumentSettings {
  issuer: string;
  issuerMark: string;
  abbreviation: string;
  addressee: string;
  cc: string[];
  printer: string;
  signatures: Record<DocumentKind, string>;
  updatedBy?: string;
  updatedAt?: string;
}

export const DOCUMENT_KINDS: DocumentKind[] = ['notice', 'statement', 'letter', 'correction'];

/** Addresses of the files, without the extension (the link adds `.docx` / `.pdf`). */
export const documentPaths = {
  notice: (runId: number) => `/api/runs/${runId}/documents/notice`,
  correction: (runId: number) => `/api/runs/${runId}/documents/correction`,
  statement: (runId: number, code: string) =>
    `/api/runs/${runId}/regions/${encodeURIComponent(code)}/statement`,
  letter: (versionId: number, code: string) =>
    `/api/versions/${versionId}/letters/${encodeURIComponent(code)}`,
};

export const documentsApi = {
  settings: () => request<DocumentSettings>('GET', '/api/settings/documents'),
  saveSettings: (s: DocumentSettings) =>
    request<DocumentSettings>('PUT', '/api/settings/documents', { body: s }),
};
