/**
 * A refused import's problems placed on the grid's cells (`region/key` → short texts), and which
 * rows have something to fix (the "only rows with problems" filter).
 */
import type { Input } from '$engine/types.ts';
import { ta, lang, type AssessKey } from '$lib/i18n/assess.ts';
import { messagePart } from '$lib/assess/diff.ts';
import { parseCell } from '$lib/assess/cells.ts';
import { checkCell, type GridRow } from '$lib/assess/grid.ts';
import type { PlacedProblem } from '$lib/assess/imports.ts';

/** A refused file value in a few words for its cell: what the file holds and what is wrong. */
export function shortProblem(p: PlacedProblem, inputs: readonly Input[]): string {
  const input = inputs.find((i) => i.key === p.key);
  // The grid's own check of the file's text says it best ("应为数值", "小于最小值 0").
  const own = input && p.value !== undefined ? parseCell(p.value, input).problem : null;
  const key = `imp.${p.code}` as AssessKey;
  const what = ta(key);
  const reason = own
    ? ta(own.key, own.params)
    : what !== key
      ? what
      : messagePart(p.message.replace(/^第 \d+ 行[^:：]*[:：]\s*/, ''), lang());
  return p.value !== undefined && p.value !== '' ? ta('data.fileValue', { value: p.value, reason }) : reason;
}

/** The import problems by cell (`region/key`). */
export function problemsByCell(problems: readonly PlacedProblem[], inputs: readonly Input[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of problems)
    if (p.region && p.key) m.set(`${p.region}/${p.key}`, [...(m.get(`${p.region}/${p.key}`) ?? []), shortProblem(p, inputs)]);
  return m;
}

/** Whether a row has a cell to fix: refused by the server or an import, or not readable. */
export function rowHasProblem(row: GridRow, inputs: readonly Input[], byCell: Map<string, string[]>): boolean {
  return inputs.some((i) => {
    const c = row.cells[i.key];
    const pr = checkCell(c, i).problem;
    return !!c.server || (!!pr && pr.code !== 'required') || byCell.has(`${row.code}/${i.key}`);
  });
}
