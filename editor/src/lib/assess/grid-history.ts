/**
 * Undo and redo in the data grid: each edit (a typed cell, a paste, a cleared range) is one step of
 * cell changes; undo puts the texts back, redo applies them again. Bounded (oldest steps dropped).
 */

export interface CellChange {
  code: string;
  key: string;
  before: string;
  after: string;
}

export class EditHistory {
  private done: CellChange[][] = [];
  private undone: CellChange[][] = [];
  constructor(private readonly limit = 200) {}

  /** Records one step; typing in the same cell again extends the last step instead of adding one. */
  record(step: CellChange[], opts: { mergeTyping?: boolean } = {}): void {
    const changes = step.filter((ch) => ch.before !== ch.after);
    if (changes.length === 0) return;
    this.undone = [];
    const last = this.done[this.done.length - 1];
    if (
      opts.mergeTyping &&
      last?.length === 1 &&
      changes.length === 1 &&
      last[0].code === changes[0].code &&
      last[0].key === changes[0].key
    ) {
      last[0] = { ...last[0], after: changes[0].after };
      if (last[0].before === last[0].after) this.done.pop();
      return;
    }
    this.done.push(changes);
    if (this.done.length > this.limit) this.done.shift();
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** The texts to put back (cell → before), or null when there is nothing to undo. */
  undo(): CellChange[] | null {
    const step = this.done.pop();
    if (!step) return null;
    this.undone.push(step);
    return step.map((ch) => ({ ...ch, after: ch.before, before: ch.after }));
  }

  redo(): CellChange[] | null {
    const step = this.undone.pop();
    if (!step) return null;
    this.done.push(step);
    return step;
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
