/**
 * 规则体检 with the SMT solver behind it: the check of ../check.ts first (bounds and search), then
 * each property it left `unknown` — typically a "diagonal" where a formula combines inputs
 * arithmetically (a ratio of two inputs against a comparison of the same two) — is decided by z3
 * over every allowed input. "Never" is concluded only from the solver's `sound` mode (every
 * operation may round as a double does, overflow and division by zero make a comparison a free
 * choice), so it holds for the engine itself; "can" only from a witness the engine confirms.
 * What the solver cannot settle in time stays `unknown`.
 *
 * @example await checkDocumentExact(doc) // { findings: [...], unknown: [] }
 */
import type { Bool } from 'z3-solver';
import type { RuleDocument } from '../../types.ts';
import { errorsOf, InvalidDocumentError, validateDocument } from '../../validate/index.ts';
import { prepareDocument, type PreparedDocument } from '../../evaluate/prepare.ts';
import {
  checkPrepared,
  type CheckOptions,
  type Finding,
  type HealthReport,
  type UnknownProperty,
} from '../check.ts';
import { domainOf, type Domain, type VarRange } from '../domain.ts';
import { findBaseline, replay } from '../baseline.ts';
import * as msg from '../messages.ts';
import { Encoder, Unsupported, type Val } from './encode.ts';
import { exactRational, within, z3, type Z3 } from './z3.ts';

type B = Bool<'ecoscore'>;
type Kind = 'veto' | 'downgrade' | 'cap';
const LISTS = { veto: 'vetoes', downgrade: 'downgrades', cap: 'caps' } as const;

/** The whole check, with the solver deciding what the bounds and the search left open. */
export async function checkDocumentExact(doc: RuleDocument, opts: CheckOptions = {}): Promise<HealthReport> {
  const problems = errorsOf(validateDocument(doc, { runTests: false }));
  if (problems.length > 0) throw new InvalidDocumentError(problems);
  const p = prepareDocument(doc);
  const start = performance.now();
  const limit = opts.timeLimitMs ?? 4000;
  // Half the time for the bounds and the search, the rest (at least) for the solver.
  const report = checkPrepared(p, { ...opts, timeLimitMs: limit / 2 });
  if (report.unknown.length === 0 || opts.mode === 'bounds') return report;
  const deadline = start + limit;
  let Z: Z3;
  try {
    Z = await z3();
  } catch {
    return report;
  }
  const d = domainOf(doc);
  const base = findBaseline(d, p);
  const unknown: UnknownProperty[] = [];
  const findings: Finding[] = [...report.findings];
  for (const u of report.unknown) {
    const left = deadline - performance.now();
    const outcome = left > 50 && base ? await decide(Z, p, d, base, u, left) : 'unknown';
    if (outcome === 'unknown') unknown.push(u);
    else if (outcome !== 'can' && outcome.code !== '') findings.push(outcome);
  }
  return { findings, unknown };
}

/** A finding (the property never holds), 'can' (a confirmed witness) or 'unknown'. */
async function decide(
  Z: Z3,
  p: PreparedDocument,
  d: Domain,
  base: Record<string, unknown>,
  u: UnknownProperty,
  ms: number,
): Promise<Finding | 'can' | 'unknown'> {
  const doc = p.doc;
  let goal: ((e: Encoder) => B) | null = null;
  let confirm: ((values: Record<string, unknown>) => boolean) | null = null;
  let finding: (() => Finding) | null = null;
  /** For an overlap: the information finding its confirmed witness makes. */
  let witnessed: ((values: Record<string, unknown>) => Finding) | null = null;
  if (
    u.target !== 'item' &&
    u.target !== 'grade' &&
    (u.property === 'fires' || u.property === 'always_fires')
  ) {
    const kind = u.target as Kind;
    const list = doc[LISTS[kind]] ?? [];
    const i = list.findIndex((x) => x.id === u.id);
    if (i < 0) return 'unknown';
    const x = list[i];
    const want = u.property === 'fires';
    goal = (e) => (want ? e.truthy(e.enc(x.when)) : e.Z.Not(e.truthy(e.enc(x.when))));
    confirm = (values) => {
      const r = replay(p, values);
      const fired = r
        ? (kind === 'veto' ? r.vetoes : kind === 'downgrade' ? r.downgrades : r.caps).includes(x.id)
        : null;
      return fired === want;
    };
    finding = () => ({
      code: `${kind}_${want ? 'never_fires' : 'always_fires'}`,
      target: kind,
      id: x.id,
      path: `/${LISTS[kind]}/${i}/when`,
      message: want ? msg.conditionNever(kind, x.id, x.label) : msg.conditionAlways(kind, x.id, x.label),
    });
  } else if (u.property === 'overlap') {
    // "a+b": a downgrade and a downgrade or cap that may fire together (info); none → no finding.
    const downs = doc.downgrades ?? [];
    const all = [
      ...downs.map((x) => ({ kind: 'downgrade' as const, x })),
      ...(doc.caps ?? []).map((x) => ({ kind: 'cap' as const, x })),
    ];
    const pair = downs.flatMap((a) =>
      all.filter((b) => b.x !== a && `${a.id}+${b.x.id}` === u.id).map((b) => [a, b] as const),
    )[0];
    if (!pair) return 'unknown';
    const [a, b] = pair;
    goal = (e) => e.Z.And(e.truthy(e.enc(a.when)), e.truthy(e.enc(b.x.when)));
    confirm = (values) => {
      const r = replay(p, values);
      return (
        !!r && r.downgrades.includes(a.id) && (b.kind === 'cap' ? r.caps : r.downgrades).includes(b.x.id)
      );
    };
    const di = downs.indexOf(a);
    witnessed = (values) => ({
      code: 'conditions_overlap',
      target: 'downgrade',
      id: a.id,
      with: { target: b.kind, id: b.x.id },
      severity: 'info',
      path: `/downgrades/${di}/when`,
      witness: values,
      message: msg.conditionsOverlap(
        { kind: 'downgrade', id: a.id, label: a.label },
        { kind: b.kind, id: b.x.id, label: b.x.label },
      ),
    });
    // Proven apart: nothing to report (the overlap is information only when it can happen).
    finding = () => ({ code: '', target: 'downgrade', id: u.id, path: '', message: '' });
  } else if (u.target === 'item') {
    let ci = -1;
    let ii = -1;
    doc.categories.forEach((c, a) =>
      c.items.forEach((it, b) => {
        if (it.id === u.id) [ci, ii] = [a, b];
      }),
    );
    if (ci < 0) return 'unknown';
    const it = doc.categories[ci].items[ii];
    if (it.applies !== undefined) return 'unknown';
    const path = `/categories/${ci}/items/${ii}`;
    const points = (e: Encoder) => {
      const v = e.asNum(e.enc(it.logic));
      const Zc = e.Z;
      const lo = Zc.If(v.e.lt(0), e.num(0), v.e);
      const c = Zc.If(lo.gt(e.dec(it.maxPoints)), e.dec(it.maxPoints), lo);
      return { pts: e.round({ k: 'n', e: c as never, ok: null }, p.precision).e, ok: v.ok };
    };
    const test =
      u.property === 'max_reachable'
        ? (x: number) => x >= it.maxPoints
        : u.property === 'always_zero'
          ? (x: number) => x > 0
          : (x: number) => x < it.maxPoints;
    goal = (e) => {
      const { pts, ok } = points(e);
      const max = e.dec(it.maxPoints);
      const g =
        u.property === 'max_reachable' ? pts.ge(max) : u.property === 'always_zero' ? pts.gt(0) : pts.lt(max);
      return ok ? e.Z.And(ok, g) : g;
    };
    confirm = (values) => {
      const r = replay(p, values);
      for (const c of r?.categories ?? [])
        for (const x of c.items) if (x.id === it.id) return x.points !== null && test(x.points);
      return false;
    };
    finding = () =>
      u.property === 'max_reachable'
        ? {
            code: 'item_max_unreachable',
            target: 'item',
            id: it.id,
            path: `${path}/maxPoints`,
            message: msg.itemMaxUnreachable(it.id, it.label, it.maxPoints, null),
          }
        : u.property === 'always_zero'
          ? {
              code: 'item_always_zero',
              target: 'item',
              id: it.id,
              path: `${path}/logic`,
              message: msg.itemAlwaysZero(it.id, it.label),
            }
          : {
              code: 'item_always_max',
              target: 'item',
              id: it.id,
              path: `${path}/logic`,
              message: msg.itemAlwaysMax(it.id, it.label, it.maxPoints),
            };
  }
  if (!goal || !confirm || !finding) return 'unknown';
  const t0 = performance.now();
  const left = () => Math.max(1, Math.floor(ms - (performance.now() - t0)));
  for (const mode of ['sound', 'exact'] as const) {
    let e: Encoder;
    let symbols: Map<string, { val: Val; term: unknown; r: VarRange }>;
    let g: B;
    try {
      ({ e, symbols } = encoderFor(Z, p, d, mode));
      g = goal(e);
    } catch (err) {
      if (err instanceof Unsupported) return 'unknown';
      throw err;
    }
    const s = new Z.Solver();
    s.set('timeout', left());
    s.add(...e.side, g, ...rangeFacts(Z, symbols));
    const verdict = await within(Z, left(), () => s.check());
    if (verdict === 'unsat') return mode === 'sound' ? finding() : 'unknown';
    if (verdict === 'unknown') return 'unknown';
    const m = s.model();
    const values: Record<string, unknown> = { ...base };
    for (const [key, sym] of symbols) {
      const v = m.eval(sym.term as never, true) as unknown as { value?: () => unknown; toString(): string };
      const raw = typeof v.value === 'function' ? v.value() : v.toString();
      if (sym.val.k === 'b') values[key] = v.toString() === 'true';
      else if (sym.val.k === 's') values[key] = sym.r.values[Number(raw)];
      else if (typeof raw === 'bigint') values[key] = Number(raw);
      else if (raw && typeof raw === 'object' && 'numerator' in raw) {
        const q = raw as { numerator: bigint; denominator: bigint };
        values[key] = Number(q.numerator) / Number(q.denominator);
      }
    }
    if (confirm(values)) return witnessed ? witnessed(values) : 'can';
  }
  return 'unknown';
}

/** Every input of the document as a symbol over its declared range. */
function encoderFor(Z: Z3, p: PreparedDocument, d: Domain, mode: 'exact' | 'sound') {
  const symbols = new Map<string, { val: Val; term: unknown; r: VarRange }>();
  for (const input of d.inputs) {
    const r = d.ranges.get(input.key) as VarRange;
    if (r.nul || r.free || !r.some) throw new Unsupported(`input ${input.key}`);
    if (r.kind === 'set') {
      if (r.values.every((x) => typeof x === 'boolean')) {
        const t = Z.Bool.const(`in!${input.key}`);
        symbols.set(input.key, { val: { k: 'b', e: t }, term: t, r });
      } else if (r.values.every((x) => typeof x === 'string')) {
        const t = Z.Int.const(`in!${input.key}`);
        symbols.set(input.key, { val: { k: 's', e: t, table: r.values as string[] }, term: t, r });
      } else throw new Unsupported(`input ${input.key}`);
    } else {
      const t = r.kind === 'int' ? Z.Int.const(`in!${input.key}`) : Z.Real.const(`in!${input.key}`);
      symbols.set(input.key, {
        val: { k: 'n', e: r.kind === 'int' ? Z.ToReal(t) : t, ok: null, float: true },
        term: t,
        r,
      });
    }
  }
  const e = new Encoder(Z, {
    mode,
    symbols: new Map([...symbols].map(([k, v]) => [k, v.val])),
    constants: Object.fromEntries(p.parameters),
    derived: new Map(p.derived.map((x) => [x.def.key, x.def.logic])),
  });
  return { e, symbols };
}

function rangeFacts(Z: Z3, symbols: Map<string, { val: Val; term: unknown; r: VarRange }>): B[] {
  const out: B[] = [];
  for (const { val, r } of symbols.values()) {
    if (val.k === 's') out.push(val.e.ge(0), val.e.lt(r.values.length));
    if (val.k !== 'n') continue;
    if (r.lo > -1e300) out.push(val.e.ge(Z.Real.val(exactRational(r.lo))));
    if (r.hi < 1e300) out.push(val.e.le(Z.Real.val(exactRational(r.hi))));
  }
  return out;
}
