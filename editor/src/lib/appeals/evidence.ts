/**
 * Evidence files of an appeal, checked in the browser before they are sent (the server checks them
 * again): at most 10 MiB, not empty, and a PDF or an image whose first bytes say so (a renamed file
 * is refused). The content type sent is the one the bytes show, not the one the browser guesses.
 *
 * @example
 * const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
 * checkEvidence(file.name, file.size, head) // { ok: true, contentType: 'application/pdf' }
 */

/** SPEC section 10: ≤ 10 MiB each. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

/** What the file picker offers (the check below decides). */
export const EVIDENCE_ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';

export type EvidenceType = 'application/pdf' | 'image/png' | 'image/jpeg';

const BY_EXTENSION: Record<string, EvidenceType> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

/** The type the first bytes show, or null. */
export function sniff(head: Uint8Array): EvidenceType | null {
  const starts = (bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  return null;
}

export type EvidenceProblem = 'empty' | 'tooLarge' | 'badType' | 'mismatch' | 'badName';

export type EvidenceCheck = { ok: true; contentType: EvidenceType } | { ok: false; problem: EvidenceProblem };

/** Checks one file by its name, size and first 16 bytes. */
export function checkEvidence(name: string, size: number, head: Uint8Array): EvidenceCheck {
  if (!name || name.length > 200 || /[\\/\u0000-\u001f]/.test(name)) return { ok: false, problem: 'badName' };
  if (size === 0) return { ok: false, problem: 'empty' };
  if (size > EVIDENCE_MAX_BYTES) return { ok: false, problem: 'tooLarge' };
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const byName = BY_EXTENSION[ext];
  const byBytes = sniff(head);
  if (!byName || !byBytes) return { ok: false, problem: 'badType' };
  if (byName !== byBytes) return { ok: false, problem: 'mismatch' };
  return { ok: true, contentType: byBytes };
}

/** Checks a browser File (reads only its first bytes). */
export async function checkFile(file: File): Promise<EvidenceCheck> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  return checkEvidence(file.name, file.size, head);
}

/** A size for people: "1.2 MB", "830 KB", "512 B". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Can the browser show it inline (an image in <img>, a PDF in its viewer)? */
export function isImage(contentType: string): boolean {
  return contentType === 'image/png' || contentType === 'image/jpeg';
}
