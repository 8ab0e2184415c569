/**
 * Editing lists of the document: move, duplicate (with a fresh id), remove, and a fresh id for new
 * entries. Ids follow the document's rule `^[a-z][a-z0-9_]*$`.
 */

/** `base`, or `base_2`, `base_3` … whichever is not taken. */
export function freshId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const clean = base.replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'item';
  if (!used.has(clean)) return clean;
  for (let n = 2; ; n++) if (!used.has(`${clean}_${n}`)) return `${clean}_${n}`;
}

export function move<T>(list: T[], index: number, delta: number): void {
  const to = index + delta;
  if (to < 0 || to >= list.length) return;
  const [entry] = list.splice(index, 1);
  list.splice(to, 0, entry);
}

/** Inserts a deep copy of `list[index]` after it, with `idField` made unique among `taken`. */
export function duplicate<T extends Record<string, unknown>>(
  list: T[],
  index: number,
  idField: string,
  taken: Iterable<string>,
): void {
  const copy = JSON.parse(JSON.stringify(list[index])) as T;
  const id = copy[idField];
  if (typeof id === 'string') (copy as Record<string, unknown>)[idField] = freshId(`${id}_copy`, taken);
  list.splice(index + 1, 0, copy);
}

export function remove<T>(list: T[], index: number): void {
  list.splice(index, 1);
}

/** Every item id of the document (categories' items and bonus items share one namespace). */
export function allItemIds(doc: {
  categories?: { items?: { id?: string }[] }[];
  bonus?: { items?: { id?: string }[] };
}): string[] {
  const ids: string[] = [];
  for (const c of doc.categories ?? []) for (const it of c.items ?? []) if (it?.id) ids.push(it.id);
  for (const b of doc.bonus?.items ?? []) if (b?.id) ids.push(b.id);
  return ids;
}

/** Input and derived keys (one namespace). */
export function allKeys(doc: { inputs?: { key?: string }[]; derived?: { key?: string }[] }): string[] {
  return [...(doc.inputs ?? []), ...(doc.derived ?? [])].flatMap((x) => (x?.key ? [x.key] : []));
}

/** Sum of numbers with no binary-float residue at the document's precision (6 decimals at most). */
export function sumPoints(values: unknown[]): number {
  let s = 0;
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) s += v;
  return Math.round(s * 1e6) / 1e6;
}
