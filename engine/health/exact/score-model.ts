/**
 * The engine's scoring of one region (SPEC section 3, with section 9's `applies`) as SMT terms:
 * item points (clamped, rounded to `precision`), categories, the capped bonus, the total, the
 * score grade, then downgrades, caps and vetoes. A category that rescales non-applicable items is
 * not modelled (Unsupported).
 */
import type { Arith, Bool } from 'z3-solver';
import type { PreparedDocument } from '../../evaluate/prepare.ts';
import { roundHalfAway } from '../../numeric/round.ts';
import { Encoder, Unsupported, type Val } from './encode.ts';

type A = Arith<'ecoscore'>;
type B = Bool<'ecoscore'>;

export interface ScoreModel {
  total: A;
  /** The final grade's index (0 = best). */
  grade: A;
  /** Every item and bonus item yields a finite number (else the engine scores nothing). */
  valid: B;
}

export function scoreModel(p: PreparedDocument, e: Encoder): ScoreModel {
  const Z = e.Z;
  const valid: B[] = [];
  const digits = p.precision;
  const points = (v: Val, lo: number, hi: number | null): A => {
    if (v.k === 'c')
      return e.dec(roundHalfAway(Math.min(Math.max(v.v as number, lo), hi ?? Infinity), digits));
    const x = e.asNum(v);
    if (x.ok) valid.push(x.ok);
    let c = Z.If(x.e.lt(lo), e.num(lo), x.e) as A;
    if (hi !== null) c = Z.If(c.gt(e.dec(hi)), e.dec(hi), c) as A;
    return e.round({ k: 'n', e: c, ok: null }, digits).e;
  };
  const finiteNumber = (v: Val, id: string): Val => {
    if (v.k === 'c' && !(typeof v.v === 'number' && Number.isFinite(v.v)))
      throw new Unsupported(`item ${id} yields no number`);
    if (v.k === 'b' || v.k === 's') throw new Unsupported(`item ${id} yields no number`);
    return v;
  };
  let base: A = e.num(0);
  for (const c of p.doc.categories) {
    for (const it of c.items) {
      let pts = points(finiteNumber(e.enc(it.logic), it.id), 0, it.maxPoints);
      if (it.applies !== undefined) {
        const a = e.enc(it.applies);
        if (a.k === 'c' && Boolean(a.v)) {
          /* always applies */
        } else if ((c.notApplicable ?? 'full') !== 'full') throw new Unsupported('rescaled category');
        else pts = Z.If(e.truthy(a), pts, e.dec(it.maxPoints)) as A;
      }
      base = base.add(pts);
    }
  }
  let bonus: A = e.num(0);
  for (const b of p.doc.bonus?.items ?? [])
    bonus = bonus.add(points(finiteNumber(e.enc(b.logic), b.id), 0, null));
  const cap = e.dec(p.bonusCap);
  const total = base.add(Z.If(bonus.gt(cap), cap, bonus) as A);
  const last = p.grades.length - 1;
  let scoreGrade: A = e.num(last);
  for (let i = last - 1; i >= 0; i--)
    scoreGrade = Z.If(total.ge(e.dec(p.grades[i].min)), e.num(i), scoreGrade) as A;
  const fired = (when: unknown) => e.truthy(e.enc(when));
  let shift: A = e.num(0);
  for (const d of p.doc.downgrades ?? []) {
    const lv = e.num(d.levels ?? 1);
    const f = fired(d.when);
    shift =
      p.stacking === 'sum'
        ? shift.add(Z.If(f, lv, e.num(0)) as A)
        : (Z.If(Z.And(f, lv.gt(shift)), lv, shift) as A);
  }
  const shifted = scoreGrade.add(shift);
  let grade = Z.If(shifted.gt(last), e.num(last), shifted) as A;
  for (const c of p.doc.caps ?? []) {
    const gi = e.num(p.gradeIndex.get(c.maxGrade) ?? 0);
    grade = Z.If(Z.And(fired(c.when), gi.gt(grade)), gi, grade) as A;
  }
  const vetoed = (p.doc.vetoes ?? []).map((v) => fired(v.when));
  if (vetoed.length > 0) grade = Z.If(Z.Or(...vetoed), e.num(last), grade) as A;
  return { total, grade, valid: valid.length ? Z.And(...valid) : Z.Bool.val(true) };
}
