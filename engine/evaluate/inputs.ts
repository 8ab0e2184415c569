/**
 * Step 1 of evaluation (SPEC section 3): a region's data checked against the document's inputs,
 * with defaults applied. Missing required values, wrong types and values outside min/max/enum are
 * errors naming the region and the key; undeclared keys are ignored with a warning.
 */
import type { Input, RegionData, RegionError } from '../types.ts';
import type { PreparedDocument } from './prepare.ts';
import { valueFitsType as fitsType } from '../validate/semantic.ts';

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
      warnings.push({
        region: region.code,
        key,
        message: `未声明的数据项 "${key}" 已忽略 / undeclared key "${key}" ignored`,
      });
  }
  return { values, errors, warnings };
}
