/**
 * One rule version open in the editor: the document being edited (a deep reactive object the forms
 * bind to), its validation by the engine, autosave with the revision (`If-Match`), conflicts, the
 * local backup of unsaved edits, undo, and navigation to the field a problem concerns.
 */
import { tick } from 'svelte';
import { api, ApiError, type Version, type VersionSummary } from '$lib/api.ts';
import {
  validateDocument,
  runDocumentTests,
  type Problem,
  type RuleDocument,
  type TestOutcome,
} from '$lib/engine.ts';
import { anchorOf, rowOf, sectionOf, type SectionId } from './pointer.ts';
import { clearBackup, downloadText, keepDiscarded, readBackup, writeBackup } from './draft-store.ts';
import type { VariableInfo } from './completion.ts';
import { PreviewModel } from './preview.svelte.ts';

/**
 * `invalid`: the server refused to store the document (422: it does not match the JSON Schema yet);
 * the edits stay in the local backup and the next change tries again.
 */
export type SaveState = 'saved' | 'pending' | 'saving' | 'error' | 'invalid' | 'conflict' | 'syntax';

const VALIDATE_DELAY = 200;
const SAVE_DELAY = 1200;
const UNDO_LIMIT = 100;
/** Changes closer together than this are one undo step (typing a word). */
const UNDO_COALESCE = 800;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function summaryOf(v: Version): VersionSummary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { document, ...summary } = v;
  return summary;
}

export class DraftSession {
  version = $state<VersionSummary>(null as unknown as VersionSummary);
  /** The document as edited: possibly invalid while the user types. */
  doc = $state<Doc>(null);
  revision = $state(0);
  editable = $state(false);
  saveState = $state<SaveState>('saved');
  saveError = $state<unknown>(null);
  /** Someone else saved first: their version, and ours as JSON. */
  conflict = $state<{ mineJson: string; theirs: Version } | null>(null);
  /** The edits restored from this browser's backup when the draft was opened. */
  restored = $state(false);
  /** The engine's problems for the current document (tests not included). */
  problems = $state<Problem[]>([]);
  /** Formula fields whose text is not valid JSON: path → parser message. */
  syntaxErrors = $state<Record<string, string>>({});
  tab = $state<SectionId>('overview');
  side = $state<'problems' | 'preview' | 'sensitivity' | 'health'>('problems');
  /** Rows whose details are unfolded, by row path. */
  expanded = $state<Record<string, boolean>>({});
  /** The version this draft was made from. */
  parent = $state<Version | null>(null);
  /** Outcomes of the last test run, and the document they were run on. */
  testOutcomes = $state<TestOutcome[] | null>(null);
  testsRunJson = $state('');
  canUndo = $state(false);
  canRedo = $state(false);
  /** The current document as JSON (the state every check and save works from). */
  docJson = $state('');

  readonly preview = new PreviewModel();

  /** Formula texts that are not valid JSON yet (kept in the backup; not reactive). */
  pendingTexts: Record<string, string> = {};
  private savedJson = '';
  private validateTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<boolean> | null = null;
  private undoStack: string[] = [];
  private redoStack: string[] = [];
  private lastUndoPush = 0;
  private applyingHistory = false;

  constructor(version: Version, editable: boolean) {
    this.adopt(version);
    this.editable = editable && version.status === 'draft';
    this.docJson = this.savedJson;
    if (this.editable) this.restoreBackup(version);
    this.validateNow();
  }

  private adopt(v: Version): void {
    this.version = summaryOf(v);
    this.revision = v.revision;
    this.doc = structuredClone(v.document);
    this.savedJson = JSON.stringify(v.document);
  }

  private restoreBackup(v: Version): void {
    const backup = readBackup(v.id);
    if (!backup) return;
    if (backup.json === this.savedJson && Object.keys(backup.texts).length === 0) {
      clearBackup(v.id);
      return;
    }
    if (backup.revision === v.revision) {
      this.doc = JSON.parse(backup.json);
      this.pendingTexts = { ...backup.texts };
      this.docJson = backup.json;
      this.restored = true;
      this.saveState = 'pending';
      this.scheduleSave();
    } else {
      // Edited here from an older revision that someone else has changed since: let the user choose.
      this.conflict = { mineJson: backup.json, theirs: v };
      this.saveState = 'conflict';
    }
  }

  /** Loads the version the draft was made from (for the preview's comparison). */
  async loadParent(): Promise<void> {
    const id = this.version.parentId;
    if (!id) return;
    try {
      this.parent = await api.version(id);
      this.preview.setParent(this.parent.document);
    } catch {
      this.parent = null;
    }
  }

  /** Called by the page on every change of the document (with its JSON). */
  onChange(json: string): void {
    if (json === this.docJson) return;
    if (!this.applyingHistory) {
      const now = Date.now();
      if (now - this.lastUndoPush > UNDO_COALESCE || this.undoStack.length === 0) {
        this.undoStack.push(this.docJson);
        if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
      }
      this.lastUndoPush = now;
      this.redoStack = [];
    }
    this.applyingHistory = false;
    this.canUndo = this.undoStack.length > 0;
    this.canRedo = this.redoStack.length > 0;
    this.docJson = json;
    clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => this.validateNow(), VALIDATE_DELAY);
    if (!this.editable) return;
    this.backup();
    if (this.conflict) return;
    if (json !== this.savedJson) {
      this.saveState = 'pending';
      this.scheduleSave();
    }
  }

  /** The document as a plain value (undefined fields dropped). */
  snapshot(): Doc {
    return JSON.parse(this.docJson);
  }

  validateNow(): void {
    clearTimeout(this.validateTimer);
    const doc = this.snapshot();
    let problems: Problem[];
    try {
      problems = validateDocument(doc, { runTests: false });
    } catch (e) {
      problems = [{ path: '', code: 'internal', message: String(e) }];
    }
    this.problems = problems;
    this.preview.setDraft(doc, problems);
  }

  /** Problems shown in the list: the formula texts that do not parse, then the engine's. */
  readonly allProblems: Problem[] = $derived([
    ...Object.entries(this.syntaxErrors).map(([path, message]) => ({ path, code: 'json_syntax', message })),
    ...this.problems,
  ]);

  /** Problems grouped by the field that shows them. */
  readonly byAnchor: Map<string, Problem[]> = $derived.by(() => {
    const map = new Map<string, Problem[]>();
    for (const p of this.allProblems) {
      const a = anchorOf(p.path);
      const list = map.get(a);
      if (list) list.push(p);
      else map.set(a, [p]);
    }
    return map;
  });

  /** The problems shown on the field at `path`. */
  problemsAt(path: string): Problem[] {
    return this.byAnchor.get(path) ?? [];
  }

  /** Every problem anchored at `path` or below it. */
  problemsUnder(path: string): Problem[] {
    const out: Problem[] = [];
    for (const [a, list] of this.byAnchor) if (a === path || a.startsWith(path + '/')) out.push(...list);
    return out;
  }

  setSyntaxError(path: string, message: string | null, text?: string): void {
    if (message === null) {
      if (path in this.syntaxErrors) delete this.syntaxErrors[path];
      delete this.pendingTexts[path];
    } else {
      this.syntaxErrors[path] = message;
      if (text !== undefined) this.pendingTexts[path] = text;
    }
    if (this.editable) {
      this.backup();
      if (message === null && this.saveState === 'syntax') this.scheduleSave();
      if (message !== null) this.saveState = 'syntax';
    }
  }

  /** A formula field moved (its row was reordered): its unparsed text moves with it. */
  moveSyntaxError(from: string, to: string): void {
    if (from === to || !(from in this.syntaxErrors)) return;
    const message = this.syntaxErrors[from];
    const text = this.pendingTexts[from];
    this.setSyntaxError(from, null);
    this.setSyntaxError(to, message, text);
  }

  /** The variables formulas may use: inputs and derived values with labels and units. */
  get variables(): VariableInfo[] {
    const d = this.doc;
    const vars: VariableInfo[] = [];
    for (const i of d?.inputs ?? [])
      if (i && typeof i.key === 'string' && i.key)
        vars.push({ key: i.key, label: i.label ?? { zh: i.key }, unit: i.unit, kind: 'input', type: i.type });
    for (const x of d?.derived ?? [])
      if (x && typeof x.key === 'string' && x.key)
        vars.push({ key: x.key, label: x.label ?? { zh: x.key }, kind: 'derived', type: 'number' });
    return vars;
  }

  private backup(): void {
    const dirty = this.docJson !== this.savedJson || Object.keys(this.pendingTexts).length > 0;
    if (dirty)
      writeBackup(this.version.id, { revision: this.revision, json: this.docJson, texts: this.pendingTexts });
    else clearBackup(this.version.id);
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), SAVE_DELAY);
  }

  get dirty(): boolean {
    return this.docJson !== this.savedJson;
  }

  /** Saves now (the autosave calls this too). Resolves true when the server has the document. */
  async save(): Promise<boolean> {
    clearTimeout(this.saveTimer);
    if (!this.editable || this.conflict) return false;
    if (Object.keys(this.syntaxErrors).length > 0) {
      this.saveState = 'syntax';
      return false;
    }
    // One save at a time: a second caller waits, then saves what is still unsaved (never the same
    // revision twice, which the server would take for a conflict).
    while (this.saving) await this.saving;
    const json = this.docJson;
    if (json === this.savedJson) {
      this.saveState = 'saved';
      return true;
    }
    this.saveState = 'saving';
    this.saving = this.put(json);
    try {
      return await this.saving;
    } finally {
      this.saving = null;
    }
  }

  private async put(json: string): Promise<boolean> {
    try {
      const v = await api.updateVersion(this.version.id, JSON.parse(json), this.revision);
      this.version = summaryOf(v);
      this.revision = v.revision;
      this.savedJson = json;
      this.saveError = null;
      if (this.docJson === json) {
        this.saveState = 'saved';
        if (Object.keys(this.pendingTexts).length === 0) clearBackup(this.version.id);
      } else {
        this.saveState = 'pending';
        this.scheduleSave();
      }
      return true;
    } catch (e) {
      const current = e instanceof ApiError ? (e.body.current as Version | undefined) : undefined;
      if (e instanceof ApiError && e.status === 409 && current && current.status === 'draft') {
        this.conflict = { mineJson: json, theirs: current };
        this.saveState = 'conflict';
      } else if (e instanceof ApiError && e.status === 422) {
        this.saveState = 'invalid';
        this.saveError = e;
      } else {
        if (e instanceof ApiError && e.status === 409 && current) {
          // Published or retired meanwhile: this page becomes read-only; the edits stay in the backup.
          this.version = summaryOf(current);
          this.editable = false;
        }
        this.saveState = 'error';
        this.saveError = e;
      }
      return false;
    }
  }

  /** Conflict: overwrite their revision with ours. */
  async keepMine(): Promise<void> {
    if (!this.conflict) return;
    const { theirs } = this.conflict;
    keepDiscarded(this.version.id, JSON.stringify(theirs.document, null, 2));
    downloadText(
      `${theirs.family}-${theirs.year}-v${theirs.version}-r${theirs.revision}-theirs.json`,
      JSON.stringify(theirs.document, null, 2),
    );
    this.revision = theirs.revision;
    this.savedJson = JSON.stringify(theirs.document);
    this.conflict = null;
    this.saveState = 'pending';
    await this.save();
  }

  /** Conflict: take their revision; ours is downloaded and kept in this browser. */
  keepTheirs(): void {
    if (!this.conflict) return;
    const { mineJson, theirs } = this.conflict;
    const pretty = JSON.stringify(JSON.parse(mineJson), null, 2);
    keepDiscarded(this.version.id, pretty);
    downloadText(`${theirs.family}-${theirs.year}-v${theirs.version}-mine.json`, pretty);
    this.conflict = null;
    this.adopt(theirs);
    this.pendingTexts = {};
    this.syntaxErrors = {};
    this.docJson = this.savedJson;
    clearBackup(this.version.id);
    this.saveState = 'saved';
    this.validateNow();
  }

  /** Replaces the whole document (the JSON view, a pattern, a test added …). */
  replaceDoc(doc: Doc): void {
    this.doc = doc;
  }

  undo(): void {
    const prev = this.undoStack.pop();
    if (prev === undefined) return;
    this.redoStack.push(this.docJson);
    this.applyingHistory = true;
    this.doc = JSON.parse(prev);
  }

  redo(): void {
    const next = this.redoStack.pop();
    if (next === undefined) return;
    this.undoStack.push(this.docJson);
    this.applyingHistory = true;
    this.doc = JSON.parse(next);
  }

  /** Runs the document's tests with the engine (on a document that validates). */
  runTests(): void {
    const doc = this.snapshot() as RuleDocument;
    this.testsRunJson = this.docJson;
    const blocking = this.problems.filter((p) => !p.path.startsWith('/tests'));
    if (blocking.length > 0) {
      this.testOutcomes = null;
      return;
    }
    try {
      this.testOutcomes = runDocumentTests(doc);
    } catch (e) {
      this.testOutcomes = (doc.tests ?? []).map((t) => ({
        name: t.name,
        passed: false,
        failures: [],
        errors: [{ region: '', name: t.name, code: 'internal', message: String(e) }],
      }));
    }
  }

  /** Shows the field a problem concerns: its tab, its row unfolded, scrolled to and focused. */
  async jumpTo(path: string): Promise<void> {
    const anchor = anchorOf(path);
    this.tab = sectionOf(anchor);
    const row = rowOf(anchor);
    if (row && row !== anchor) this.expanded[row] = true;
    await tick();
    await new Promise((r) => requestAnimationFrame(r));
    let p = anchor;
    let el: HTMLElement | null = null;
    for (;;) {
      el = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
      if (el || p === '') break;
      p = p.slice(0, p.lastIndexOf('/'));
    }
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    const target = el.matches('input, select, textarea, button')
      ? el
      : el.querySelector<HTMLElement>('.cm-content, input, select, textarea');
    target?.focus({ preventScroll: true });
    el.classList.remove('flash');
    void el.offsetWidth;
    el.classList.add('flash');
  }

  dispose(): void {
    clearTimeout(this.validateTimer);
    clearTimeout(this.saveTimer);
  }
}
