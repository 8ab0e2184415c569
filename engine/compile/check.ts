/**
 * Step 1 of the compiled pipeline: a region's values checked and defaulted into slots, with the
 * messages of engine/evaluate/inputs.ts, byte for byte.
 */
import type { Input, RegionData, RegionError } from '../types.ts';
import { valueFitsType } from '../validate/semantic.ts';
import { labelledValue, undeclaredMessage } from '../evaluate/inputs.ts';
import type { CompiledDocument, InputCheck, KeyLayout, Warning } from './shapes.ts';
import { who } from './messages.ts';

const TYPE_ZH: Record<Input['type'], string> = {
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  string: '文本',
};

function inputError(region: RegionData, key: string, code: string, zh: string, en: string): RegionError {
  return {
    region: region.code,
    name: region.name,
    key,
    code,
    message: `${who(region)}${zh} / ${region.code}: ${en}`,
  };
}

/** Why a present value is refused (the messages of engine/evaluate/inputs.ts), or null. */
function refusal(region: RegionData, input: Input, v: unknown): RegionError | null {
  const key = input.key;
  if (!valueFitsType(v, input.type))
    return inputError(
      region,
      key,
      'wrong_type',
      `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不是${TYPE_ZH[input.type]}。`,
      `"${key}" must be ${input.type === 'integer' ? 'an integer' : `a ${input.type}`}, got ${JSON.stringify(v)}.`,
    );
  if (typeof v === 'number') {
    if (input.min !== undefined && v < input.min)
      return inputError(
        region,
        key,
        'out_of_range',
        `"${key}"（${input.label.zh}）的值 ${v} 小于最小值 ${input.min}。`,
        `"${key}" is ${v}, below the minimum ${input.min}.`,
      );
    if (input.max !== undefined && v > input.max)
      return inputError(
        region,
        key,
        'out_of_range',
        `"${key}"（${input.label.zh}）的值 ${v} 大于最大值 ${input.max}。`,
        `"${key}" is ${v}, above the maximum ${input.max}.`,
      );
  }
  if (input.enum && !input.enum.some((e) => e === v)) {
    const allowed = input.enum.map((e) => JSON.stringify(e)).join(', ');
    return inputError(
      region,
      key,
      'not_in_enum',
      `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不在可选值 ${allowed} 中。`,
      `"${key}" is ${JSON.stringify(v)}, not one of ${allowed}.`,
    );
  }
  return null;
}

/**
 * Whether a present value is accepted: a fast test that never accepts what `refusal` refuses
 * (when it says no, `refusal` decides).
 */
function accepted(c: InputCheck, v: unknown): boolean {
  switch (c.kind) {
    case 0:
      return typeof v === 'number' && v >= c.lo && v <= c.hi && v - v === 0;
    case 1:
      return typeof v === 'number' && v >= c.lo && v <= c.hi && Number.isInteger(v);
    case 2:
      return typeof v === 'boolean';
    case 3:
      return typeof v === 'string';
    case 4: {
      if (typeof v !== 'string') return false;
      const list = c.enum!;
      for (let i = 0; i < list.length; i++) if (list[i] === v) return true;
      return false;
    }
  }
  return false;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The most recent layout, if the data's keys are exactly its keys, in order: checked by a
 * `for…in` walk, which allocates nothing (`Object.keys` would build the array to compare). A
 * `for…in` walk also lists inherited enumerable keys, after the own ones: those make it differ,
 * and `layoutOf` decide.
 */
function sameAsLast(cd: CompiledDocument, data: Record<string, unknown>): KeyLayout | undefined {
  if (cd.layouts.length === 0) return undefined;
  const layout = cd.layouts[0];
  const keys = layout.keys;
  const n = keys.length;
  let j = 0;
  for (const k in data) {
    if (j === n || k !== keys[j]) return undefined;
    j++;
  }
  return j === n ? layout : undefined;
}

/** The layout of these keys: one of the last few seen (most recent first), or a new one. */
function layoutOf(cd: CompiledDocument, keys: string[]): KeyLayout {
  const recent = cd.layouts;
  for (let i = 0; i < recent.length; i++) {
    const l = recent[i];
    if (sameKeys(l.keys, keys)) {
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(l);
      }
      return l;
    }
  }
  const at = new Map(keys.map((k, i) => [k, i]));
  const layout: KeyLayout = {
    keys,
    positionOf: Int32Array.from(cd.checks, (c) => at.get(c.key) ?? -1),
    undeclared: keys.filter((k) => !cd.inputKeys.has(k)),
  };
  recent.unshift(layout);
  if (recent.length > 8) recent.pop();
  return layout;
}

/**
 * Step 1 into slots: the inputs checked and defaulted, as engine/evaluate/inputs.ts does it.
 * Returns the errors (null when there are none), and appends undeclared-key warnings to
 * `warnings`.
 *
 * A region's values are read in one `Object.values` call and matched to the inputs by their key
 * order, which is remembered from one region to the next (data files give every region the same
 * order; the last few orders are kept), instead of one keyed lookup per input (a `for…in` pass
 * reading `data[key]` is slower still: numbers stored as doubles are read through the runtime).
 * Values are plain data: own enumerable keys, as JSON, CSV and spreadsheets give them.
 */
export function resolveInto(
  cd: CompiledDocument,
  region: RegionData,
  slots: unknown[],
  warnings: Warning[],
  lane: number,
): RegionError[] | null {
  let errors: RegionError[] | null = null;
  const regs = cd.program.regs;
  const data = (region.values ?? {}) as Record<string, unknown>;
  const layout = sameAsLast(cd, data) ?? layoutOf(cd, Object.keys(data));
  const vals = Object.values(data);
  const positionOf = layout.positionOf;
  const checks = cd.checks;
  const { kinds, lows, highs, regOf } = cd.checkArrays;
  const p = cd.prepared;
  const labelled = p.labelled.size > 0;
  for (let i = 0; i < checks.length; i++) {
    const at = positionOf[i];
    let v = at < 0 ? undefined : vals[at];
    // The common case first, from flat arrays: a number within its bounds.
    const kind = kinds[i];
    if (
      kind <= 1 &&
      typeof v === 'number' &&
      v >= lows[i] &&
      v <= highs[i] &&
      (kind === 0 ? v - v === 0 : Number.isInteger(v))
    ) {
      slots[i] = v;
      if (regOf[i] >= 0) regs[regOf[i] + lane] = v;
      continue;
    }
    const c = checks[i];
    if (typeof v === 'string' && labelled) v = labelledValue(p, c.key, v);
    if (v === null || v === undefined) {
      v = c.dflt;
      if (v === undefined) {
        if (c.required)
          (errors ??= []).push(
            inputError(
              region,
              c.key,
              'missing_input',
              `缺少必填数据 "${c.key}"（${c.input.label.zh}）。`,
              `required value "${c.key}" (${c.input.label.en ?? c.input.label.zh}) is missing.`,
            ),
          );
        continue;
      }
    }
    if (!accepted(c, v)) {
      const e = refusal(region, c.input, v);
      if (e) {
        (errors ??= []).push(e);
        continue;
      }
    }
    slots[i] = v;
    if (c.reg >= 0) regs[c.reg + lane] = typeof v === 'number' ? v : v ? 1 : 0;
  }
  const undeclared = layout.undeclared;
  for (let i = 0; i < undeclared.length; i++) {
    const key = undeclared[i];
    warnings.push({ region: region.code, key, message: undeclaredMessage(p, key) });
  }
  return errors;
}
