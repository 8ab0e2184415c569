/**
 * 整改路径 (SPEC section 13): the smallest changes to a region's `actual`-role inputs, each within
 * its declared range, after which the region reaches a better grade — fewest inputs changed first,
 * then the smallest changes relative to each input's range. Targets, events, assessments and
 * previous values never change. Every answer is replayed through the engine before it is returned.
 *
 * The search: each input alone over its candidate values (bounds, the document's constants, the
 * region's own targets), the best single moves combined in growing sets, then each changed input
 * moved back toward its current value as far as the grade allows (bisection).
 *
 * @example gradePath(doc, region, { to: 'excellent' })
 */
import type { RegionData, RegionResult, RuleDocument } from '../types.ts';
import type { PreparedDocument } from '../evaluate/prepare.ts';
import { prepareDocument } from '../evaluate/prepare.ts';
import { scoreRegion } from '../evaluate/score.ts';
import { variablesOf } from '../logic/walk.ts';
import { domainOf, inputReads, regionOf, type Domain, type VarRange } from './domain.ts';
import { prevName } from '../document/v2.ts';
import { candidateValues, quickScore } from './optimise.ts';

export interface PathChange {
  key: string;
  from: unknown;
  to: unknown;
}

export interface PathReason {
  kind: 'veto' | 'cap' | 'downgrade' | 'score';
  id?: string;
  /** True when no `actual` input can change it (an event, a target, an assessment). */
  fixed: boolean;
  message: string;
}

export interface GradePath {
  region: string;
  name: string;
  from: { total: number; grade: string };
  to: { total?: number; grade: string };
  reachable: boolean;
  changes: PathChange[];
  reasons?: PathReason[];
}

export interface PathOptions {
  /** The grade to reach (default: the next better one than the region's). */
  to?: string;
  /** Time for the search in ms (default 2,000). */
  timeLimitMs?: number;
}

/** A region or a grade the path cannot start from; `code` names what is wrong. */
export class PathError extends Error {
  constructor(
    readonly code: 'unknown_grade' | 'region_not_scored',
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'PathError';
  }
}

/** The path of one region to the grade `to` under a valid document. */
export function gradePath(
  doc: RuleDocument | PreparedDocument,
  region: RegionData,
  opts: PathOptions = {},
): GradePath {
  const p = 'doc' in doc && 'gradeIndex' in doc ? doc : prepareDocument(doc as RuleDocument);
  const start = pathStart(p, region, opts.to);
  if (start.done) return start.done;
  const { d, current, actual, base, r0, toIdx, width } = start;
  const deadline = performance.now() + (opts.timeLimitMs ?? 2000);
  const reaches = (r: RegionResult | null) => r !== null && (p.gradeIndex.get(r.grade) as number) <= toIdx;
  const score = (r: RegionResult | null) =>
    r === null ? -Infinity : -(p.gradeIndex.get(r.grade) as number) * 1e9 + r.total;
  const cost = (pt: Record<string, unknown>) =>
    actual.reduce(
      (s, k) =>
        pt[k] === current[k]
          ? s
          : s +
            (typeof pt[k] === 'number' && typeof current[k] === 'number'
              ? Math.abs((pt[k] as number) - (current[k] as number)) / width(k)
              : 1),
      0,
    );

  // The best value of each actual input alone.
  const single = new Map<string, { value: unknown; score: number }>();
  const reachingSingles: Record<string, unknown>[] = [];
  for (const k of actual) {
    let best = { value: current[k], score: score(r0) };
    for (const v of candidateValues(d, k, current)) {
      const trial = { ...current, [k]: v };
      const r = quickScore(p, trial);
      if (reaches(r)) reachingSingles.push(trial);
      if (score(r) > best.score) best = { value: v, score: score(r) };
    }
    if (best.value !== current[k]) single.set(k, best);
  }
  let found: Record<string, unknown>[] = reachingSingles;
  const ranked = [...single.entries()].sort((a, b) => b[1].score - a[1].score).map(([k]) => k);
  const pool = ranked.slice(0, 12);
  for (let size = 2; found.length === 0 && size <= pool.length && performance.now() < deadline; size++) {
    for (const combo of combinations(pool, size)) {
      const trial = { ...current };
      for (const k of combo) trial[k] = single.get(k)?.value;
      if (reaches(quickScore(p, trial))) found.push(trial);
      if (performance.now() > deadline) break;
    }
  }
  if (found.length === 0 && ranked.length > pool.length) {
    // Every improving input at its best, then drop what is not needed.
    const trial = { ...current };
    for (const k of ranked) trial[k] = single.get(k)?.value;
    if (reaches(quickScore(p, trial))) found = [prune(trial, ranked)];
  }
  function prune(pt: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    const out = { ...pt };
    for (const k of [...keys].reverse()) {
      const t = { ...out, [k]: current[k] };
      if (reaches(quickScore(p, t))) out[k] = current[k];
    }
    return out;
  }

  let best: Record<string, unknown> | null = null;
  let bestCost = Infinity;
  for (const pt of found) {
    const refined = shrink(pt);
    const c = cost(refined);
    const n = changedKeys(refined).length;
    const bn = best ? changedKeys(best).length : Infinity;
    if (n < bn || (n === bn && c < bestCost)) {
      best = refined;
      bestCost = c;
    }
  }
  function changedKeys(pt: Record<string, unknown>) {
    return actual.filter((k) => !Object.is(pt[k], current[k]));
  }
  /** Moves each changed input back toward its current value as far as the grade allows. */
  function shrink(pt: Record<string, unknown>): Record<string, unknown> {
    const out = { ...pt };
    for (let round = 0; round < 2; round++)
      for (const k of changedKeys(out)) {
        const a = current[k];
        const b = out[k];
        if (typeof a !== 'number' || typeof b !== 'number') continue;
        const int = (d.ranges.get(k) as VarRange).kind === 'int';
        let good = b;
        let bad = a;
        for (
          let i = 0;
          i < 60 && Math.abs(good - bad) > (int ? 1 : 1e-9 * Math.max(1, Math.abs(good)));
          i++
        ) {
          let mid = bad + (good - bad) / 2;
          if (int) mid = good > bad ? Math.ceil(mid) : Math.floor(mid);
          if (mid === good) break;
          if (reaches(quickScore(p, { ...out, [k]: mid }))) good = mid;
          else bad = mid;
        }
        out[k] = tidy(good, a, int, (v) => reaches(quickScore(p, { ...out, [k]: v })));
      }
    return out;
  }

  if (best) {
    const r = scoreRegion(p, regionOf(definedOnly(best), region.code, region.name), false).result ?? null;
    if (reaches(r) && r) {
      const changes = changedKeys(best).map((k) => ({ key: k, from: current[k], to: best[k] }));
      return { ...base, to: { total: r.total, grade: r.grade }, reachable: true, changes };
    }
  }
  return {
    ...base,
    to: { grade: p.grades[toIdx].id },
    reachable: false,
    changes: [],
    reasons: reasonsOf(p, d, current, actual, single, toIdx),
  };
}

/** What a path starts from: the region scored, the grade to reach, the inputs that may change. */
export interface PathStart {
  /** Set when there is nothing to search (the grade is already reached). */
  done?: GradePath;
  d: Domain;
  r0: RegionResult;
  toIdx: number;
  base: { region: string; name: string; from: { total: number; grade: string } };
  /** Every input's value in the region (previous values as `prev.KEY`); undefined when absent. */
  current: Record<string, unknown>;
  /** The `actual`-role inputs: the only ones a path changes. */
  actual: string[];
  /** The range of an input a change is measured against (its declared span, else its value). */
  width: (key: string) => number;
}

/** Scores the region and resolves the grade to reach; throws PathError when it cannot start. */
export function pathStart(p: PreparedDocument, region: RegionData, to: string | undefined): PathStart {
  const outcome = scoreRegion(p, region, false);
  if (!outcome.result)
    throw new PathError(
      'region_not_scored',
      `地区 ${region.code} 的数据无法计分，无法给出整改路径 / region ${region.code} cannot be scored, so it has no path`,
      outcome.errors,
    );
  const r0 = outcome.result;
  const g0 = p.gradeIndex.get(r0.grade) as number;
  let toIdx = Math.max(0, g0 - 1);
  if (to !== undefined) {
    const i = p.gradeIndex.get(to);
    if (i === undefined)
      throw new PathError(
        'unknown_grade',
        `没有等级 "${to}"（可选：${p.grades.map((g) => g.id).join('、')}）/ no grade "${to}" (one of ${p.grades.map((g) => g.id).join(', ')})`,
      );
    toIdx = i;
  }
  const from = { total: r0.total, grade: r0.grade };
  const base = { region: region.code, name: region.name, from };
  const d = domainOf(p.doc);
  const current: Record<string, unknown> = {
    ...r0.values,
    ...Object.fromEntries(Object.entries(region.values ?? {}).filter(([k]) => d.ranges.has(k))),
    // Last year's values (schema version 2) as the analysis names them; they never change.
    ...Object.fromEntries(
      Object.entries(region.previous ?? {})
        .map(([k, v]) => [prevName(k), v] as const)
        .filter(([k]) => d.ranges.has(k)),
    ),
  };
  for (const input of d.inputs) if (!(input.key in current)) current[input.key] = undefined;
  const actual = p.doc.inputs.filter((i) => i.role === 'actual').map((i) => i.key);
  const width = (k: string) => {
    const rg = d.ranges.get(k) as VarRange;
    if (rg.kind !== 'set' && rg.hi - rg.lo < 1e15) return Math.max(rg.hi - rg.lo, 1e-9);
    return Math.max(1, Math.abs(Number(current[k]) || 0));
  };
  const start: PathStart = { d, r0, toIdx, base, current, actual, width };
  if (g0 <= toIdx) start.done = { ...base, to: from, reachable: true, changes: [] };
  return start;
}

/** A value with few decimals between the found one and the current one that still reaches. */
function tidy(good: number, current: number, int: boolean, ok: (v: number) => boolean): number {
  if (int) return good;
  for (const digits of [0, 1, 2, 3]) {
    const f = 10 ** digits;
    const v = good > current ? Math.ceil(good * f) / f : Math.floor(good * f) / f;
    if (Math.abs(v - good) <= Math.abs(good - current) && ok(v)) return v;
  }
  return good;
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

function* combinations<T>(list: T[], k: number, start = 0, acc: T[] = []): Generator<T[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = start; i < list.length; i++) yield* combinations(list, k, i + 1, [...acc, list[i]]);
}

/** What keeps the region from the grade with every actual input at its best value. */
function reasonsOf(
  p: PreparedDocument,
  d: Domain,
  current: Record<string, unknown>,
  actual: string[],
  single: Map<string, { value: unknown }>,
  toIdx: number,
): PathReason[] {
  const best = { ...current };
  for (const [k, s] of single) best[k] = s.value;
  const r = quickScore(p, best) ?? quickScore(p, current);
  if (!r) return [];
  const readsActual = (f: unknown) =>
    inputReads(d, f).some((k) => actual.includes(k)) || variablesOf(f).length === 0;
  const reasons: PathReason[] = [];
  const to = p.grades[toIdx];
  const gradeNamed = (id: string) => p.grades.find((g) => g.id === id)?.label;
  const gradeZh = (id: string) => gradeNamed(id)?.zh ?? id;
  const gradeEn = (id: string) => gradeNamed(id)?.en ?? id;
  for (const v of p.doc.vetoes ?? [])
    if (r.vetoes.includes(v.id))
      reasons.push({
        kind: 'veto',
        id: v.id,
        fixed: !readsActual(v.when),
        message: `否决项「${v.label.zh}」触发，结果为最低等级 / the veto "${v.label.en ?? v.id}" fires: the result is the lowest grade`,
      });
  for (const c of p.doc.caps ?? [])
    if (r.caps.includes(c.id) && (p.gradeIndex.get(c.maxGrade) as number) > toIdx)
      reasons.push({
        kind: 'cap',
        id: c.id,
        fixed: !readsActual(c.when),
        message: `封顶项「${c.label.zh}」使等级不高于${gradeZh(c.maxGrade)} / the cap "${c.label.en ?? c.id}" keeps the grade at ${gradeEn(c.maxGrade)} or lower`,
      });
  for (const g of p.doc.downgrades ?? [])
    if (r.downgrades.includes(g.id))
      reasons.push({
        kind: 'downgrade',
        id: g.id,
        fixed: !readsActual(g.when),
        message: `降档项「${g.label.zh}」触发 / the downgrade "${g.label.en ?? g.id}" fires`,
      });
  if ((p.gradeIndex.get(r.scoreGrade) as number) > toIdx)
    reasons.push({
      kind: 'score',
      fixed: false,
      message: `实际值在允许范围内最高只能得 ${r.total} 分，低于 ${to.label.zh} 所需的 ${to.min} 分 / the actual values can score at most ${r.total}, below the ${to.min} that ${to.label.en ?? to.label.zh} needs`,
    });
  return reasons;
}
