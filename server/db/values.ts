/**
 * Checking one value against a rule document's input declaration (type, min/max, enum), shared by
 * the grid write and the importers. Messages are Chinese first, then English.
 */
import type { Input, RuleDocument } from '../../engine/types.ts';
import {
  choiceFromText,
  choiceLabel,
  choiceValue,
  hasLabelledChoices,
  PREV_PREFIX,
} from '../../engine/index.ts';

/**
 * The input a data key stands for: an input key, or (schema version 2) `prev.KEY` — last year's
 * value of an input that declares `previous`, stored with this year's data and checked like the
 * input itself. Undefined for any other key.
 */
export function inputOfKey(doc: Pick<RuleDocument, 'inputs'>, key: string): Input | undefined {
  if (key.startsWith(PREV_PREFIX)) {
    const input = doc.inputs.find((i) => i.key === key.slice(PREV_PREFIX.length));
    return input && input.previous !== undefined ? input : undefined;
  }
  return doc.inputs.find((i) => i.key === key);
}

/** A value typed or pasted for an input with labelled choices: the choice's value for its label. */
export function choiceOfValue(input: Input | undefined, value: unknown): unknown {
  if (!input || typeof value !== 'string' || !hasLabelledChoices(input)) return value;
  return choiceFromText(input, value) ?? value;
}

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
  if (input.enum && !input.enum.some((e) => choiceValue(e) === value)) {
    const allowed = input.enum.map((e) => show(choiceValue(e))).join(', ');
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

/**
 * The columns of a data file for a document: its inputs grouped by role, then (schema version 2)
 * one `prev.KEY` column — last year's value, 上年… — for each input that declares `previous`.
 */
export function dataColumns(doc: Pick<RuleDocument, 'inputs'>): Input[] {
  const prev = doc.inputs
    .filter((i) => i.previous !== undefined)
    .map((i): Input => {
      const { default: _d, previous: _p, ...rest } = i;
      return {
        ...rest,
        key: `${PREV_PREFIX}${i.key}`,
        label: { zh: `上年${i.label.zh}`, ...(i.label.en ? { en: `last year's ${i.label.en}` } : {}) },
        required: false,
      };
    });
  return [...inputsByRole(doc.inputs), ...prev];
}

/** How a stored value reads in a file or on a page: a labelled choice by its Chinese label. */
export function valueForPeople(input: Input | undefined, value: unknown): unknown {
  if (!input || value === undefined || value === null) return value;
  return choiceLabel(input, value)?.zh ?? value;
}

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
