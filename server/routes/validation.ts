/**
 * Request validation with ajv: bodies against their JSON Schemas (the rule document schema for
 * documents), path and query parameters coerced from strings. ajv's errors become
 * `{ path, code, message }` problems, the same shape and codes as the engine's schema problems.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { ajvProblem, dedupeProblems as dedupe } from '../../engine/validate/schema.ts';
import type { Problem } from '../../engine/types.ts';
import addFormats from 'ajv-formats';
import { componentSchemas, SCHEMA_ID_PREFIX, type JsonSchema } from './schemas.ts';

/** ajv errors become problems exactly as for rule documents (engine/validate/schema.ts). */
export { ajvProblem, dedupeProblems as dedupe } from '../../engine/validate/schema.ts';

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
export function check(validate: ValidateFunction, value: unknown, base = ''): Problem[] {
  if (validate(value)) return [];
  return dedupe((validate.errors ?? []).map((e) => ajvProblem(e, base)));
}
