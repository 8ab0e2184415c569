/**
 * Request validation with ajv: bodies against their JSON Schemas (the rule document schema for
 * documents), path and query parameters coerced from strings. ajv's errors become
 * `{ path, code, message }` problems, the same shape and codes as the engine's schema problems.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ProblemEntry } from '../problem.ts';
import { componentSchemas, SCHEMA_ID_PREFIX, type JsonSchema } from './schemas.ts';

function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

function problem(path: string, code: string, zh: string, en: string): ProblemEntry {
  return { path, code, message: `${zh} / ${en}` };
}

/** Turns one ajv error into a problem; `base` is prefixed to its JSON pointer. */
export function ajvProblem(e: ErrorObject, base = ''): ProblemEntry {
  const at = base + (e.instancePath || '');
  const where = at || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const field = String(p.missingProperty);
      return problem(
        `${at}/${escapeToken(field)}`,
        'missing_field',
        `缺少必填字段 "${field}"（位置 ${where}）：请补上该字段。`,
        `Required field "${field}" is missing at ${where}; add it.`,
      );
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      return problem(
        `${at}/${escapeToken(field)}`,
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
    case 'enum':
    case 'const': {
      const allowed = JSON.stringify(p.allowedValues ?? [p.allowedValue]);
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
    case 'pattern':
    case 'format':
      return problem(
        at,
        'invalid_format',
        `${where} 的格式不正确（${e.message}）。`,
        `${where} has the wrong format (${e.message}).`,
      );
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties':
      return problem(at, 'invalid_length', `${where}：${e.message}。`, `${where}: ${e.message}.`);
    default:
      return problem(at, `schema_${e.keyword}`, `${where}：${e.message}。`, `${where}: ${e.message}.`);
  }
}

/** Removes repeated problems (ajv reports `anyOf` branches that fail the same way). */
export function dedupe(problems: ProblemEntry[]): ProblemEntry[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function makeAjv(coerce: boolean) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, coerceTypes: coerce });
  addFormats(ajv);
  for (const [name, schema] of Object.entries(componentSchemas))
    ajv.addSchema(schema, SCHEMA_ID_PREFIX + name);
  return ajv;
}

let bodyAjv: ReturnType<typeof makeAjv> | undefined;
let paramAjv: ReturnType<typeof makeAjv> | undefined;

/** Compiles a body schema (which may `$ref` the component schemas). */
export function compileBody(schema: JsonSchema): ValidateFunction {
  bodyAjv ??= makeAjv(false);
  return bodyAjv.compile(schema);
}

/** Compiles a schema for path or query parameters: strings are coerced to the declared types. */
export function compileParams(schema: JsonSchema): ValidateFunction {
  paramAjv ??= makeAjv(true);
  return paramAjv.compile(schema);
}

/** Runs a compiled validator; the problems (empty when valid), paths prefixed with `base`. */
export function check(validate: ValidateFunction, value: unknown, base = ''): ProblemEntry[] {
  if (validate(value)) return [];
  return dedupe((validate.errors ?? []).map((e) => ajvProblem(e, base)));
}
