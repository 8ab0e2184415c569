import type { DocumentsKey } from './documents.zh.ts';

/** English messages of the official documents and their settings page. */
export const documentsEn: Record<DocumentsKey, string> = {
  'doc.notice': 'Notice of results',
  'doc.noticePublic': 'Notice of results, public version',
  'doc.statement': 'Deduction statement',
  'doc.letter': 'Target letter',
  'doc.correction': 'Correction notice',
  'doc.docx': 'Word',
  'doc.pdf': 'PDF',
  'doc.download': 'Download {name} ({format})',
  'doc.files': 'Documents',
  'settings.title': 'Document settings',
  'settings.intro':
    'Issuing body, addressees, copies, printing office and signature of the notice of results, deduction statements, target letters and correction notices. A run without a document number says so in its documents.',
  'settings.issuer': 'Issuing body',
  'settings.issuerMark': 'Letterhead',
  'settings.abbreviation': 'Abbreviation in document numbers',
  'settings.abbreviationHint': 'e.g. 吉环考, numbers read 吉环考〔2026〕3号',
  'settings.addressee': 'Addressees',
  'settings.cc': 'Copies to, one per line',
  'settings.printer': 'Printing office',
  'settings.signatures': 'Signature per document',
  'settings.saved': 'Document settings saved.',
  'settings.readOnly': 'Only administrators may change the document settings.',
  'settings.updated': 'Last changed by {user}, {at}',
  'settings.defaults':
    'These are the defaults (from the plan: the notice is issued by the provincial government and copied to the provincial discipline commission and organisation department).',
};
