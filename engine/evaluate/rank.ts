/**
 * Step 11: ranking across the scored regions of one run — better final grade first, then higher
 * total; equal on both gives an equal rank ("1, 2, 2, 4").
 */
export interface Rankable {
  total: number;
  /** Index of the final grade, 0 = best. */
  gradeIndex: number;
}

/** The rank of each entry, in the entries' order. */
export function rankOf(entries: readonly Rankable[]): number[] {
  const order = entries.map((_, i) => i).sort((a, b) => compare(entries[a], entries[b]));
  const ranks = new Array<number>(entries.length);
  order.forEach((idx, pos) => {
    if (pos > 0 && compare(entries[order[pos - 1]], entries[idx]) === 0) ranks[idx] = ranks[order[pos - 1]];
    else ranks[idx] = pos + 1;
  });
  return ranks;
}

function compare(a: Rankable, b: Rankable): number {
  if (a.gradeIndex !== b.gradeIndex) return a.gradeIndex - b.gradeIndex;
  return b.total - a.total;
}
