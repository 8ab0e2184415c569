/**
 * What an appeal targets in the run's document: an input, an item, a veto, downgrade or cap — its
 * label and what the run had for the region, whether a new appeal's target and request are
 * allowed, and whether a decision's corrected value or points are.
 */
import type { Input, RegionResult, RuleDocument } from '../../engine/types.ts';
import {
  invalid,
  type Appeal,
  type AppealDecisionInput,
  type AppealTarget,
  type NewAppeal,
} from './appeal-types.ts';
import type { AppealRow } from './schema.ts';
import { checkValue } from './values.ts';

export function targetId(t: AppealTarget): string {
  return t.kind === 'input' ? t.key : t.id;
}

/** The target of an appeal row. */
export function targetOf(r: AppealRow): AppealTarget {
  return r.targetKind === 'input'
    ? { kind: 'input', key: r.targetId }
    : { kind: r.targetKind, id: r.targetId };
}

function conditionList(
  doc: RuleDocument,
  kind: 'veto' | 'downgrade' | 'cap',
): { id: string; label?: { zh: string } }[] {
  return ((kind === 'veto' ? doc.vetoes : kind === 'downgrade' ? doc.downgrades : doc.caps) ?? []) as {
    id: string;
    label?: { zh: string };
  }[];
}

function findItem(
  doc: RuleDocument,
  id: string,
): { label: { zh: string }; maxPoints: number | null } | undefined {
  for (const c of doc.categories)
    for (const it of c.items) if (it.id === id) return { label: it.label, maxPoints: it.maxPoints };
  const b = (doc.bonus?.items ?? []).find((x) => x.id === id);
  return b ? { label: b.label, maxPoints: null } : undefined;
}

/** The label of a target in the run's document, and what the run had for the region. */
export function describe(
  doc: RuleDocument,
  result: RegionResult | undefined,
  t: AppealTarget,
): { label: string | null; current: Appeal['current'] } {
  if (t.kind === 'input') {
    const input = doc.inputs.find((i) => i.key === t.key);
    const v = result?.values?.[t.key];
    return { label: input?.label.zh ?? null, current: { value: v === undefined ? null : v } };
  }
  if (t.kind === 'item') {
    const item = findItem(doc, t.id);
    const found =
      result?.categories.flatMap((c) => c.items).find((i) => i.id === t.id) ??
      result?.bonusItems.find((b) => b.id === t.id);
    return {
      label: item?.label.zh ?? null,
      current: found ? { points: found.points, maxPoints: item?.maxPoints ?? null } : null,
    };
  }
  const def = conditionList(doc, t.kind).find((x) => x.id === t.id);
  const fired =
    t.kind === 'veto' ? result?.vetoes : t.kind === 'downgrade' ? result?.downgrades : result?.caps;
  return {
    label: def?.label?.zh ?? null,
    current: result ? { fired: fired?.includes(t.id) ?? false } : null,
  };
}

/** The request stored with a new appeal (JSON text or null); ValidationError when the target or request is not allowed. */
export function checkTarget(doc: RuleDocument, result: RegionResult, input: NewAppeal): string | null {
  const t = input.target;
  const req = input.requested ?? null;
  if (t.kind === 'input') {
    const def = doc.inputs.find((i) => i.key === t.key);
    if (!def)
      invalid('/target/key', 'unknown_target', `规则中没有指标 ${t.key} / no input ${t.key} in the rules`);
    if (req) {
      if (!('value' in req) || 'points' in req)
        invalid(
          '/requested',
          'invalid_requested',
          '指标申诉的请求应为 { value } / an input appeal requests { value }',
        );
      const p = checkValue(def as Input, req.value);
      if (p) invalid('/requested/value', p.code, p.message);
      return JSON.stringify({ value: req.value });
    }
    return null;
  }
  if (t.kind === 'item') {
    const item = findItem(doc, t.id);
    if (!item)
      invalid('/target/id', 'unknown_target', `规则中没有考核项 ${t.id} / no item ${t.id} in the rules`);
    if (req) {
      if (!('points' in req) || 'value' in req || typeof req.points !== 'number')
        invalid(
          '/requested',
          'invalid_requested',
          '考核项申诉的请求应为 { points } / an item appeal requests { points }',
        );
      const max = item!.maxPoints ?? Number.MAX_VALUE;
      if (!(req.points! >= 0 && req.points! <= max))
        invalid(
          '/requested/points',
          'out_of_range',
          `分值应在 0–${item!.maxPoints} 之间 / points must be within 0–${item!.maxPoints}`,
        );
      return JSON.stringify({ points: req.points });
    }
    return null;
  }
  const def = conditionList(doc, t.kind).find((x) => x.id === t.id);
  if (!def)
    invalid(
      '/target/id',
      'unknown_target',
      `规则中没有 ${t.kind} ${t.id} / no ${t.kind} ${t.id} in the rules`,
    );
  const fired = t.kind === 'veto' ? result.vetoes : t.kind === 'downgrade' ? result.downgrades : result.caps;
  if (!fired.includes(t.id))
    invalid(
      '/target/id',
      'not_triggered',
      `${t.kind} ${t.id} 未对该地区生效 / ${t.kind} ${t.id} did not apply to this region`,
    );
  if (req)
    invalid(
      '/requested',
      'invalid_requested',
      `${t.kind} 申诉请求撤销，不带 requested / a ${t.kind} appeal asks for it to be lifted; no requested`,
    );
  return null;
}

/**
 * The corrected value (JSON text) or adjusted points a decision carries: an accepted input appeal
 * carries `value`, an accepted item appeal `points`, anything else neither (ValidationError).
 */
export function checkDecision(
  document: RuleDocument,
  row: AppealRow,
  input: AppealDecisionInput,
): { value: string | null; points: number | null } {
  let value: string | null = null;
  let points: number | null = null;
  const has = (k: 'value' | 'points') => input[k] !== undefined;
  if (input.decision === 'rejected' || !['input', 'item'].includes(row.targetKind)) {
    if (has('value'))
      invalid('/value', 'unexpected_value', '此决定不带 value / this decision takes no value');
    if (has('points'))
      invalid('/points', 'unexpected_points', '此决定不带 points / this decision takes no points');
  } else if (row.targetKind === 'input') {
    if (has('points'))
      invalid('/points', 'unexpected_points', '指标申诉的决定给出 value / an input decision gives a value');
    if (!has('value'))
      invalid(
        '/value',
        'value_required',
        '采纳指标申诉需给出更正后的数值 value / accepting an input appeal needs the corrected value',
      );
    const def = document.inputs.find((i) => i.key === row.targetId)!;
    const p = checkValue(def, input.value);
    if (p) invalid('/value', p.code, p.message);
    value = JSON.stringify(input.value);
  } else {
    if (has('value'))
      invalid('/value', 'unexpected_value', '考核项申诉的决定给出 points / an item decision gives points');
    if (!has('points') || typeof input.points !== 'number' || !Number.isFinite(input.points))
      invalid(
        '/points',
        'points_required',
        '采纳考核项申诉需给出调整后的分值 points / accepting an item appeal needs the adjusted points',
      );
    const max = findItem(document, row.targetId)?.maxPoints ?? Number.MAX_VALUE;
    if (input.points! < 0 || input.points! > max)
      invalid('/points', 'out_of_range', `分值应在 0–${max} 之间 / points must be within 0–${max}`);
    points = input.points!;
  }
  return { value, points };
}
