/**
 * What an appeal (申诉) is about, chosen from the run's own results: one input of the region's data,
 * one item's points, or one veto, downgrade or grade cap (SPEC section 10). The options carry the
 * Chinese (or English) labels of the rule document, never bare ids, and the current value or points
 * the region got, so that the person filing sees what they object to.
 *
 * @example
 * const options = targetOptions(doc, regionResult, 'zh');
 * options.find((o) => o.key === 'item:pm25')?.label // "生态环境保护主要指标完成情况 › 细颗粒物(PM2.5)年均浓度"
 */
import type { RegionResult, RuleDocument } from '$engine/types.ts';

export type TargetKind = 'input' | 'item' | 'veto' | 'downgrade' | 'cap';

export type AppealTarget =
  | { kind: 'input'; key: string }
  | { kind: 'item'; id: string }
  | { kind: 'veto' | 'downgrade' | 'cap'; id: string };

/** What may be asked for: a corrected value (inputs) or adjusted points (items); nothing else. */
export type Requested = { value: number | string | boolean } | { points: number };

type Lang = 'zh' | 'en';
type Label = { zh: string; en?: string };

const pick = (l: Label | undefined, lang: Lang) => (l ? (lang === 'en' && l.en ? l.en : l.zh) : '');

/** An input's allowed values: plain scalars or, in schema version 2, `{ value, label }` objects. */
export interface Choice {
  value: string | number | boolean;
  label: string;
}

export interface TargetOption {
  /** `kind:id` (or `input:key`): the form's select value. */
  key: string;
  target: AppealTarget;
  kind: TargetKind;
  label: string;
  /** The current value or points, formatted for display (`—` when absent). */
  current: string;
  /** Items: the points and maximum; inputs: the raw value. */
  points?: number;
  maxPoints?: number;
  value?: unknown;
  /** Vetoes, downgrades, caps: whether it applied to the region in this run. */
  hit?: boolean;
  /** Inputs: the type and limits, to read the requested value. */
  input?: { type: string; min?: number; max?: number; unit?: string; choices?: Choice[] };
}

export function targetKey(t: AppealTarget): string {
  return t.kind === 'input' ? `input:${t.key}` : `${t.kind}:${t.id}`;
}

function choicesOf(en: unknown, lang: Lang): Choice[] | undefined {
  if (!Array.isArray(en)) return undefined;
  return en.map((c) =>
    c !== null && typeof c === 'object' && 'value' in c
      ? {
          value: (c as { value: string | number | boolean }).value,
          label: pick((c as { label?: Label }).label, lang) || String((c as { value: unknown }).value),
        }
      : { value: c as string | number | boolean, label: String(c) },
  );
}

function show(v: unknown, lang: Lang, choices?: Choice[], unit?: string): string {
  if (v === undefined || v === null || v === '') return '—';
  const c = choices?.find((x) => x.value === v);
  if (c) return c.label;
  if (typeof v === 'boolean') return v ? (lang === 'en' ? 'yes' : '是') : lang === 'en' ? 'no' : '否';
  return unit ? `${String(v)} ${unit}` : String(v);
}

/**
 * Every target of one region's result, in the document's order: the items (by category), then
 * vetoes, downgrades and caps (the ones that applied first), then the inputs.
 */
export function targetOptions(doc: RuleDocument, result: RegionResult, lang: Lang): TargetOption[] {
  const out: TargetOption[] = [];
  for (const c of result.categories) {
    const cDef = doc.categories.find((x) => x.id === c.id);
    for (const it of c.items) {
      const def = cDef?.items.find((x) => x.id === it.id);
      const points = it.points as number | null;
      out.push({
        key: `item:${it.id}`,
        target: { kind: 'item', id: it.id },
        kind: 'item',
        label: `${pick(cDef?.label ?? c.label, lang)} › ${pick(def?.label ?? it.label, lang)}`,
        current: points === null ? '—' : `${points} / ${it.maxPoints}`,
        points: points ?? undefined,
        maxPoints: it.maxPoints,
      });
    }
  }
  const adjustments: {
    kind: 'veto' | 'downgrade' | 'cap';
    list: { id: string; label: Label }[];
    hits: string[];
  }[] = [
    { kind: 'veto', list: doc.vetoes ?? [], hits: result.vetoes },
    { kind: 'downgrade', list: doc.downgrades ?? [], hits: result.downgrades },
    { kind: 'cap', list: doc.caps ?? [], hits: result.caps },
  ];
  for (const a of adjustments) {
    const rows = a.list.map((d) => ({ d, hit: a.hits.includes(d.id) }));
    rows.sort((x, y) => Number(y.hit) - Number(x.hit));
    for (const { d, hit } of rows)
      out.push({
        key: `${a.kind}:${d.id}`,
        target: { kind: a.kind, id: d.id },
        kind: a.kind,
        label: pick(d.label, lang),
        current: hit ? (lang === 'en' ? 'applied' : '已触发') : lang === 'en' ? 'not applied' : '未触发',
        hit,
      });
  }
  const values = result.values ?? {};
  for (const i of doc.inputs) {
    const choices = choicesOf(i.enum, lang);
    out.push({
      key: `input:${i.key}`,
      target: { kind: 'input', key: i.key },
      kind: 'input',
      label: pick(i.label, lang),
      current: show(values[i.key], lang, choices, i.unit),
      value: values[i.key],
      input: { type: i.type, min: i.min, max: i.max, unit: i.unit, choices },
    });
  }
  return out;
}

/** The label of a target in a list of appeals (the id itself only when the document lacks it). */
export function targetLabel(doc: RuleDocument | null, t: AppealTarget, lang: Lang): string {
  if (!doc) return t.kind === 'input' ? t.key : t.id;
  switch (t.kind) {
    case 'input':
      return pick(doc.inputs.find((i) => i.key === t.key)?.label, lang) || t.key;
    case 'item': {
      for (const c of doc.categories) {
        const it = c.items.find((x) => x.id === t.id);
        if (it) return `${pick(c.label, lang)} › ${pick(it.label, lang)}`;
      }
      return t.id;
    }
    case 'veto':
      return pick(doc.vetoes?.find((x) => x.id === t.id)?.label, lang) || t.id;
    case 'downgrade':
      return pick(doc.downgrades?.find((x) => x.id === t.id)?.label, lang) || t.id;
    case 'cap':
      return pick(doc.caps?.find((x) => x.id === t.id)?.label, lang) || t.id;
  }
}

/** Why a requested value or points cannot be taken, as a message key (the page words it). */
export type RequestProblem =
  'notNumber' | 'notInteger' | 'belowMin' | 'aboveMax' | 'notChoice' | 'pointsRange';

/**
 * Reads what the form asks for: for an input, a corrected value of the input's type (within its
 * limits and choices); for an item, points between 0 and its maximum; for a veto, downgrade or cap,
 * nothing (the claim says why it should not apply). Empty text asks for nothing.
 */
export function readRequested(
  option: TargetOption,
  text: string,
): { requested: Requested | undefined } | { problem: RequestProblem } {
  const s = text.trim();
  if (s === '') return { requested: undefined };
  if (option.kind === 'item') {
    const n = Number(s);
    if (!Number.isFinite(n)) return { problem: 'notNumber' };
    if (n < 0 || (option.maxPoints !== undefined && n > option.maxPoints)) return { problem: 'pointsRange' };
    return { requested: { points: n } };
  }
  if (option.kind !== 'input' || !option.input) return { requested: undefined };
  const { type, min, max, choices } = option.input;
  let value: number | string | boolean;
  if (type === 'number' || type === 'integer') {
    const n = Number(s);
    if (!Number.isFinite(n)) return { problem: 'notNumber' };
    if (type === 'integer' && !Number.isInteger(n)) return { problem: 'notInteger' };
    if (min !== undefined && n < min) return { problem: 'belowMin' };
    if (max !== undefined && n > max) return { problem: 'aboveMax' };
    value = n;
  } else if (type === 'boolean') {
    if (s !== 'true' && s !== 'false') return { problem: 'notChoice' };
    value = s === 'true';
  } else value = s;
  if (choices && !choices.some((c) => String(c.value) === String(value))) return { problem: 'notChoice' };
  if (choices) value = choices.find((c) => String(c.value) === String(value))!.value;
  return { requested: { value } };
}

/**
 * The option of one target without a region's result (the decision form): enough to read a
 * corrected value (the input's type, limits, choices) or adjusted points (the item's maximum).
 */
export function optionOf(doc: RuleDocument, target: AppealTarget, lang: Lang): TargetOption {
  const base = {
    key: targetKey(target),
    target,
    kind: target.kind,
    label: targetLabel(doc, target, lang),
    current: '',
  };
  if (target.kind === 'input') {
    const i = doc.inputs.find((x) => x.key === target.key);
    return {
      ...base,
      input: i
        ? { type: i.type, min: i.min, max: i.max, unit: i.unit, choices: choicesOf(i.enum, lang) }
        : { type: 'string' },
    };
  }
  if (target.kind === 'item') {
    const it = doc.categories.flatMap((c) => c.items).find((x) => x.id === target.id);
    return { ...base, maxPoints: it?.maxPoints };
  }
  return base;
}
