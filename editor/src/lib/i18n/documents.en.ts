import type { DocumentsKey } from './documents.zh.ts';

/** English messages of the official documents and their settings page. */
export const documentsEn: Record<DocumentsKey, string> = {
  'doc.notice': 'Notice of results (通报)',
  'doc.noticePublic': 'Notice of results, public version',
  'doc.statement': 'Deduction statement (扣分说明)',
  'doc.letter': 'Target letter (目标责任书)',
  'doc.correction': 'Correction notice (更正通报)',
  'doc.docx': 'Word',
  'doc.pdf': 'PDF',
  'doc.download': 'Download {name} ({format})',
  'doc.files': 'Documents',
  'settings.title': 'Document settings',
  'settings.intro':
    'Issuing body, addressees, copies, printing office and signature of the notice of results, deduction statements, target letters and correction notices. A run without a document number says so in its documents.',
  'settings.issuer': 'Issuing body (发文机关)',
  'settings.issuerMark': 'Letterhead (发文机关标志)',
  'settings.abbreviation': 'Abbreviation in document numbers',
  'settings.abbreviationHint': 'e.g. 吉环考, numbers read 吉环考〔2026〕3号',
  'settings.addressee': 'Addressees (主送)',
  'settings.cc': 'Copies to (抄送), one per line',
  'settings.printer': 'Printing office (印发机关)',
  'settings.signatures': 'Signature (落款) per document',
  'settings.saved': 'Document settings saved.',
  'settings.readOnly': 'Only administrators may change the document settings.',
  'settings.updated': 'Last changed by {user}, {at}',
  'settings.defaults':
    'These are the defaults (from the plan: the notice is issued by the provincial government and copied to the provincial discipline commission and organisation department).',
};
