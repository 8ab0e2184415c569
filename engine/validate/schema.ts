/**
 * Stage 1 of validation: the rule document against its JSON Schema (rules/schema/), compiled once
 * with ajv. ajv's errors become problems of the same shape as the semantic ones.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../rules/schema/rule-document.schema.json' with { type: 'json' };
import type { Problem } from '../types.ts';
import { pointer, problem } from './problem.ts';

/** The rule document JSON Schema (draft 2020-12). */
export const ruleDocumentSchema = schema;

let compiled: ValidateFunction | null = null;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Checks a document against the JSON Schema; every problem at once. */
export function checkSchema(doc: unknown): Problem[] {
  const validate = validator();
  if (validate(doc)) return [];
  return dedupeProblems((validate.errors ?? []).map((e) => ajvProblem(e)));
}

/**
 * Turns one ajv error into a problem at its JSON pointer (prefixed with `base`), with a message in
 * Chinese and English. Used for rule documents here and for request bodies by the server.
 */
export function ajvProblem(e: ErrorObject, base = ''): Problem {
  const at = base + (e.instancePath || '');
  const where = at || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const field = String(p.missingProperty);
      return problem(
        pointer(at, field),
        'missing_field',
        `缺少必填字段 "${field}"（位置 ${where}）：请补上该字段。`,
        `Required field "${field}" is missing at ${where}; add it.`,
      );
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      return problem(
        pointer(at, field),
        'unknown_field',
        `未知字段 "${field}"（位置 ${where}）：请删除或改正拼写。`,
        `Unknown field "${field}" at ${where}; remove it or fix its spelling.`,
      );
    }
    case 'type': {
      const t = String(p.type);
      return problem(
        at,
        'wrong_type',
        `${where} 的类型应为 ${t}：请改正取值。`,
        `${where} must be of type ${t}; fix the value.`,
      );
    }
    case 'pattern': {
      const pat = String(p.pattern);
      return problem(
        at,
        'invalid_name',
        `${where} 的取值不符合格式 ${pat}（小写字母开头，只含小写字母、数字和下划线）：请改名。`,
        `${where} does not match ${pat} (a lowercase letter, then lowercase letters, digits or underscores); rename it.`,
      );
    }
    case 'enum':
    case 'const': {
      const allowed = JSON.stringify(p.allowedValues ?? p.allowedValue);
      return problem(
        at,
        'invalid_value',
        `${where} 的取值无效，应为 ${allowed} 之一。`,
        `${where} must be one of ${allowed}.`,
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const cmp = String(p.comparison);
      const lim = String(p.limit);
      return problem(
        at,
        'out_of_range',
        `${where} 应 ${cmp} ${lim}：请改正取值。`,
        `${where} must be ${cmp} ${lim}; fix the value.`,
      );
    }
    case 'format':
      return problem(
        at,
        'invalid_format',
        `${where} 的格式不正确（${String(p.format)}）。`,
        `${where} has the wrong format (${e.message}).`,
      );
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties': {
      const lim = Number(p.limit);
      const items = e.keyword.endsWith('Items') || e.keyword.endsWith('Properties');
      const more = e.keyword.startsWith('min');
      const zh = `${where} ${items ? '的条目' : '的长度'}${more ? '不能少于' : '不能多于'} ${lim} 个${items ? '' : '字符'}：请${more ? '补充' : '精简'}。`;
      const en = `${where} must have ${more ? 'at least' : 'at most'} ${lim} ${items ? 'entries' : 'characters'}.`;
      return problem(at, 'invalid_length', zh, en);
    }
    default:
      return problem(
        at,
        `schema_${e.keyword}`,
        `${where} 不符合规则文档格式（${e.keyword}）：${e.message}。`,
        `${where}: ${e.message}.`,
      );
  }
}

/** Removes repeated problems (ajv reports failing `anyOf` branches alike). */
export function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
