/**
 * 规则体检 (SPEC section 13): properties of a rule document proven over every input it allows.
 * Each property is decided by the search of search.ts: a "never" holds for all allowed inputs (every
 * box refuted by the abstract interpretation, which follows the engine's float operations), a
 * "can" holds because the engine scored a witness; anything else is listed under `unknown`.
 *
 * @example checkDocument(doc).findings // [{ code: 'veto_never_fires', target: 'veto', id: 'x', … }]
 */
import type { Item, Label, RegionResult, RuleDocument } from '../types.ts';
import { errorsOf, InvalidDocumentError, validateDocument } from '../validate/index.ts';
import { prepareDocument, type PreparedDocument } from '../evaluate/prepare.ts';
import { roundHalfAway } from '../numeric/round.ts';
import { truthy } from '../logic/operations.ts';
import { truthiness } from './abstract.ts';
import { evalIn } from './interpret.ts';
import { rootScope, applyIn, domainOf, inputReads, unmodelledReads, type Domain } from './domain.ts';
import { exists, type Outcome, type Query } from './search.ts';
import { constraintsOf, infeasible } from './relations.ts';
import { findBaseline, replay } from './baseline.ts';
import { maximiseTotal } from './optimise.ts';
import * as msg from './messages.ts';

export type HealthTarget = 'item' | 'veto' | 'downgrade' | 'cap' | 'grade';

export interface Finding {
  code: string;
  target: HealthTarget;
  id: string;
  message: string;
  /** An input set the engine confirmed (for `conditions_overlap`). */
  witness?: Record<string, unknown>;
  /** `info` for conditions_overlap; absent for the others. */
  severity?: 'info';
  /** JSON pointer of the field concerned (for the editor). */
  path: string;
  /** The other condition of a `conditions_overlap`. */
  with?: { target: HealthTarget; id: string };
}

export interface UnknownProperty {
  target: HealthTarget;
  id: string;
  property: string;
}

export interface HealthReport {
  findings: Finding[];
  unknown: UnknownProperty[];
}

export interface CheckOptions {
  /**
   * 'bounds': one interval evaluation per property over the whole domain, no splitting and no
   * witnesses (fast enough to run on every keystroke): its findings are as sound as the full
   * check's, but everything it does not refute is listed under `unknown`.
   */
  mode?: 'full' | 'bounds';
  /** Time for the whole check in ms (default 4,000); what is left undecided goes to `unknown`. */
  timeLimitMs?: number;
  /** Boxes examined per property at most (default 4,000). */
  maxBoxes?: number;
}

/** Codes that are information, not problems (they do not fail `ecoscore check`). */
export const INFO_CODES: ReadonlySet<string> = new Set(['conditions_overlap']);

type CondKind = 'veto' | 'downgrade' | 'cap';
const COND_LISTS: [CondKind, 'vetoes' | 'downgrades' | 'caps'][] = [
  ['veto', 'vetoes'],
  ['downgrade', 'downgrades'],
  ['cap', 'caps'],
];

/** Runs the health check on a document; throws InvalidDocumentError for an invalid one. */
export function checkDocument(doc: RuleDocument, opts: CheckOptions = {}): HealthReport {
  const problems = errorsOf(validateDocument(doc, { runTests: false }));
  if (problems.length > 0) throw new InvalidDocumentError(problems);
  return checkPrepared(prepareDocument(doc), opts);
}

/** The health check of a document already validated and prepared. */
export function checkPrepared(p: PreparedDocument, opts: CheckOptions = {}): HealthReport {
  const doc = p.doc;
  const d = domainOf(doc);
  const full = opts.mode !== 'bounds';
  const deadline = performance.now() + (opts.timeLimitMs ?? 4000);
  const base = full ? findBaseline(d, p) : {};
  const findings: Finding[] = [];
  const unknown: UnknownProperty[] = [];
  const digits = p.precision;
  const search = (q: Query, onRefuted?: Parameters<typeof exists>[2]['onRefuted']): Outcome =>
    base === null
      ? { kind: 'unknown', reason: 'undecided' }
      : exists(d, q, {
          base,
          deadline,
          maxBoxes: full ? (opts.maxBoxes ?? 4000) : 1,
          witnesses: full,
          onRefuted,
        });

  // Items: can they reach their points, can they score above 0, below the max?
  const itemSup = new Map<string, number>();
  const itemWitness = new Map<string, Record<string, unknown>>();
  doc.categories.forEach((c, ci) =>
    c.items.forEach((it, ii) => {
      const path = `/categories/${ci}/items/${ii}`;
      const applies = it.applies;
      const giveUp = () => {
        for (const property of ['max_reachable', 'always_zero', 'always_max'])
          unknown.push({ target: 'item', id: it.id, property });
        itemSup.set(it.id, it.maxPoints);
      };
      if (
        unmodelledReads(d, it.logic).length > 0 ||
        (applies !== undefined && unmodelledReads(d, applies).length > 0)
      )
        return giveUp();
      // Schema version 2 `applies`: the properties are about the item where it applies; where it
      // may not apply, its category may count it as its maxPoints (or rescale to as much).
      let mayNotApply = false;
      if (applies !== undefined) {
        const appliesQuery = (want: boolean): Query => ({
          vars: inputReads(d, applies),
          abs: (scope) => {
            const t = truthiness(evalIn(applies, scope));
            return want ? t.canT : t.canF;
          },
          fast: (ctx) => truthy(applyIn(applies, ctx)) === want,
          replay: (values) => {
            const r = replay(p, values);
            const applicable = r ? applicableOf(r, it.id) : null;
            return applicable !== null && applicable === want;
          },
        });
        if (search(appliesQuery(true)).kind !== 'found') return giveUp();
        mayNotApply = search(appliesQuery(false)).kind !== 'none';
      }
      const appliesIn = (ctx: Record<string, unknown>) =>
        applies === undefined || truthy(applyIn(applies, ctx));
      const canApplyIn = (scope: Parameters<Query['abs']>[0]) =>
        applies === undefined || truthiness(evalIn(applies, scope)).canT;
      const pts = (raw: number) => roundHalfAway(Math.min(Math.max(raw, 0), it.maxPoints), digits);
      const range = (scope: Parameters<Query['abs']>[0]) => {
        const av = evalIn(it.logic, scope);
        return av.num ? { lo: pts(av.lo), hi: pts(av.hi) } : null;
      };
      const vars =
        applies === undefined
          ? inputReads(d, it.logic)
          : [...new Set([...inputReads(d, applies), ...inputReads(d, it.logic)])];
      const itemQuery = (
        test: (points: number) => boolean,
        absTest: (r: { lo: number; hi: number }) => boolean,
      ): Query => ({
        vars,
        abs: (scope) => {
          if (!canApplyIn(scope)) return false;
          const r = range(scope);
          return r !== null && absTest(r);
        },
        fast: (ctx) => {
          if (!appliesIn(ctx)) return false;
          const v = applyIn(it.logic, ctx);
          return typeof v === 'number' && Number.isFinite(v) && test(pts(v));
        },
        replay: (values) => {
          const r = replay(p, values);
          const points = r ? pointsOf(r, it.id) : null;
          return points !== null && test(points);
        },
      });
      let sup = -Infinity;
      const max = search(
        itemQuery(
          (x) => x >= it.maxPoints,
          (r) => r.hi >= it.maxPoints,
        ),
        (scope) => {
          const r = range(scope);
          if (r) sup = Math.max(sup, r.hi);
        },
      );
      if (max.kind === 'found') {
        itemSup.set(it.id, it.maxPoints);
        itemWitness.set(it.id, pick(max.values, vars));
      } else if (max.kind === 'none') {
        const best = sup === -Infinity ? null : sup;
        itemSup.set(it.id, best ?? 0);
        if (it.maxPoints > 0)
          findings.push({
            code: 'item_max_unreachable',
            target: 'item',
            id: it.id,
            path: `${path}/maxPoints`,
            message: msg.itemMaxUnreachable(it.id, it.label, it.maxPoints, best),
          });
      } else {
        itemSup.set(it.id, it.maxPoints);
        unknown.push({ target: 'item', id: it.id, property: 'max_reachable' });
      }
      itemProperty(
        search(
          itemQuery(
            (x) => x > 0,
            (r) => r.hi > 0,
          ),
        ),
        it,
        'always_zero',
        () => ({
          code: 'item_always_zero',
          target: 'item',
          id: it.id,
          path: `${path}/logic`,
          message: msg.itemAlwaysZero(it.id, it.label),
        }),
      );
      itemProperty(
        search(
          itemQuery(
            (x) => x < it.maxPoints,
            (r) => r.lo < it.maxPoints,
          ),
        ),
        it,
        'always_max',
        () => ({
          code: 'item_always_max',
          target: 'item',
          id: it.id,
          path: `${path}/logic`,
          message: msg.itemAlwaysMax(it.id, it.label, it.maxPoints),
        }),
      );
      // Not applying, it may count as its maxPoints (`full`), or its category may rescale the
      // others up by as much (`rescale`): the most it adds to a total is its maxPoints.
      if (mayNotApply) itemSup.set(it.id, it.maxPoints);
    }),
  );
  function itemProperty(o: Outcome, it: Item, property: string, finding: () => Finding): void {
    if (o.kind === 'none') findings.push(finding());
    else if (o.kind === 'unknown') unknown.push({ target: 'item', id: it.id, property });
  }

  // Vetoes, downgrades and caps: can each fire, can each stay quiet?
  const condQuery = (parts: { kind: CondKind; id: string; when: unknown; fire: boolean }[]): Query => ({
    vars: [...new Set(parts.flatMap((x) => inputReads(d, x.when)))],
    abs: (scope) =>
      parts.every((x) => {
        const t = truthiness(evalIn(x.when, scope));
        return x.fire ? t.canT : t.canF;
      }),
    fast: (ctx) => parts.every((x) => truthy(applyIn(x.when, ctx)) === x.fire),
    replay: (values) => {
      const r = replay(p, values);
      return r !== null && parts.every((x) => fired(r, x.kind, x.id) === x.fire);
    },
    refute: (box) => {
      const edges = parts.flatMap((x) => constraintsOf(d, x.when, x.fire));
      return infeasible(box, d, edges);
    },
  });
  for (const [kind, key] of COND_LISTS)
    (doc[key] ?? []).forEach((x, i) => {
      const path = `/${key}/${i}/when`;
      if (unmodelledReads(d, x.when).length > 0) {
        unknown.push(
          { target: kind, id: x.id, property: 'fires' },
          { target: kind, id: x.id, property: 'always_fires' },
        );
        return;
      }
      const fires = search(condQuery([{ kind, id: x.id, when: x.when, fire: true }]));
      if (fires.kind === 'none')
        findings.push({
          code: `${kind}_never_fires`,
          target: kind,
          id: x.id,
          path,
          message: msg.conditionNever(kind, x.id, x.label),
        });
      else if (fires.kind === 'unknown') unknown.push({ target: kind, id: x.id, property: 'fires' });
      const quiet = search(condQuery([{ kind, id: x.id, when: x.when, fire: false }]));
      if (quiet.kind === 'none')
        findings.push({
          code: `${kind}_always_fires`,
          target: kind,
          id: x.id,
          path,
          message: msg.conditionAlways(kind, x.id, x.label),
        });
      else if (quiet.kind === 'unknown') unknown.push({ target: kind, id: x.id, property: 'always_fires' });
    });

  // Two downgrades, or a downgrade and a cap, that can fire together.
  const downs = (doc.downgrades ?? []).map((x, i) => ({ kind: 'downgrade' as const, x, i }));
  const caps = (doc.caps ?? []).map((x, i) => ({ kind: 'cap' as const, x, i }));
  downs.forEach((a, ai) => {
    for (const b of [...downs.slice(ai + 1), ...caps]) {
      if (unmodelledReads(d, a.x.when).length + unmodelledReads(d, b.x.when).length > 0) {
        unknown.push({ target: 'downgrade', id: `${a.x.id}+${b.x.id}`, property: 'overlap' });
        continue;
      }
      const o = search(
        condQuery([
          { kind: a.kind, id: a.x.id, when: a.x.when, fire: true },
          { kind: b.kind, id: b.x.id, when: b.x.when, fire: true },
        ]),
      );
      if (o.kind === 'found')
        findings.push({
          code: 'conditions_overlap',
          target: 'downgrade',
          id: a.x.id,
          with: { target: b.kind, id: b.x.id },
          severity: 'info',
          path: `/downgrades/${a.i}/when`,
          witness: o.values,
          message: msg.conditionsOverlap(
            { kind: a.kind, id: a.x.id, label: a.x.label },
            { kind: b.kind, id: b.x.id, label: b.x.label },
          ),
        });
      else if (o.kind === 'unknown')
        unknown.push({ target: 'downgrade', id: `${a.x.id}+${b.x.id}`, property: 'overlap' });
    }
  });

  // Grades: can the total reach each grade's min (the bonus cap counted)?
  gradeReachability(p, d, base, full, deadline, itemSup, itemWitness, findings, unknown);
  return { findings, unknown };
}

function gradeReachability(
  p: PreparedDocument,
  d: Domain,
  base: Record<string, unknown> | null,
  full: boolean,
  deadline: number,
  itemSup: Map<string, number>,
  itemWitness: Map<string, Record<string, unknown>>,
  findings: Finding[],
  unknown: UnknownProperty[],
): void {
  const doc = p.doc;
  let upper = 0;
  for (const c of doc.categories) for (const it of c.items) upper += itemSup.get(it.id) ?? it.maxPoints;
  upper += bonusUpper(p, d);
  const half = 0.5 * 10 ** -p.precision;
  const unreachable = (min: number) => upper + 1e-9 * (1 + Math.abs(upper)) < min - half;
  let best: RegionResult | null = null;
  const needsSearch = doc.grades.some((g) => !unreachable(g.min) && g.min > 0);
  if (base && needsSearch)
    best = maximiseTotal(p, d, base, [...itemWitness.values()], deadline, full ? 3 : 0);
  doc.grades.forEach((g, i) => {
    if (unreachable(g.min))
      findings.push({
        code: 'grade_unreachable',
        target: 'grade',
        id: g.id,
        path: `/grades/${i}/min`,
        message: msg.gradeUnreachable(g.id, g.label, g.min, roundHalfAway(upper, p.precision)),
      });
    else if (g.min <= 0 && full && base !== null) return;
    else if (!best || best.total < g.min) unknown.push({ target: 'grade', id: g.id, property: 'reachable' });
  });
}

/** An upper bound of the capped bonus over all allowed inputs. */
function bonusUpper(p: PreparedDocument, d: Domain): number {
  const items = p.doc.bonus?.items ?? [];
  if (items.length === 0) return 0;
  let sum = 0;
  const scope = rootScope(d);
  for (const b of items) {
    const av = evalIn(b.logic, scope);
    sum += av.num ? roundHalfAway(Math.max(0, av.hi), p.precision) : 0;
  }
  return Math.min(p.bonusCap, sum);
}

/** Whether an item applied in a result (true for items without `applies`); null when absent. */
function applicableOf(r: RegionResult, id: string): boolean | null {
  for (const c of r.categories) for (const it of c.items) if (it.id === id) return it.applicable !== false;
  return null;
}

function pointsOf(r: RegionResult, id: string): number | null {
  for (const c of r.categories) for (const it of c.items) if (it.id === id) return it.points;
  return null;
}

function fired(r: RegionResult, kind: CondKind, id: string): boolean {
  const list = kind === 'veto' ? r.vetoes : kind === 'downgrade' ? r.downgrades : r.caps;
  return list.includes(id);
}

function pick(values: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in values) out[k] = values[k];
  return out;
}

export type { Label };
