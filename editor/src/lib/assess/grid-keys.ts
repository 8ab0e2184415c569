/**
 * Keyboard work in the data grid, as in a spreadsheet: arrows move between cells (left and right
 * once the caret is at the text's edge), Enter moves down (Shift+Enter up), Shift+arrows extend a
 * selected range, which copies as tab-separated text and clears with Delete.
 */

export interface CellPos {
  r: number;
  c: number;
}

export interface Range {
  anchor: CellPos;
  focus: CellPos;
}

/** Where a key moves the focus from `at` (null: the key is the text box's own). */
export function moveFor(
  key: string,
  opts: { shift: boolean; caretAtStart: boolean; caretAtEnd: boolean; isSelect: boolean },
  at: CellPos,
  size: { rows: number; cols: number },
): CellPos | null {
  let { r, c } = at;
  if (key === 'Enter') r += opts.shift ? -1 : 1;
  else if (key === 'ArrowDown' && (!opts.isSelect || opts.shift)) r++;
  else if (key === 'ArrowUp' && (!opts.isSelect || opts.shift)) r--;
  else if (key === 'ArrowLeft' && (opts.caretAtStart || opts.shift)) c--;
  else if (key === 'ArrowRight' && (opts.caretAtEnd || opts.shift)) c++;
  else return null;
  r = Math.max(0, Math.min(size.rows - 1, r));
  c = Math.max(0, Math.min(size.cols - 1, c));
  return { r, c };
}

/** The rows and columns a range covers (inclusive). */
export function bounds(range: Range): { r0: number; r1: number; c0: number; c1: number } {
  return {
    r0: Math.min(range.anchor.r, range.focus.r),
    r1: Math.max(range.anchor.r, range.focus.r),
    c0: Math.min(range.anchor.c, range.focus.c),
    c1: Math.max(range.anchor.c, range.focus.c),
  };
}

export function inRange(range: Range | null, r: number, c: number): boolean {
  if (!range) return false;
  const b = bounds(range);
  return r >= b.r0 && r <= b.r1 && c >= b.c0 && c <= b.c1;
}

/** More than one cell selected. */
export function isMultiCell(range: Range | null): range is Range {
  return !!range && (range.anchor.r !== range.focus.r || range.anchor.c !== range.focus.c);
}

/** The range's texts as a spreadsheet takes them: tab between cells, newline between rows. */
export function rangeTsv(range: Range, text: (r: number, c: number) => string): string {
  const b = bounds(range);
  const lines: string[] = [];
  for (let r = b.r0; r <= b.r1; r++) {
    const cells: string[] = [];
    for (let c = b.c0; c <= b.c1; c++) cells.push(text(r, c).replace(/[\t\r\n]+/g, ' '));
    lines.push(cells.join('\t'));
  }
  return lines.join('\n');
}
