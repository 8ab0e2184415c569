/**
 * Regions scored with a compiled document (document.ts): step 1 (check.ts), the numeric program
 * and the derived values, then steps 3–10 (result.ts).
 */
import type { RegionData } from '../types.ts';
import type { RegionOutcome } from '../evaluate/score.ts';
import { resolvePrevious } from '../evaluate/inputs.ts';
import { runVm } from './vm.ts';
import type { CompiledDocument, Pending, Warning } from './shapes.ts';
import { resolveInto } from './check.ts';
import { formulaError, messageOf } from './messages.ts';
import { finish } from './result.ts';
import { LONG_LIVED } from './result-objects.ts';
import { RawPool } from './lazy.ts';

/** Step 1 for a region, in a lane of the numeric program. */
function begin(cd: CompiledDocument, region: RegionData, lane: number): Pending {
  // A copy of an array of undefined values: its elements are generic from the start (a fresh
  // `new Array(n)` would turn into an array of unboxed doubles at the first number stored, and
  // back at the first string or boolean).
  const slots = cd.blankSlots.slice();
  const warnings: Warning[] = [];
  let errors = resolveInto(cd, region, slots, warnings, lane);
  const p = cd.prepared;
  if (p.previous.length > 0 || region.previous !== undefined) {
    // Last year's values (schema version 2): checked as the interpreter does, into their slots.
    const prev = resolvePrevious(p, region);
    for (const e of prev.errors) (errors ??= []).push(e);
    for (const w of prev.warnings) warnings.push(w);
    const regs = cd.program.regs;
    for (let i = 0; i < p.previous.length; i++) {
      const v = prev.previous[p.previous[i].key];
      slots[cd.previousSlots[i]] = v;
      const reg = cd.previousRegs[i];
      if (reg >= 0 && v !== undefined && v !== null) regs[reg + lane] = typeof v === 'number' ? v : v ? 1 : 0;
    }
  }
  return { region, slots, warnings, errors };
}

/**
 * Step 2 for a region whose inputs are good, once the numeric program's derived values have run:
 * those copied into the slots (they read only inputs and one another, and cannot fail), then the
 * others computed in order, the first failure ending the region.
 */
function deriveInto(cd: CompiledDocument, r: Pending, lane: number): void {
  const regs = cd.program.regs;
  const lanes = cd.program.lanes;
  const slots = r.slots;
  const derived = cd.derived;
  for (let i = 0; i < derived.length; i++) {
    const d = derived[i];
    if (d.reg >= 0) {
      const x = regs[d.reg * lanes + lane];
      slots[d.slot] = d.boolean ? x !== 0 : x;
    }
  }
  for (let i = 0; i < derived.length; i++) {
    const d = derived[i];
    if (d.reg >= 0) continue;
    try {
      slots[d.slot] = d.fn(slots);
    } catch (e) {
      const m = messageOf(e);
      r.errors = [
        formulaError(
          r.region,
          { key: d.key },
          `派生值 "${d.key}" 计算出错：${m}`,
          `derived value "${d.key}" failed: ${m}`,
        ),
      ];
      return;
    }
  }
}

/**
 * Scores one region with a compiled document: the same outcome as `scoreRegion` of
 * engine/evaluate/score.ts.
 */
export function scoreRegionCompiled(cd: CompiledDocument, region: RegionData, trace = true): RegionOutcome {
  const program = cd.program;
  const r = begin(cd, region, 0);
  if (r.errors !== null) return { errors: r.errors, warnings: r.warnings, gradeIndex: -1 };
  runVm(program, 0, cd.programSplit, 1);
  deriveInto(cd, r, 0);
  if (r.errors !== null) return { errors: r.errors, warnings: r.warnings, gradeIndex: -1 };
  runVm(program, cd.programSplit, program.code.length, 1);
  return finish(cd, r, 0, trace, false);
}

/**
 * Scores regions with a compiled document: the outcomes of `scoreRegionCompiled` for each, in
 * order, computed by groups of regions (as many as the program has lanes) that share each run of
 * the numeric program, which makes the formulas several times cheaper than region by region.
 * Regions are independent, so the order in which their steps interleave changes nothing in their
 * outcomes.
 */
export function scoreRegionsCompiled(
  cd: CompiledDocument,
  regions: readonly RegionData[],
  trace = true,
): RegionOutcome[] {
  const program = cd.program;
  const out: RegionOutcome[] = new Array(regions.length);
  const lanes = program.lanes;
  const long = regions.length > LONG_LIVED;
  const group: Pending[] = new Array(Math.min(lanes, regions.length));
  // A large dataset's results keep their items' raw results, made into objects when read (lazy.ts).
  const pool = long ? new RawPool(cd.itemCount + cd.bonusItems.length) : null;
  for (let from = 0; from < regions.length; from += lanes) {
    const n = Math.min(lanes, regions.length - from);
    pool?.reserve(n);
    for (let j = 0; j < n; j++) group[j] = begin(cd, regions[from + j], j);
    runVm(program, 0, cd.programSplit, n);
    for (let j = 0; j < n; j++) if (group[j].errors === null) deriveInto(cd, group[j], j);
    runVm(program, cd.programSplit, program.code.length, n);
    for (let j = 0; j < n; j++) {
      const r = group[j];
      out[from + j] =
        r.errors === null
          ? finish(cd, r, j, trace, long, pool)
          : { errors: r.errors, warnings: r.warnings, gradeIndex: -1 };
    }
  }
  return out;
}
