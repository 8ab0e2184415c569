/**
 * Official documents (公文): builders of the content model and its two renderers.
 *
 * @example
 * const doc = buildNotice(loadRun(db, 7), { public: true });
 * const file = await renderDocument(doc, 'pdf'); // { filename, contentType, body }
 */
import type { OfficialDocument } from './model.ts';

export type DocumentFormat = 'docx' | 'pdf';
export const CONTENT_TYPES: Record<DocumentFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

/** The file of a document in a format, named in Chinese (with an ASCII fallback name). */
export async function renderDocument(
  doc: OfficialDocument,
  format: DocumentFormat,
): Promise<{ filename: string; asciiName: string; contentType: string; body: Buffer }> {
  // The renderers (docx, pdfkit and its fonts) load on the first document, not at server start.
  const body =
    format === 'docx'
      ? await (await import('./docx.ts')).renderDocx(doc)
      : await (await import('./pdf.ts')).renderPdf(doc);
  return {
    filename: `${doc.fileNameZh}.${format}`,
    asciiName: `${doc.fileName}.${format}`,
    contentType: CONTENT_TYPES[format],
    body,
  };
}

export { buildNotice } from './notice.ts';
export { buildStatement } from './statement.ts';
export { buildLetter } from './letter.ts';
export { buildCorrection, compareRuns } from './correction.ts';
export { loadRun, runPublication } from './source.ts';
export type { OfficialDocument } from './model.ts';
