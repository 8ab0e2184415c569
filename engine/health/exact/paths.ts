/**
 * 整改路径 decided exactly (SPEC section 13): the region's scoring as SMT terms (score-model.ts),
 * one "changed" flag per `actual` input (an unchanged input keeps its value; targets, events,
 * assessments and previous values are constants), and the optimiser minimising, lexicographically,
 * the number of inputs changed, then the sum of the changes relative to each input's range. The
 * optimum is replayed through the engine; where rounding at a boundary makes the engine disagree,
 * the changed values are nudged toward the interior and replayed again.
 *
 * The optimum is over the real-number reading of the formulas. That no path with fewer changes
 * exists is then re-proven in the solver's `sound` mode (every operation may round as a double
 * does), so `minimal: true` is a statement about the engine itself. When the solver runs out of
 * time, or the document uses something the encoding does not model, the search of ../paths.ts
 * answers and the answer says `minimal: false` with a `note`.
 *
 * @example await exactGradePath(doc, region, { to: 'excellent' }) // { …, minimal: true, cost: 0.12 }
 */
import type { Arith, Bool, Model } from 'z3-solver';
import type { RegionData, RegionResult, RuleDocument } from '../../types.ts';
import { prepareDocument, type PreparedDocument } from '../../evaluate/prepare.ts';
import { scoreRegion } from '../../evaluate/score.ts';
import { regionOf, type VarRange } from '../domain.ts';
import { gradePath, pathStart, type GradePath, type PathOptions } from '../paths.ts';
import { PREV_PREFIX } from '../../document/v2.ts';
import { Encoder, Unsupported, type Val } from './encode.ts';
import { scoreModel } from './score-model.ts';
import { cheapest, fewestChanges, type ReachSetup } from '../reach.ts';
import type { Outcome } from '../search.ts';
import { exactRational, within, z3, type Z3 } from './z3.ts';

type A = Arith<'ecoscore'>;
type B = Bool<'ecoscore'>;

export interface ExactGradePath extends GradePath {
  /**
   * True when no path with fewer changed inputs exists (proven over the engine's own float
   * arithmetic) and the changes are the smallest for that number, relative to each input's range
   * (up to the nudge named in `note`); false when this could not be decided.
   */
  minimal: boolean;
  /**
   * What the minimality was proven for: 'floats' — the engine's double arithmetic (every operation
   * may round); 'reals' — the formulas read as exact arithmetic (a path that would exist only
   * through a double's rounding at a boundary is not excluded).
   */
  provenFor?: 'floats' | 'reals';
  /** The sum of the changes, each relative to its input's range (a changed choice counts 1). */
  cost?: number;
  /** Why the answer is not proven minimal, or what was adjusted after the solver. */
  note?: string;
}

interface Sym {
  key: string;
  val: Val;
  term: A | B;
  changed: B;
  rel: A;
  range: VarRange;
  /** The region's value. */
  cur: unknown;
}

/** The exact path of one region to the grade `to` (default: the next better one). */
export async function exactGradePath(
  doc: RuleDocument | PreparedDocument,
  region: RegionData,
  opts: PathOptions = {},
): Promise<ExactGradePath> {
  const p = 'doc' in doc && 'gradeIndex' in doc ? doc : prepareDocument(doc as RuleDocument);
  const limit = opts.timeLimitMs ?? 2000;
  const deadline = performance.now() + limit;
  const start = pathStart(p, region, opts.to);
  if (start.done) return { ...start.done, minimal: true, cost: 0 };
  const { d, actual, toIdx, width, base } = start;
  // Declared defaults stand for absent values (as the engine applies them).
  const current: Record<string, unknown> = { ...start.current };
  for (const input of d.inputs)
    if (current[input.key] === undefined && input.default !== undefined) current[input.key] = input.default;
  const fallback = (note: string): ExactGradePath => {
    const h = gradePath(p, region, { to: opts.to, timeLimitMs: Math.max(200, deadline - performance.now()) });
    return { ...h, minimal: false, note };
  };
  let Z: Z3;
  try {
    Z = await z3();
  } catch (e) {
    return fallback(`求解器不可用 / the solver is not available: ${(e as Error).message}`);
  }
  const build = (mode: 'exact' | 'sound', only?: ReadonlySet<string>) => {
    const syms: Sym[] = [];
    const symbols = new Map<string, Val>();
    const constants: Record<string, unknown> = Object.fromEntries(p.parameters);
    const prev: Record<string, unknown> = {};
    for (const input of d.inputs) {
      const v = current[input.key];
      if (input.key.startsWith(PREV_PREFIX)) {
        if (v !== undefined && v !== null) prev[input.key.slice(PREV_PREFIX.length)] = v;
        continue;
      }
      const s =
        actual.includes(input.key) && (!only || only.has(input.key))
          ? symbolOf(Z, input.key, v, d.ranges.get(input.key) as VarRange, width)
          : null;
      if (s) {
        syms.push(s);
        symbols.set(input.key, s.val);
      } else if (v !== undefined && v !== null) constants[input.key] = v;
    }
    if (p.previous.length > 0) constants.prev = prev;
    const e = new Encoder(Z, {
      mode,
      symbols,
      constants,
      derived: new Map(p.derived.map((x) => [x.def.key, x.def.logic])),
    });
    const m = scoreModel(p, e);
    const facts: B[] = [...e.side, m.valid, m.grade.le(toIdx)];
    for (const s of syms) facts.push(...rangeFacts(Z, s));
    const count = Z.Sum(
      Z.Real.val(0),
      ...syms.map((s) => Z.If(s.changed, Z.Real.val(1), Z.Real.val(0)) as A),
    );
    return { syms, facts, count };
  };
  const remaining = () => Math.max(1, Math.floor(deadline - performance.now()));
  const engineReaches = (vals: Record<string, unknown>) => {
    const r = scoreRegion(p, regionOf(definedOnly(vals), region.code, region.name), false).result;
    return r && (p.gradeIndex.get(r.grade) as number) <= toIdx ? r : null;
  };
  /** The smallest changes of each fewest set (reach.ts `cheapest`); the cheapest wins. */
  const smallestOf = (
    sets: { set: string[]; values: Record<string, unknown> }[],
    k: number,
    setup: ReachSetup,
  ): ExactGradePath | null => {
    let best: { r: RegionResult; values: Record<string, unknown>; cost: number } | null = null;
    let complete = true;
    // The proofs may use what is left but the engine's replay of the answer (a few ms): the sets
    // come with witnesses, so an answer follows, and nothing else runs after it.
    const until = performance.now() + Math.max(50, remaining() - 25);
    for (const { set, values: witness } of sets) {
      const c = cheapest(setup, set, witness, width, until, best?.cost);
      const r = engineReaches(c.values);
      if (!c.proven || !r) complete = false;
      if (r && (!best || c.cost < best.cost)) best = { r, values: c.values, cost: c.cost };
    }
    if (!best) return null;
    const { r, values } = best;
    const moved = actual.filter((key) => !Object.is(values[key], current[key]));
    const minimal = complete && moved.length === k;
    return {
      ...base,
      to: { total: r.total, grade: r.grade },
      reachable: true,
      changes: moved.map((key) => ({ key, from: current[key], to: values[key] })),
      minimal,
      cost: Number(best.cost.toPrecision(12)),
      ...(minimal
        ? { provenFor: 'floats' as const }
        : {
            note: '最少改动数已证明，改动幅度未能在时限内证明为最小 / the fewest changes are proven; the sizes could not be proven smallest in time',
          }),
    };
  };
  const decide = async (set: string[]): Promise<Outcome> => {
    try {
      const m = build('sound', new Set(set));
      const v = await soundly(() => m, Math.min(remaining(), limit * 0.1), null);
      return v === 'unsat' ? { kind: 'none' } : { kind: 'unknown', reason: 'undecided' };
    } catch (e) {
      if (e instanceof Unsupported) return { kind: 'unknown', reason: 'undecided' };
      throw e;
    }
  };
  // The fewest changes by the bound analysis (reach.ts): every smaller set of inputs refuted over
  // the engine's floats; then the smallest changes of each reaching set.
  const changeable = actual.filter((k) => current[k] !== undefined && current[k] !== null);
  const setup: ReachSetup = { p, d, r0: start.r0, toIdx, current, changeable };
  const first = await fewestChanges(setup, changeable.length, performance.now() + limit * 0.25, decide);
  if (first.k !== null) {
    const best = smallestOf(first.sets, first.k, setup);
    if (best) return best;
  }
  // The search: a path (a witness for the sets the bound analysis left open) or the reasons for none.
  const h = gradePath(p, region, { to: opts.to, timeLimitMs: Math.max(100, limit * 0.2) });
  const honest = (note: string): ExactGradePath => ({ ...h, minimal: false, note });
  // A veto, or a cap below the grade, that reads no actual input fires whatever changes: proven.
  if (!h.reachable && (h.reasons ?? []).some((x) => x.fixed && (x.kind === 'veto' || x.kind === 'cap')))
    return { ...h, minimal: true, provenFor: 'floats' };
  if (first.k === null && first.undecided.length === 0 && !h.reachable)
    return { ...h, minimal: true, provenFor: 'floats' };
  if (h.reachable && first.undecided.length > 0) {
    const known = [{ set: h.changes.map((c) => c.key), values: withChanges(current, h.changes) }];
    const few = await fewestChanges(setup, h.changes.length, performance.now() + limit * 0.3, decide, known);
    if (few.k !== null) {
      const best = smallestOf(few.sets, few.k, setup);
      if (best) return best;
    }
  }
  let exact;
  try {
    exact = build('exact');
  } catch (e) {
    if (e instanceof Unsupported) return honest(`未能精确建模 / not modelled exactly (${e.message})`);
    throw e;
  }
  // How few changes: is there a path with fewer than the search's (any path, when it found none)?
  // Decided on the real-number model, then, time permitting, on the float one (`provenFor`).
  const fewer = h.reachable ? h.changes.length : null;
  const proof = await below(exact, remaining(), fewer);
  if (proof === 'unknown')
    return honest('求解器未能在时限内证明最少改动数 / the solver could not prove the fewest changes in time');
  if (proof === 'unsat' && !h.reachable) {
    const floats = await soundly(build, Math.min(remaining(), limit * 0.25), null);
    return { ...h, minimal: true, provenFor: floats === 'unsat' ? 'floats' : 'reals' };
  }
  // The fewest changes (over the reals) when the search's were not proven fewest, then the smallest sizes.
  const opt = new Z.Optimize();
  opt.set('timeout', remaining());
  opt.add(...exact.facts);
  if (proof === 'unsat' && fewer !== null) opt.add(exact.count.le(fewer));
  else opt.minimize(exact.count);
  opt.minimize(Z.Sum(Z.Real.val(0), ...exact.syms.map((s) => s.rel)));
  const verdict = await within(Z, remaining(), () => opt.check());
  if (verdict !== 'sat')
    return honest(
      verdict === 'unknown'
        ? '求解器超时，改动幅度未经证明为最小 / the solver ran out of time: the sizes of the changes are not proven smallest'
        : '实数模型与搜索结果不一致 / the real-number model disagrees with the search',
    );
  const model = opt.model();
  const values: Record<string, unknown> = { ...current };
  for (const s of exact.syms) values[s.key] = valueOf(model, s);
  const changed = () => exact.syms.filter((s) => !Object.is(values[s.key], current[s.key]));
  const reaches = (vals: Record<string, unknown>) => {
    const r = scoreRegion(p, regionOf(definedOnly(vals), region.code, region.name), false).result;
    return r && (p.gradeIndex.get(r.grade) as number) <= toIdx ? r : null;
  };
  let r = reaches(values);
  let note: string | undefined;
  let nudged = 0;
  if (!r) {
    // Rounding at a boundary: move the changed values a little further from where they were.
    for (const eps of [1e-12, 1e-9, 1e-6, 1e-4, 1e-2]) {
      const trial = { ...values };
      for (const s of changed()) {
        const a = current[s.key];
        const b = values[s.key];
        if (typeof a !== 'number' || typeof b !== 'number' || s.range.kind !== 'real') continue;
        const step = eps * width(s.key) * Math.sign(b - a);
        trial[s.key] = Math.min(s.range.hi, Math.max(s.range.lo, b + step));
      }
      r = reaches(trial);
      if (r) {
        Object.assign(values, trial);
        nudged = eps;
        note = `为使引擎确认，变动值向内侧微调了相对幅度 ${eps} / nudged by ${eps} of each range so that the engine confirms`;
        break;
      }
    }
  }
  if (!r)
    return honest(
      "求解结果未被引擎确认（边界舍入）/ the solver's answer was not confirmed by the engine (rounding at a boundary)",
    );
  const moved = changed();
  // Fewest changes: proven when the sound model has no path with fewer than this answer's.
  const countProof =
    proof === 'unsat' && moved.length === fewer ? 'unsat' : await below(exact, remaining(), moved.length);
  const floats =
    countProof === 'unsat'
      ? await soundly(build, Math.min(remaining(), limit * 0.25), moved.length)
      : 'unknown';
  const cost = moved.reduce((sum, s) => sum + relOf(s, current[s.key], values[s.key], width), 0);
  // A nudge beyond a rounding error makes the sizes no longer the proven smallest.
  const minimal = countProof === 'unsat' && nudged <= 1e-9;
  if (!minimal)
    note = [
      note,
      countProof === 'sat'
        ? '以双精度舍入计，可能存在改动更少的路径 / with double rounding a path with fewer changes may exist'
        : '最少改动数未能在时限内对浮点运算证明 / the fewest changes could not be proven for float arithmetic in time',
    ]
      .filter(Boolean)
      .join('; ');
  return {
    ...base,
    to: { total: r.total, grade: r.grade },
    reachable: true,
    changes: moved.map((s) => ({ key: s.key, from: current[s.key], to: values[s.key] })),
    minimal,
    cost: Number(cost.toPrecision(12)),
    ...(minimal ? { provenFor: floats === 'unsat' ? ('floats' as const) : ('reals' as const) } : {}),
    ...(note ? { note } : {}),
  };
}

/**
 * In sound mode (every operation rounding as a double may): is there a path with fewer than
 * `fewer` changes (any path when null)? 'unsat' proves there is none.
 */
async function below(
  m: { facts: B[]; count: A },
  timeoutMs: number,
  fewer: number | null,
): Promise<'sat' | 'unsat' | 'unknown'> {
  if (fewer === 0) return 'unsat';
  const s = new m.count.ctx.Solver();
  s.set('timeout', timeoutMs);
  s.add(...m.facts);
  if (fewer !== null) s.add(m.count.le(fewer - 1));
  return within(m.count.ctx as Z3, timeoutMs, () => s.check());
}

async function soundly(
  build: (mode: 'sound') => { facts: B[]; count: A },
  timeoutMs: number,
  fewer: number | null,
): Promise<'sat' | 'unsat' | 'unknown'> {
  if (fewer === 0) return 'unsat';
  let m;
  try {
    m = build('sound');
  } catch (e) {
    if (e instanceof Unsupported) return 'unknown';
    throw e;
  }
  const Zc = m.count.ctx;
  const s = new Zc.Solver();
  s.set('timeout', timeoutMs);
  s.add(...m.facts);
  if (fewer !== null) s.add(m.count.le(fewer - 1));
  return within(Zc as Z3, timeoutMs, () => s.check());
}

function symbolOf(Z: Z3, key: string, v: unknown, r: VarRange, width: (k: string) => number): Sym | null {
  if (v === undefined || v === null) return null; // an absent value stays absent
  const changed = Z.Bool.const(`changed!${key}`);
  const one = Z.If(changed, Z.Real.val(1), Z.Real.val(0)) as A;
  if (r.kind === 'set') {
    if (r.free) return null;
    if (r.values.every((x) => typeof x === 'boolean')) {
      const t = Z.Bool.const(`in!${key}`);
      return { key, val: { k: 'b', e: t }, term: t, changed, rel: one, range: r, cur: v };
    }
    if (r.values.every((x) => typeof x === 'string')) {
      const t = Z.Int.const(`in!${key}`);
      return {
        key,
        val: { k: 's', e: t, table: r.values as string[] },
        term: t,
        changed,
        rel: one,
        range: r,
        cur: v,
      };
    }
    return null;
  }
  if (typeof v !== 'number') return null;
  const t = r.kind === 'int' ? Z.Int.const(`in!${key}`) : Z.Real.const(`in!${key}`);
  const x = r.kind === 'int' ? Z.ToReal(t) : t;
  const x0 = Z.Real.val(exactRational(v));
  const dist = Z.If(x.ge(x0), x.sub(x0), x0.sub(x)) as A;
  return {
    key,
    val: { k: 'n', e: x, ok: null, float: true },
    term: t,
    changed,
    rel: dist.div(Z.Real.val(exactRational(width(key)))),
    range: r,
    cur: v,
  };
}

function rangeFacts(Z: Z3, s: Sym): B[] {
  const r = s.range;
  const t = s.term as A;
  const out: B[] = [];
  if (s.val.k === 'b') {
    out.push(Z.Implies(Z.Not(s.changed), (s.term as B).eq(Z.Bool.val(Boolean(s.cur)))));
    return out;
  }
  if (s.val.k === 's') {
    out.push(t.ge(0), t.lt(r.values.length));
    out.push(Z.Implies(Z.Not(s.changed), t.eq(r.values.indexOf(s.cur))));
    return out;
  }
  const x = (s.val as { e: A }).e;
  if (r.lo > -1e300) out.push(x.ge(Z.Real.val(exactRational(r.lo))));
  if (r.hi < 1e300) out.push(x.le(Z.Real.val(exactRational(r.hi))));
  out.push(Z.Implies(Z.Not(s.changed), x.eq(Z.Real.val(exactRational(s.cur as number)))));
  return out;
}

function valueOf(m: Model<'ecoscore'>, s: Sym): unknown {
  const v = m.eval(s.term, true) as unknown as {
    value?: () => unknown;
    asDecimal?: (prec: number) => string;
    toString(): string;
  };
  if (s.val.k === 'b') return v.toString() === 'true';
  const raw = typeof v.value === 'function' ? v.value() : null;
  if (s.val.k === 's') return s.range.values[Number(raw)];
  if (typeof raw === 'bigint') return Number(raw);
  if (raw && typeof raw === 'object' && 'numerator' in raw) {
    const q = raw as { numerator: bigint; denominator: bigint };
    return ratioToNumber(q.numerator, q.denominator);
  }
  // An algebraic number (non-linear formulas): its decimal expansion.
  const text = typeof v.asDecimal === 'function' ? v.asDecimal(20) : v.toString();
  const n = Number(text.replace(/\?$/, ''));
  if (Number.isFinite(n)) return n;
  throw new Unsupported(`model value ${v.toString()}`);
}

/** The double nearest to n/d (through its decimal expansion to 20 significant digits). */
function ratioToNumber(n: bigint, d: bigint): number {
  if (d === 1n) return Number(n);
  const neg = n < 0n !== d < 0n;
  let a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const int = a / b;
  a = a % b;
  let digits = '';
  for (let i = 0; i < 40 && a !== 0n; i++) {
    a *= 10n;
    digits += String(a / b);
    a %= b;
  }
  const x = Number(`${int}.${digits || '0'}`);
  return neg ? -x : x;
}

function relOf(s: Sym, a: unknown, b: unknown, width: (k: string) => number): number {
  if (Object.is(a, b)) return 0;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(b - a) / width(s.key);
  return 1;
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

function withChanges(current: Record<string, unknown>, changes: { key: string; to: unknown }[]) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(current)) if (v !== undefined) out[k] = v;
  for (const c of changes) out[c.key] = c.to;
  return out;
}
