/**
 * Unsaved draft edits kept in the browser (localStorage), so nothing typed is lost when the session
 * expires, the network drops or the tab closes: written on every change, removed once the server
 * has the same document, offered back when the draft is opened again.
 */

export interface DraftBackup {
  /** The revision the edits started from. */
  revision: number;
  /** That revision's document as JSON (the common base of a three-way merge); absent in old backups. */
  base?: string;
  /** The edited document, as JSON text. */
  json: string;
  /** Formula texts that are not valid JSON yet, by field path. */
  texts: Record<string, string>;
  at: string;
}

const key = (versionId: number) => `ecoscore.draft.${versionId}`;
const discardedKey = (versionId: number) => `ecoscore.discarded.${versionId}`;

export function readBackup(versionId: number): DraftBackup | null {
  try {
    const raw = localStorage.getItem(key(versionId));
    if (!raw) return null;
    const b = JSON.parse(raw) as DraftBackup;
    return typeof b.json === 'string' && typeof b.revision === 'number'
      ? { ...b, texts: b.texts ?? {}, base: typeof b.base === 'string' ? b.base : undefined }
      : null;
  } catch {
    return null;
  }
}

export function writeBackup(versionId: number, backup: Omit<DraftBackup, 'at'>): void {
  try {
    localStorage.setItem(key(versionId), JSON.stringify({ ...backup, at: new Date().toISOString() }));
  } catch {
    /* storage full or disabled: the autosave still runs */
  }
}

export function clearBackup(versionId: number): void {
  try {
    localStorage.removeItem(key(versionId));
  } catch {
    /* ignore */
  }
}

/** Keeps the side of a conflict the user did not choose (and offers it as a download). */
export function keepDiscarded(versionId: number, json: string): void {
  try {
    localStorage.setItem(discardedKey(versionId), JSON.stringify({ json, at: new Date().toISOString() }));
  } catch {
    /* ignore */
  }
}

/** Starts a download of `text` as a file. */
export function downloadText(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
