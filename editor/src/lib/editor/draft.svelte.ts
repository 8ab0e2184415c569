/**
 * One rule version open in the editor: the document being edited (a deep reactive object the forms
 * bind to), its validation by the engine, autosave with the revision (`If-Match`), conflicts, the
 * local backup of unsaved edits, undo, and navigation to the field a problem concerns.
 */
import { tick } from 'svelte';
import { api, ApiError, type Version, type VersionSummary } from '$lib/api.ts';
import type { Problem, RuleDocument, TestOutcome } from '$lib/engine.ts';
import { engine, isSuperseded } from '$lib/engine-worker/index.ts';
import { anchorOf, rowOf, sectionOf, type SectionId } from './pointer.ts';
import { clearBackup, downloadText, keepDiscarded, readBackup, writeBackup } from './draft-store.ts';
import type { VariableInfo } from './completion.ts';
import { PreviewModel } from './preview.svelte.ts';
import { threeWayMerge } from './merge.ts';

/** Someone else's save was merged with ours automatically: the fields each side changed. */
export interface MergeNotice {
  revision: number;
  mine: string[];
  theirs: string[];
}

/** Saves answered 409 and merged in a row before the user is asked instead (someone keeps saving). */
const MAX_MERGE_RETRIES = 3;

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

/** An engine failure (a time limit, a crash, an exception) as a problem on the whole document. */
function engineProblem(e: unknown): Problem {
  const x = e as { code?: unknown; message?: unknown };
  return {
    path: '',
    code: typeof x?.code === 'string' ? x.code : 'internal',
    message: typeof x?.message === 'string' ? x.message : String(e),
  };
}

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
  /**
   * Someone else saved first: their version, ours as JSON, and the fields both changed differently
   * (when the revision both started from is known).
   */
  conflict = $state<{ mineJson: string; theirs: Version; fields?: string[] } | null>(null);
  /** The fields the last failed merge found changed by both (for the conflict dialog). */
  private lastConflicts: string[] = [];
  /** The edits restored from this browser's backup when the draft was opened. */
  restored = $state(false);
  /** The last automatic merge with someone else's save (shown until dismissed). */
  merged = $state<MergeNotice | null>(null);
  /** The engine's problems for the current document (tests not included). */
  problems = $state<Problem[]>([]);
  /** The engine (in its worker) is checking the current document. */
  validating = $state(false);
  /** The document's tests are running. */
  testsRunning = $state(false);
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
  private validateSeq = 0;

  constructor(version: Version, editable: boolean) {
    this.adopt(version);
    // A draft awaiting approval (four eyes) is locked until the request is withdrawn or approved.
    this.editable = editable && version.status === 'draft' && !version.pending;
    this.docJson = this.savedJson;
    if (this.editable) this.restoreBackup(version);
    this.validateNow();
  }

  private adopt(v: Version): void {
    // Through JSON, not structuredClone: `v` may be a reactive proxy (the conflict's), which
    // structuredClone refuses.
    const json = JSON.stringify(v.document);
    this.version = summaryOf(JSON.parse(JSON.stringify(v)) as Version);
    this.revision = v.revision;
    this.doc = JSON.parse(json);
    this.savedJson = json;
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
      // Edited here from an older revision that someone else has changed since: merged when the two
      // edits touch different fields, else the user chooses.
      this.pendingTexts = { ...backup.texts };
      this.lastConflicts = [];
      if (backup.base !== undefined && this.mergeWith(backup.base, backup.json, v)) {
        this.restored = true;
        if (this.saveState === 'pending') this.scheduleSave();
        return;
      }
      this.conflict = { mineJson: backup.json, theirs: v, fields: this.lastConflicts };
      this.saveState = 'conflict';
    }
  }

  /**
   * Three-way merge of my edits (`mineJson`, made from `baseJson`) with the server's `theirs`. When no
   * field was changed differently by both, the merged document becomes the one edited (saved next,
   * against their revision) and the user is told; otherwise nothing changes and false is returned.
   */
  private mergeWith(baseJson: string, mineJson: string, theirs: Version): boolean {
    const result = threeWayMerge(
      JSON.parse(baseJson),
      JSON.parse(mineJson),
      JSON.parse(JSON.stringify(theirs.document)),
    );
    this.lastConflicts = result.conflicts;
    if (!result.ok) return false;
    const json = JSON.stringify(result.merged);
    this.version = summaryOf(JSON.parse(JSON.stringify(theirs)) as Version);
    this.revision = theirs.revision;
    this.savedJson = JSON.stringify(theirs.document);
    this.conflict = null;
    this.merged = { revision: theirs.revision, mine: result.mine, theirs: result.theirs };
    if (json !== this.docJson) {
      this.doc = JSON.parse(json);
      this.docJson = json;
      void this.validateNow();
    }
    this.backup();
    this.saveState = json === this.savedJson ? 'saved' : 'pending';
    return true;
  }

  /** Loads the version the draft was made from (for the preview's comparison). */
  async loadParent(): Promise<void> {
    const id = this.version.parentId;
    if (!id) return;
    try {
      const parent = await api.version(id);
      this.parent = parent;
      // The plain object, not the reactive proxy: it is posted to the engine's worker.
      this.preview.setParent(parent.document);
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

  /**
   * Validates the current document in the engine's worker (with its time limit); only the latest
   * call's answer is kept.
   */
  validateNow(): Promise<void> {
    clearTimeout(this.validateTimer);
    const doc = this.snapshot();
    const seq = ++this.validateSeq;
    this.validating = true;
    return engine.run('validate', { doc, options: { runTests: false } }, { key: 'draft-validate' }).then(
      (problems) => this.validated(seq, doc, problems),
      (e: unknown) => {
        if (isSuperseded(e)) return;
        this.validated(seq, doc, [engineProblem(e)]);
      },
    );
  }

  private validated(seq: number, doc: Doc, problems: Problem[]): void {
    if (seq !== this.validateSeq) return;
    this.validating = false;
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

  /** The variables formulas may use: parameters, inputs and derived values with labels and units. */
  get variables(): VariableInfo[] {
    const d = this.doc;
    const vars: VariableInfo[] = [];
    for (const p of d?.parameters ?? [])
      if (p && typeof p.key === 'string' && p.key)
        vars.push({
          key: p.key,
          label: p.label ?? { zh: p.key },
          unit: p.unit,
          kind: 'parameter',
          type: typeof p.value === 'number' ? 'number' : typeof p.value,
        });
    for (const i of d?.inputs ?? [])
      if (i && typeof i.key === 'string' && i.key)
        vars.push({ key: i.key, label: i.label ?? { zh: i.key }, unit: i.unit, kind: 'input', type: i.type });
    // Last year's values (schema version 2) of the inputs that declare `previous`: prev.KEY.
    for (const i of d?.inputs ?? [])
      if (i && typeof i.key === 'string' && i.key && (i.previous === 'required' || i.previous === 'optional'))
        vars.push({
          key: `prev.${i.key}`,
          label: {
            zh: `上年${i.label?.zh ?? i.key}`,
            ...(i.label?.en ? { en: `last year's ${i.label.en}` } : {}),
          },
          unit: i.unit,
          kind: 'input',
          type: i.type,
        });
    for (const x of d?.derived ?? [])
      if (x && typeof x.key === 'string' && x.key)
        vars.push({ key: x.key, label: x.label ?? { zh: x.key }, kind: 'derived', type: 'number' });
    return vars;
  }

  private backup(): void {
    const dirty = this.docJson !== this.savedJson || Object.keys(this.pendingTexts).length > 0;
    if (dirty)
      writeBackup(this.version.id, {
        revision: this.revision,
        base: this.savedJson,
        json: this.docJson,
        texts: this.pendingTexts,
      });
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

  private async put(json: string, merges = 0): Promise<boolean> {
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
        // Someone saved first. Mine is everything typed so far (also what was typed during this
        // request); the base is the revision both edits started from.
        if (merges < MAX_MERGE_RETRIES && this.mergeWith(this.savedJson, this.docJson, current)) {
          if (this.docJson === this.savedJson) return true;
          this.saveState = 'saving';
          return this.put(this.docJson, merges + 1);
        }
        this.conflict = {
          mineJson: this.docJson,
          theirs: current,
          fields: merges < MAX_MERGE_RETRIES ? this.lastConflicts : [],
        };
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

  /**
   * Conflict: save ours over their revision (`If-Match` their revision, so a third save meanwhile is
   * a new conflict, never overwritten unseen). Theirs is downloaded and kept in this browser.
   * Resolves true when the server has ours.
   */
  async keepMine(): Promise<boolean> {
    if (!this.conflict) return false;
    const { mineJson, theirs } = JSON.parse(JSON.stringify(this.conflict)) as {
      mineJson: string;
      theirs: Version;
    };
    const theirsPretty = JSON.stringify(theirs.document, null, 2);
    keepDiscarded(this.version.id, theirsPretty);
    downloadText(
      `${theirs.family}-${theirs.year}-v${theirs.version}-r${theirs.revision}-theirs.json`,
      theirsPretty,
    );
    this.revision = theirs.revision;
    this.savedJson = JSON.stringify(theirs.document);
    this.conflict = null;
    this.merged = null;
    // The document on screen is mine (after a reload it was theirs, with mine only in the backup).
    if (this.docJson !== mineJson) {
      this.doc = JSON.parse(mineJson);
      this.docJson = mineJson;
      void this.validateNow();
    }
    // The backup now starts from their revision: a reload no longer brings the dialog back.
    this.backup();
    this.saveState = mineJson === this.savedJson ? 'saved' : 'pending';
    return this.save();
  }

  /** Conflict: take their revision; ours is downloaded and kept in this browser. */
  keepTheirs(): void {
    if (!this.conflict) return;
    const { mineJson, theirs } = JSON.parse(JSON.stringify(this.conflict)) as {
      mineJson: string;
      theirs: Version;
    };
    this.merged = null;
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
    this.travel(this.undoStack, this.redoStack);
  }

  redo(): void {
    this.travel(this.redoStack, this.undoStack);
  }

  /** One step through the history: the document becomes `from`'s last state, today's goes on `to`. */
  private travel(from: string[], to: string[]): void {
    const json = from.pop();
    if (json === undefined) return;
    to.push(this.docJson);
    this.applyingHistory = true;
    this.doc = JSON.parse(json);
  }

  /** Runs the document's tests with the engine in its worker (on a document that validates). */
  async runTests(): Promise<void> {
    const doc = this.snapshot() as RuleDocument;
    this.testsRunJson = this.docJson;
    const blocking = this.problems.filter((p) => !p.path.startsWith('/tests'));
    if (blocking.length > 0) {
      this.testOutcomes = null;
      return;
    }
    this.testsRunning = true;
    try {
      this.testOutcomes = await engine.run('tests', { doc }, { key: 'draft-tests' });
    } catch (e) {
      if (isSuperseded(e)) return;
      const { code, message } = engineProblem(e);
      this.testOutcomes = (doc.tests ?? []).map((t) => ({
        name: t.name,
        passed: false,
        failures: [],
        errors: [{ region: '', name: t.name, code, message }],
      }));
    } finally {
      this.testsRunning = false;
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
