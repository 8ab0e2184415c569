/**
 * The health check's findings in words, Chinese then English like the engine's other problems.
 */
import type { Label } from '../types.ts';

const KIND_ZH: Record<string, string> = { veto: '否决项', downgrade: '降档项', cap: '封顶项' };
const KIND_EN: Record<string, string> = { veto: 'veto', downgrade: 'downgrade', cap: 'cap' };

const name = (id: string, label: Label) => ({
  zh: `"${id}"（${label.zh}）`,
  en: `"${id}" (${label.en ?? label.zh})`,
});

export function itemMaxUnreachable(id: string, label: Label, max: number, sup: number | null): string {
  const n = name(id, label);
  const best = sup === null ? '' : `，最高只能得 ${sup} 分`;
  const bestEn = sup === null ? '' : ` (at most ${sup})`;
  return `考核项 ${n.zh}在任何允许的输入下都得不到满分 ${max} 分${best}：请检查公式或分值。 / Item ${n.en} can never reach its maxPoints ${max} for any allowed input${bestEn}; check the formula or the points.`;
}

export function itemAlwaysZero(id: string, label: Label): string {
  const n = name(id, label);
  return `考核项 ${n.zh}在任何允许的输入下都得 0 分：公式不起作用。 / Item ${n.en} scores 0 for every allowed input: the formula has no effect.`;
}

export function itemAlwaysMax(id: string, label: Label, max: number): string {
  const n = name(id, label);
  return `考核项 ${n.zh}在任何允许的输入下都得满分 ${max} 分：无法扣分。 / Item ${n.en} scores its full ${max} points for every allowed input: nothing can be deducted.`;
}

export function conditionNever(kind: string, id: string, label: Label): string {
  const n = name(id, label);
  return `${KIND_ZH[kind]} ${n.zh}的条件在任何允许的输入下都不成立，永远不会触发：请检查条件与输入范围。 / The ${KIND_EN[kind]} ${n.en} can never fire: its condition is false for every allowed input; check the condition and the inputs' ranges.`;
}

export function conditionAlways(kind: string, id: string, label: Label): string {
  const n = name(id, label);
  return `${KIND_ZH[kind]} ${n.zh}的条件在任何允许的输入下都成立，总会触发：请检查条件。 / The ${KIND_EN[kind]} ${n.en} always fires: its condition is true for every allowed input; check the condition.`;
}

export function gradeUnreachable(id: string, label: Label, min: number, sup: number): string {
  const n = name(id, label);
  return `等级 ${n.zh}要求总分不低于 ${min}，但任何允许的输入下总分（含加分上限）最高为 ${sup}，该等级无法达到。 / Grade ${n.en} needs a total of ${min}, but no allowed input scores more than ${sup} (bonus cap included): the grade cannot be reached.`;
}

export function conditionsOverlap(
  a: { kind: string; id: string; label: Label },
  b: { kind: string; id: string; label: Label },
): string {
  const na = name(a.id, a.label);
  const nb = name(b.id, b.label);
  return `${KIND_ZH[a.kind]} ${na.zh} 与${KIND_ZH[b.kind]} ${nb.zh}可能同时触发（见示例输入）：请确认叠加是否符合细则。 / The ${KIND_EN[a.kind]} ${na.en} and the ${KIND_EN[b.kind]} ${nb.en} can fire together (see the example inputs); make sure stacking them is intended.`;
}
