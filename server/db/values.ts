/**
 * Checking one value against a rule document's input declaration (type, min/max, enum), shared by
 * the grid write and the importers. Messages are Chinese first, then English.
 */
import type { Input } from '../../engine/types.ts';

export interface ValueProblem {
  code: 'invalid_type' | 'out_of_range' | 'not_in_enum';
  message: string;
}

const TYPE_ZH: Record<Input['type'], string> = {
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  string: '文本',
};
const TYPE_EN: Record<Input['type'], string> = {
  number: 'a number',
  integer: 'an integer',
  boolean: 'true/false (是/否)',
  string: 'text',
};

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

/** Whether `v` is a JSON scalar a dataset may hold (finite number, boolean or string). */
export function isScalar(v: unknown): v is number | boolean | string {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || typeof v === 'string';
}

/** The problem with `value` for `input`, or null when it fits. */
export function checkValue(input: Input, value: unknown): ValueProblem | null {
  const label = `${input.key}(${input.label.zh})`;
  const fits =
    input.type === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : input.type === 'integer'
        ? typeof value === 'number' && Number.isInteger(value)
        : input.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'string';
  if (!fits)
    return {
      code: 'invalid_type',
      message: `${label} 应为${TYPE_ZH[input.type]},实际是 ${show(value)} / ${input.key} must be ${TYPE_EN[input.type]}, got ${show(value)}`,
    };
  if (typeof value === 'number') {
    if (input.min !== undefined && value < input.min)
      return {
        code: 'out_of_range',
        message: `${label} 的值 ${value} 小于最小值 ${input.min} / ${input.key} is ${value}, below the minimum ${input.min}`,
      };
    if (input.max !== undefined && value > input.max)
      return {
        code: 'out_of_range',
        message: `${label} 的值 ${value} 大于最大值 ${input.max} / ${input.key} is ${value}, above the maximum ${input.max}`,
      };
  }
  if (input.enum && !input.enum.some((e) => e === value)) {
    const allowed = input.enum.map(show).join(', ');
    return {
      code: 'not_in_enum',
      message: `${label} 的值 ${show(value)} 不在允许的取值中(${allowed}) / ${input.key} is ${show(value)}, not one of ${allowed}`,
    };
  }
  return null;
}

/** Whether an input must have a value once defaults are applied (required, default true, and no default). */
export function isRequiredWithoutDefault(input: Input): boolean {
  return input.default === undefined && (input.required ?? true);
}

/** The order of roles in templates and exports: targets, actuals, events, assessments, others. */
export const ROLE_ORDER: Record<string, number> = { target: 0, actual: 1, event: 2, assessment: 3, other: 4 };

/** Inputs grouped by role (target, actual, event, assessment, other), document order within a role. */
export function inputsByRole(inputs: readonly Input[]): Input[] {
  return inputs
    .map((input, i) => ({ input, i }))
    .sort(
      (a, b) =>
        (ROLE_ORDER[a.input.role ?? 'other'] ?? 4) - (ROLE_ORDER[b.input.role ?? 'other'] ?? 4) || a.i - b.i,
    )
    .map((x) => x.input);
}
