/** The compiled pipeline's formula errors and item traces, as the interpreted path words them. */
import type { ItemTrace, RegionData, RegionError } from '../types.ts';
import type { CompiledItem, Warning } from './shapes.ts';

export function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function who(region: RegionData): string {
  return `${region.name || region.code}（${region.code}）`;
}

export function formulaError(
  region: RegionData,
  what: { key?: string; item?: string },
  zh: string,
  en: string,
): RegionError {
  return {
    region: region.code,
    name: region.name,
    ...what,
    code: 'formula_error',
    message: `${who(region)}${zh} / ${region.code}: ${en}`,
  };
}

export function invalidResult(region: RegionData, it: CompiledItem, v: unknown): RegionError {
  return {
    region: region.code,
    name: region.name,
    item: it.id,
    code: 'invalid_result',
    message: `${who(region)}考核项 "${it.id}"（${it.label.zh}）的公式结果 ${show(v)} 不是有限数值 / ${region.code}: item "${it.id}" yielded ${show(v)}, not a finite number`,
  };
}

export function traceOf(
  item: CompiledItem,
  slots: unknown[],
  raw: number | null,
  clamp: ItemTrace['clamp'],
  points: number | null,
): ItemTrace {
  const vars: Record<string, unknown> = {};
  const reads = item.reads;
  for (let i = 0; i < reads.length; i++) {
    const r = reads[i];
    if (r.slot < 0) vars[r.name] = null;
    else if (r.derived) vars[r.name] = slots[r.slot];
    else {
      const v = slots[r.slot];
      vars[r.name] = v === undefined ? null : v;
    }
  }
  return { vars, raw, clamp, points };
}

export function conditionError(region: RegionData, kind: string, id: string, e: unknown): RegionError {
  const m = messageOf(e);
  return formulaError(
    region,
    { item: id },
    `${kind} "${id}" 条件计算出错：${m}`,
    `${kind} "${id}" condition failed: ${m}`,
  );
}

export function itemError(
  region: RegionData,
  kind: string,
  what: string,
  id: string,
  e: unknown,
): RegionError {
  const m = messageOf(e);
  return formulaError(region, { item: id }, `${kind} "${id}" 计算出错：${m}`, `${what} "${id}" failed: ${m}`);
}

export function messageOfWarning(w: Warning): string {
  return w.message;
}
