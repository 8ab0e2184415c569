/**
 * Step 1 of evaluation (SPEC section 3): a region's data checked against the document's inputs,
 * with defaults applied. Missing required values, wrong types and values outside min/max/enum are
 * errors naming the region and the key; undeclared keys are ignored with a warning.
 */
import type { Input, RegionData, RegionError } from '../types.ts';
import type { PreparedDocument } from './prepare.ts';
import { valueFitsType as fitsType } from '../validate/semantic.ts';
import { choiceFromText, prevName } from '../document/v2.ts';

export interface ResolvedInputs {
  /** Input values after defaults, on a prototype-free object (formulas read it with `var`). */
  values: Record<string, unknown>;
  errors: RegionError[];
  warnings: { region: string; key: string; message: string }[];
}

const TYPE_ZH: Record<Input['type'], string> = {
  number: '数值',
  integer: '整数',
  boolean: '是/否',
  string: '文本',
};

/** Resolves one region's inputs. */
export function resolveInputs(p: PreparedDocument, region: RegionData): ResolvedInputs {
  const values: Record<string, unknown> = Object.create(null);
  const errors: RegionError[] = [];
  const warnings: ResolvedInputs['warnings'] = [];
  const data = region.values ?? {};
  const at = { region: region.code, name: region.name };
  const err = (key: string, code: string, zh: string, en: string) =>
    errors.push({
      ...at,
      key,
      code,
      message: `${region.name || region.code}（${region.code}）${zh} / ${region.code}: ${en}`,
    });

  for (const input of p.inputs) {
    const key = input.key;
    let v = Object.prototype.hasOwnProperty.call(data, key)
      ? (data as Record<string, unknown>)[key]
      : undefined;
    if (typeof v === 'string' && p.labelled.size > 0) v = labelledValue(p, key, v);
    if (v === null || v === undefined) {
      if (input.default !== undefined) v = input.default;
      else {
        const required = input.required ?? true;
        if (required)
          err(
            key,
            'missing_input',
            `缺少必填数据 "${key}"（${input.label.zh}）。`,
            `required value "${key}" (${input.label.en ?? input.label.zh}) is missing.`,
          );
        continue;
      }
    }
    if (!fitsType(v, input.type)) {
      err(
        key,
        'wrong_type',
        `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不是${TYPE_ZH[input.type]}。`,
        `"${key}" must be ${input.type === 'integer' ? 'an integer' : `a ${input.type}`}, got ${JSON.stringify(v)}.`,
      );
      continue;
    }
    if (typeof v === 'number') {
      if (input.min !== undefined && v < input.min) {
        err(
          key,
          'out_of_range',
          `"${key}"（${input.label.zh}）的值 ${v} 小于最小值 ${input.min}。`,
          `"${key}" is ${v}, below the minimum ${input.min}.`,
        );
        continue;
      }
      if (input.max !== undefined && v > input.max) {
        err(
          key,
          'out_of_range',
          `"${key}"（${input.label.zh}）的值 ${v} 大于最大值 ${input.max}。`,
          `"${key}" is ${v}, above the maximum ${input.max}.`,
        );
        continue;
      }
    }
    if (input.enum && !input.enum.some((e) => e === v)) {
      const allowed = input.enum.map((e) => JSON.stringify(e)).join(', ');
      err(
        key,
        'not_in_enum',
        `"${key}"（${input.label.zh}）的值 ${JSON.stringify(v)} 不在可选值 ${allowed} 中。`,
        `"${key}" is ${JSON.stringify(v)}, not one of ${allowed}.`,
      );
      continue;
    }
    values[key] = v;
  }
  for (const key of Object.keys(data)) {
    if (!p.inputByKey.has(key))
      warnings.push({ region: region.code, key, message: undeclaredMessage(p, key) });
  }
  return { values, errors, warnings };
}

/** The warning for a data key the document does not declare (a parameter's key says so). */
export function undeclaredMessage(p: PreparedDocument, key: string): string {
  return p.parameters.has(key)
    ? `数据项 "${key}" 与参数同名，参数不能由数据覆盖，已忽略 / "${key}" is a parameter, which data cannot override; ignored`
    : `未声明的数据项 "${key}" 已忽略 / undeclared key "${key}" ignored`;
}

/**
 * A text given for an input with labelled choices: the value it stands for (its value, or its
 * label), or the text itself when it names no choice (refused by the enum check then).
 */
export function labelledValue(p: PreparedDocument, key: string, v: string): unknown {
  const input = p.labelled.get(key);
  if (!input) return v;
  const value = choiceFromText(input, v);
  return value === undefined ? v : value;
}

export interface ResolvedPrevious {
  /** Last year's values by input key (a missing optional one absent), prototype-free. */
  previous: Record<string, unknown>;
  errors: RegionError[];
  warnings: { region: string; key: string; message: string }[];
}

/**
 * Schema version 2: a region's last year's values (`region.previous`) checked like the inputs
 * themselves (type, min, max, enum; no defaults). A missing `required` one is an error
 * (`missing_previous`); a missing `optional` one is absent and reads as null (or as the `var` default). Keys of inputs that do not declare
 * `previous` are ignored with a warning. Both evaluation paths use this.
 */
export function resolvePrevious(p: PreparedDocument, region: RegionData): ResolvedPrevious {
  const previous: Record<string, unknown> = Object.create(null);
  const errors: RegionError[] = [];
  const warnings: ResolvedPrevious['warnings'] = [];
  const data = (region.previous ?? {}) as Record<string, unknown>;
  const own = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const err = (input: Input, code: string, zh: string, en: string) =>
    errors.push({
      region: region.code,
      name: region.name,
      key: prevName(input.key),
      code,
      message: `${region.name || region.code}（${region.code}）${zh} / ${region.code}: ${en}`,
    });
  for (const input of p.previous) {
    const key = input.key;
    const name = prevName(key);
    let v = own(key) ? data[key] : undefined;
    if (typeof v === 'string' && p.labelled.size > 0) v = labelledValue(p, key, v);
    if (v === null || v === undefined) {
      if (input.previous === 'required')
        err(
          input,
          'missing_previous',
          `缺少上年值 "${name}"（上年${input.label.zh}）。`,
          `last year's value "${name}" (${input.label.en ?? input.label.zh}) is missing.`,
        );
      // a missing optional one is absent: `prev.KEY` reads as null (or the `var` default)
      continue;
    }
    if (!fitsType(v, input.type)) {
      err(
        input,
        'wrong_type',
        `上年值 "${name}"（上年${input.label.zh}）${JSON.stringify(v)} 不是${TYPE_ZH[input.type]}。`,
        `"${name}" must be ${input.type === 'integer' ? 'an integer' : `a ${input.type}`}, got ${JSON.stringify(v)}.`,
      );
      continue;
    }
    if (typeof v === 'number' && input.min !== undefined && v < input.min) {
      err(
        input,
        'out_of_range',
        `上年值 "${name}"（上年${input.label.zh}）${v} 小于最小值 ${input.min}。`,
        `"${name}" is ${v}, below the minimum ${input.min}.`,
      );
      continue;
    }
    if (typeof v === 'number' && input.max !== undefined && v > input.max) {
      err(
        input,
        'out_of_range',
        `上年值 "${name}"（上年${input.label.zh}）${v} 大于最大值 ${input.max}。`,
        `"${name}" is ${v}, above the maximum ${input.max}.`,
      );
      continue;
    }
    if (input.enum && !input.enum.some((e) => e === v)) {
      const allowed = input.enum.map((e) => JSON.stringify(e)).join(', ');
      err(
        input,
        'not_in_enum',
        `上年值 "${name}"（上年${input.label.zh}）${JSON.stringify(v)} 不在可选值 ${allowed} 中。`,
        `"${name}" is ${JSON.stringify(v)}, not one of ${allowed}.`,
      );
      continue;
    }
    previous[key] = v;
  }
  for (const key of Object.keys(data)) {
    const input = p.inputByKey.get(key);
    if (!input || input.previous === undefined)
      warnings.push({
        region: region.code,
        key: prevName(key),
        message: `未声明上年值的数据项 "${prevName(key)}" 已忽略 / "${prevName(key)}" is not a declared previous value; ignored`,
      });
  }
  return { previous, errors, warnings };
}
