/**
 * Three-way merge of two edits of one rule document against their common base (the revision both
 * started from), by JSON pointer: what only one side changed is taken from that side; what both
 * changed the same way is kept; what both changed differently is a conflict. Lists of entries with
 * an `id` or `key` (items, inputs, grades …) are merged entry by entry, so one user may add an item
 * while the other changes another item's points; other lists merge position by position when their
 * length did not change, and are otherwise one value.
 *
 * @example
 * threeWayMerge(base, mine, theirs)
 * // { ok: true, merged, mine: ['/basis'], theirs: ['/title/zh'], conflicts: [] }
 */
/** One JSON pointer token (RFC 6901). */
const escapePointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

export interface MergeResult {
  /** No field was changed differently by both sides: `merged` holds both edits. */
  ok: boolean;
  /** The merged document (with `ok` false: mine where both changed a field). */
  merged: unknown;
  /** The pointers changed only by me / only by them / by both, differently. */
  mine: string[];
  theirs: string[];
  conflicts: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The identity of a list entry (its `id`, else its `key`), or null. */
function identity(v: unknown): string | null {
  if (!isObj(v)) return null;
  if (typeof v.id === 'string') return 'id:' + v.id;
  if (typeof v.key === 'string') return 'key:' + v.key;
  return null;
}

/** The identities of a list when every entry has one and they are distinct, else null. */
function identities(list: unknown[]): string[] | null {
  const ids = list.map(identity);
  if (ids.some((x) => x === null)) return null;
  return new Set(ids).size === ids.length ? (ids as string[]) : null;
}

export function threeWayMerge(base: unknown, mine: unknown, theirs: unknown): MergeResult {
  const out: MergeResult = { ok: true, merged: undefined, mine: [], theirs: [], conflicts: [] };
  out.merged = merge(base, mine, theirs, '', out);
  out.ok = out.conflicts.length === 0;
  return out;
}

function merge(b: unknown, m: unknown, t: unknown, path: string, out: MergeResult): unknown {
  if (jsonEqual(m, t)) return m;
  if (jsonEqual(b, m)) {
    out.theirs.push(...changedPaths(b, t, path));
    return t;
  }
  if (jsonEqual(b, t)) {
    out.mine.push(...changedPaths(b, m, path));
    return m;
  }
  if (isObj(b) && isObj(m) && isObj(t)) return mergeObjects(b, m, t, path, out);
  if (Array.isArray(b) && Array.isArray(m) && Array.isArray(t)) {
    const keyed = mergeKeyed(b, m, t, path, out);
    if (keyed !== undefined) return keyed;
    if (b.length === m.length && b.length === t.length)
      return b.map((x, i) => merge(x, m[i], t[i], `${path}/${i}`, out));
  }
  out.conflicts.push(path);
  return m;
}

/** The finest pointers at which `a` and `b` differ (objects and same-length lists descended). */
function changedPaths(a: unknown, b: unknown, path: string): string[] {
  if (jsonEqual(a, b)) return [];
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => changedPaths(a[k], b[k], `${path}/${escapePointer(k)}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((x, i) => changedPaths(x, b[i], `${path}/${i}`));
  return [path];
}

function mergeObjects(b: Obj, m: Obj, t: Obj, path: string, out: MergeResult): Obj {
  const result: Obj = {};
  // Mine's key order first, then keys only they added.
  const keys = [...new Set([...Object.keys(m), ...Object.keys(t), ...Object.keys(b)])];
  for (const k of keys) {
    const v = merge(b[k], m[k], t[k], `${path}/${escapePointer(k)}`, out);
    if (v !== undefined) result[k] = v;
  }
  return result;
}

/**
 * Lists of identified entries: when only one side changed which entries there are (or their order),
 * that side's order is kept and each entry present on both sides is merged by identity. Returns
 * undefined when the lists are not identified, or when both sides changed the membership or order.
 */
function mergeKeyed(
  b: unknown[],
  m: unknown[],
  t: unknown[],
  path: string,
  out: MergeResult,
): unknown[] | undefined {
  const ib = identities(b);
  const im = identities(m);
  const it = identities(t);
  if (!ib || !im || !it) return undefined;
  const sameOrder = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  let order: string[];
  if (sameOrder(ib, im)) order = it;
  else if (sameOrder(ib, it)) order = im;
  else return undefined;
  const byId = (list: unknown[], ids: string[]) => new Map(ids.map((id, i) => [id, list[i]]));
  const bm = byId(b, ib);
  const mm = byId(m, im);
  const tm = byId(t, it);
  const result: unknown[] = [];
  // An entry the other side removed but this side changed is a conflict (its place: the base index).
  const orderSide = order === im ? out.mine : out.theirs;
  for (const id of ib) {
    if (order.includes(id)) continue;
    const kept = mm.has(id) ? mm : tm;
    if (!jsonEqual(bm.get(id), kept.get(id))) out.conflicts.push(`${path}/${ib.indexOf(id)}`);
    else orderSide.push(`${path}/${ib.indexOf(id)}`);
  }
  order.forEach((id, i) => {
    const p = `${path}/${i}`;
    if (!bm.has(id)) {
      // Added by one side (the side whose order this is).
      orderSide.push(p);
      result.push(order === im ? mm.get(id) : tm.get(id));
    } else result.push(merge(bm.get(id), mm.get(id), tm.get(id), p, out));
  });
  if (
    !sameOrder(
      ib.filter((id) => order.includes(id)),
      order.filter((id) => bm.has(id)),
    )
  )
    orderSide.push(path);
  return result;
}
